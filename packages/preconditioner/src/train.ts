import * as tf from '@tensorflow/tfjs-core';
import { createRng, NonFiniteError, OptionError, ShapeError, type RngState } from '@fisherkit/core';
import type { TrainableModel } from '@fisherkit/fisher';
import type { Optimizer, OptimizerState } from './contract.js';
import { assertKnownOptions, checkBoolean, checkNumber } from './option-checks.js';
import { arraysToTensors, tensorsToArrays } from './tensor-state.js';

/** Inputs and targets: row-major Float32Arrays (rows × features) or 2-D tensors (not disposed). */
export interface DataSplit {
  x: Float32Array | tf.Tensor2D;
  y: Float32Array | tf.Tensor2D;
}

/** Training data with an optional validation split. */
export interface TrainingData extends DataSplit {
  validation?: DataSplit;
}

/** One epoch of the history. */
export interface EpochRecord {
  /** 0-based epoch index. */
  epoch: number;
  /** Mean mini-batch loss over the epoch, weighted by batch size (losses taken before each update). */
  trainLoss: number;
  /** Loss on the validation split after the epoch, or null without one. */
  valLoss: number | null;
  /** Cumulative wall-clock seconds of training since the start of the run (resumes included). */
  seconds: number;
  /**
   * Cumulative CPU seconds (user + system, every thread of the process) spent training, resumes
   * included; unlike `seconds` it does not grow while other jobs hold the cores. Null where the
   * runtime has no `process.cpuUsage` (browsers).
   */
  cpuSeconds: number | null;
}

/** What `onStep` receives after every mini-batch. */
export interface StepRecord {
  /** Global step (0-based) of the step just taken. */
  step: number;
  epoch: number;
  /** Step within the epoch (0-based). */
  stepInEpoch: number;
  loss: number;
  batchSize: number;
}

/**
 * Plain-data checkpoint of a training run: resuming from it continues the same trajectory as an
 * uninterrupted run (bit for bit on the cpu backend).
 */
export interface TrainingState {
  kind: 'training-state';
  /** Epoch to run next (or the one in progress when `stepInEpoch > 0`). */
  epoch: number;
  /** Mini-batches of `epoch` already taken. */
  stepInEpoch: number;
  /** Global steps taken so far. */
  step: number;
  /** Shuffling stream at the start of `epoch` (the epoch's permutation is redrawn from it). */
  rng: RngState;
  /** Running sums of the epoch in progress. */
  epochLossSum: number;
  epochSamples: number;
  /** Wall-clock seconds spent so far. */
  seconds: number;
  /** CPU seconds spent so far (absent in states saved before it was recorded, or without `process.cpuUsage`). */
  cpuSeconds?: number;
  /** Model weights, `[d_a, d_g]` per layer, row-major. */
  weights: number[][];
  optimizer: OptimizerState;
  history: EpochRecord[];
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Total number of epochs (a resumed run continues up to this many). */
  epochs: number;
  batchSize: number;
  /** Seed of the shuffling stream. */
  seed: number;
  /** Reshuffle every epoch (default true); false keeps the data order. */
  shuffle?: boolean;
  /** Rows per `model.evaluate` call for the validation loss (default 1024). */
  evaluationBatchSize?: number;
  onStep?: (record: StepRecord) => void;
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** Checkpoint every `every` epochs (default 1) and/or every `everySteps` global steps. */
  checkpoint?: TrainCheckpointOptions;
  resumeFrom?: TrainingState;
}

/** The result of {@link train}. */
export interface TrainResult {
  epochs: EpochRecord[];
  state: TrainingState;
}

/** Where a run stands when a checkpoint falls due (`stepInEpoch` 0: the end of an epoch). */
export interface CheckpointPosition {
  step: number;
  epoch: number;
  stepInEpoch: number;
}

/** The `checkpoint` option of {@link train}. */
export interface TrainCheckpointOptions {
  every?: number;
  everySteps?: number;
  /**
   * Asked when a checkpoint falls due, before the state is gathered: return false to skip it.
   * A snapshot downloads the weights and every curvature factor, so a caller that only needs one
   * on demand (e.g. when a signal arrives) polls here for the price of a function call.
   */
  wanted?(position: CheckpointPosition): boolean | Promise<boolean>;
  save(state: TrainingState): void | Promise<void>;
}

const VALID = ['epochs', 'batchSize', 'seed', 'shuffle', 'evaluationBatchSize', 'onStep', 'onEpoch', 'checkpoint', 'resumeFrom'];

/**
 * Mini-batch training loop for any {@link Optimizer} (natural-gradient or first-order).
 * Each epoch draws a permutation from a seeded stream (`createRng(seed)`), takes
 * `ceil(N / batchSize)` steps (the last partial batch is kept), and records
 *
 *     trainLoss = Σ_b n_b · loss_b / N      (mini-batch losses before each update)
 *     valLoss   = Σ_c n_c · evaluate(chunk_c) / N_val
 *
 * and the cumulative wall-clock seconds. `checkpoint.save` receives a plain-data
 * {@link TrainingState}; pass it as `resumeFrom` (to a fresh model and optimiser of the same
 * architecture and options) to continue exactly where it stopped.
 *
 * @example
 * ```ts
 * const opt = naturalGradient(kfac, { learningRate: 0.1, damping: 3e-3 });
 * const { epochs } = await train(model, opt, { x, y, validation: { x: vx, y: vy } }, {
 *   epochs: 10, batchSize: 256, seed: 1,
 *   onEpoch: (e) => console.log(e.epoch, e.trainLoss, e.valLoss),
 *   checkpoint: { every: 5, save: (s) => writeFileSync('ckpt.json', JSON.stringify(s)) },
 * });
 * ```
 */
export async function train(
  model: TrainableModel,
  optimizer: Optimizer,
  data: TrainingData,
  options: TrainOptions,
): Promise<TrainResult> {
  assertKnownOptions(options, VALID, 'train');
  checkNumber(options.epochs, 'epochs', 'train', { min: 0, integer: true });
  checkNumber(options.batchSize, 'batchSize', 'train', { min: 1, integer: true });
  checkNumber(options.seed, 'seed', 'train', { min: 0, max: 0xffffffff, integer: true });
  if (options.shuffle !== undefined) checkBoolean(options.shuffle, 'shuffle', 'train');
  const evalBatch = options.evaluationBatchSize ?? 1024;
  checkNumber(evalBatch, 'evaluationBatchSize', 'train', { min: 1, integer: true });
  const ck = options.checkpoint;
  if (ck !== undefined) {
    if (typeof ck?.save !== 'function') throw new OptionError('train: checkpoint.save must be a function (state) => void');
    if (ck.every !== undefined) checkNumber(ck.every, 'checkpoint.every', 'train', { min: 1, integer: true });
    if (ck.everySteps !== undefined) checkNumber(ck.everySteps, 'checkpoint.everySteps', 'train', { min: 1, integer: true });
    if (ck.wanted !== undefined && typeof ck.wanted !== 'function') throw new OptionError('train: checkpoint.wanted must be a function (position) => boolean');
  }
  const shuffle = options.shuffle ?? true;
  const inSize = model.layers[0].inputSize;
  const outSize = model.layers[model.layers.length - 1].outputSize;
  const owned: tf.Tensor[] = [];
  const asTensor = (v: Float32Array | tf.Tensor2D, cols: number, what: string): tf.Tensor2D => {
    if (v instanceof Float32Array) {
      if (v.length % cols !== 0) throw new ShapeError(`train: ${what} has ${v.length} values, not a multiple of ${cols} columns; pass rows of ${cols} values, row-major (rows × ${cols})`);
      const t = tf.tensor2d(v, [v.length / cols, cols]);
      owned.push(t);
      return t;
    }
    if (v.rank !== 2 || v.shape[1] !== cols) throw new ShapeError(`train: ${what} must be [rows, ${cols}], got [${v.shape.join(', ')}]`);
    return v;
  };
  // One scan before the first step: a NaN in row 50,000 must not stop the run mid-epoch, and the
  // message names the row of the data, not of a shuffled mini-batch.
  const assertFiniteData = (t: tf.Tensor2D, what: string): void => {
    const ok = tf.tidy(() => tf.all(tf.isFinite(t)));
    const clean = ok.dataSync()[0] === 1;
    ok.dispose();
    if (clean) return;
    const values = t.dataSync();
    const cols = t.shape[1];
    const k = values.findIndex((v) => !Number.isFinite(v));
    throw new NonFiniteError(
      `train: ${what} has a non-finite entry ${values[k]} at row ${Math.floor(k / cols)}, column ${k % cols}; ` +
        'remove or impute NaN/Infinity before training',
    );
  };
  try {
    const x = asTensor(data.x, inSize, 'data.x');
    const y = asTensor(data.y, outSize, 'data.y');
    const n = x.shape[0];
    if (y.shape[0] !== n) throw new ShapeError(`train: data.x has ${n} rows but data.y has ${y.shape[0]}; pass one target row per input row`);
    if (n === 0) throw new ShapeError('train: data.x has no rows');
    const vx = data.validation ? asTensor(data.validation.x, inSize, 'validation.x') : null;
    const vy = data.validation ? asTensor(data.validation.y, outSize, 'validation.y') : null;
    if (vx && vy && vx.shape[0] !== vy.shape[0]) {
      throw new ShapeError(`train: validation.x has ${vx.shape[0]} rows but validation.y has ${vy.shape[0]}`);
    }
    assertFiniteData(x, 'data.x');
    assertFiniteData(y, 'data.y');
    if (vx && vy) {
      assertFiniteData(vx, 'validation.x');
      assertFiniteData(vy, 'validation.y');
    }

    const rng = createRng(options.seed);
    let epoch = 0;
    let stepInEpoch = 0;
    let step = 0;
    let lossSum = 0;
    let samples = 0;
    let secondsBefore = 0;
    let cpuSecondsBefore = 0;
    const history: EpochRecord[] = [];
    const r = options.resumeFrom;
    if (r) {
      if (r.kind !== 'training-state') throw new OptionError('train: resumeFrom is not a TrainingState (kind must be "training-state"); pass a state given to checkpoint.save');
      const shapes = model.layers.map((l) => [l.inputSize + 1, l.outputSize] as [number, number]);
      const ws = arraysToTensors(r.weights, shapes, 'resumeFrom.weights');
      try {
        model.setWeights(ws);
      } finally {
        tf.dispose(ws);
      }
      optimizer.setState(r.optimizer);
      rng.setState(r.rng);
      ({ epoch, stepInEpoch, step } = r);
      lossSum = r.epochLossSum;
      samples = r.epochSamples;
      secondsBefore = r.seconds;
      cpuSecondsBefore = r.cpuSeconds ?? 0;
      history.push(...r.history.map((h) => ({ ...h })));
    }

    const started = performance.now();
    const elapsed = (): number => secondsBefore + (performance.now() - started) / 1000;
    const cpuStarted = processCpuSeconds();
    const cpuElapsed = (): number | null => {
      const now = processCpuSeconds();
      return now === null || cpuStarted === null ? null : cpuSecondsBefore + now - cpuStarted;
    };
    let epochRng: RngState = rng.getState();
    const snapshot = (): TrainingState => {
      const ws = model.getWeights();
      try {
        return {
          kind: 'training-state',
          epoch,
          stepInEpoch,
          step,
          rng: [...epochRng] as RngState,
          epochLossSum: lossSum,
          epochSamples: samples,
          seconds: elapsed(),
          ...(cpuElapsed() === null ? {} : { cpuSeconds: cpuElapsed()! }),
          weights: tensorsToArrays(ws),
          optimizer: optimizer.getState(),
          history: history.map((h) => ({ ...h })),
        };
      } finally {
        tf.dispose(ws);
      }
    };

    const wanted = async (): Promise<boolean> => (ck?.wanted ? (await ck.wanted({ step, epoch, stepInEpoch })) !== false : true);

    const batches = Math.ceil(n / options.batchSize);
    while (epoch < options.epochs) {
      epochRng = rng.getState();
      const order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      if (shuffle) rng.shuffle(order);
      for (; stepInEpoch < batches; ) {
        const idx = order.subarray(stepInEpoch * options.batchSize, Math.min(n, (stepInEpoch + 1) * options.batchSize));
        const it = tf.tensor1d(idx, 'int32');
        const bx = tf.gather(x, it) as tf.Tensor2D;
        const by = tf.gather(y, it) as tf.Tensor2D;
        it.dispose();
        let loss: number;
        try {
          loss = optimizer.step(model, bx, by, { step, epoch });
        } finally {
          bx.dispose();
          by.dispose();
        }
        lossSum += loss * idx.length;
        samples += idx.length;
        options.onStep?.({ step, epoch, stepInEpoch, loss, batchSize: idx.length });
        step += 1;
        stepInEpoch += 1;
        if (ck?.everySteps && step % ck.everySteps === 0 && stepInEpoch < batches && (await wanted())) {
          // Mid-epoch checkpoint: the permutation is redrawn from the epoch's starting stream on resume.
          await ck.save(snapshot());
        }
      }
      const valLoss = vx && vy ? evaluateInChunks(model, vx, vy, evalBatch) : null;
      const record: EpochRecord = { epoch, trainLoss: lossSum / samples, valLoss, seconds: elapsed(), cpuSeconds: cpuElapsed() };
      history.push(record);
      epoch += 1;
      stepInEpoch = 0;
      lossSum = 0;
      samples = 0;
      epochRng = rng.getState();
      await options.onEpoch?.({ ...record });
      const dueEpoch = ck && (ck.every !== undefined || ck.everySteps === undefined) && epoch % (ck.every ?? 1) === 0;
      const dueStep = ck?.everySteps !== undefined && step % ck.everySteps === 0;
      if (ck && (dueEpoch || dueStep) && (await wanted())) await ck.save(snapshot());
    }
    return { epochs: history.map((h) => ({ ...h })), state: snapshot() };
  } finally {
    tf.dispose(owned);
  }
}

/**
 * Mean loss of a model over a data set, evaluated in chunks of `chunk` rows:
 * `Σ_c n_c · model.evaluate(x_c, y_c) / N`.
 *
 * @example
 * ```ts
 * const valLoss = evaluateInChunks(model, vx, vy, 1024);
 * ```
 */
export function evaluateInChunks(model: TrainableModel, x: tf.Tensor2D, y: tf.Tensor2D, chunk: number): number {
  const n = x.shape[0];
  if (n === 0) return NaN;
  let total = 0;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    const cx = tf.slice(x, [start, 0], [size, -1]) as tf.Tensor2D;
    const cy = tf.slice(y, [start, 0], [size, -1]) as tf.Tensor2D;
    try {
      total += model.evaluate(cx, cy) * size;
    } finally {
      cx.dispose();
      cy.dispose();
    }
  }
  return total / n;
}

/** User + system CPU seconds of the whole process, or null where the runtime cannot tell. */
function processCpuSeconds(): number | null {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1e6 : null;
}
