import { relative } from 'node:path';
import { NonFiniteError, type BackendInfo } from '@fisherkit/core';
import type { Dataset } from '@fisherkit/datasets';
import { createDenseNetwork, type DenseStackModel } from '@fisherkit/fisher';
import { train, type ApproximationPlugin, type CheckpointPosition, type NumericalWarning, type EpochRecord, type TrainingState } from '@fisherkit/preconditioner';
import { checkpointPath, writeCheckpoint } from './checkpoint-file.js';
import { CliError } from './cli-error.js';
import { machineInfo, packageVersions, type MachineInfo } from './machine.js';
import { PRESET_CONVENTION } from './presets.js';
import { createProgress, formatLoss, formatSeconds } from './progress.js';
import { writeJsonAtomic } from './results-file.js';
import { createOptimizer, type TrainConfig } from './train-config.js';
import type { MatMulInfo } from './matmul-option.js';

/** One epoch in the results file (1-based epoch; losses in fisherkit's convention and the paper's). */
export interface EpochResult {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  /** Cumulative wall-clock seconds (resumes included). */
  seconds: number;
  /** Cumulative CPU seconds of the process (resumes included): the cost without other jobs' share of the cores. */
  cpuSeconds: number | null;
  /** trainLoss / k: the authors' per-pixel mean loss, comparable with their saved runs. */
  paperTrainLoss: number;
  paperValLoss: number | null;
}

/** The loss scale recorded with every result (see presets.ts). */
export interface LossScale {
  /** d_out: the number of output units the per-example loss is summed over. */
  perPixelDivisor: number;
  /** k = fisherkit loss / authors' per-pixel loss (d_out for bce, d_out/2 for mse). */
  authorsLossFactor: number;
  fisherkitLoss: string;
  authorsLoss: string;
}

/** The JSON written by `fisherkit train` (and by every grid cell). */
export interface TrainResultFile {
  kind: 'train';
  problem: string;
  method: string;
  /** True once every requested epoch is done. */
  complete: boolean;
  /** Set when NaN/Infinity stopped the run (the epochs before it are kept). */
  stopped?: { error: string };
  /** Set when a signal stopped the run (the checkpoint holds the state to resume from). */
  interrupted?: { signal: string; step: number; checkpoint: string };
  config: TrainConfig;
  presetConvention: string;
  hiddenUnits: string;
  data: { title: string; source: string; train: number; validation: number };
  backend: BackendInfo & { matMul?: MatMulInfo };
  machine: MachineInfo;
  versions: Record<string, string>;
  seed: number;
  lossScale: LossScale;
  epochs: EpochResult[];
  diagnostics: Record<string, number>;
}

/** Options of {@link runTraining}. */
export interface RunTrainingOptions {
  config: TrainConfig;
  plugin: ApproximationPlugin<any> | null;
  data: Dataset;
  /** The active backend and, where one was installed, the matMul kernel that replaced its own. */
  backend: BackendInfo & { matMul?: MatMulInfo };
  /** Results file, rewritten atomically after every epoch. */
  out: string;
  /** Checkpoint every N epochs (beside `out`); signals always checkpoint. */
  checkpointEvery?: number;
  resumeFrom?: TrainingState;
  /** Prefix of the progress display. */
  label?: string;
  /** Plugs a native gradient pass into the new model (`InstalledMatMul.attachGradientPass`); returns its detach. */
  attachGradientPass?: (model: DenseStackModel) => () => void;
}

/**
 * Builds the problem's network and the method's optimiser, trains with `train()`, and keeps the
 * results file current: written atomically after every epoch (an interrupted run leaves a valid
 * file with the epochs done), with `complete: true` at the end. With `checkpointEvery` the
 * training state goes to `<out>.checkpoint.json` every that many epochs; on SIGINT / SIGTERM the
 * current step finishes, the checkpoint is written, and the process exits with 130 / 143.
 *
 * Signals are seen after every step through `train()`'s `checkpoint.wanted` poll, which costs a
 * function call; the snapshot itself (a download of the weights and curvature) is taken only when
 * a signal is pending or an epoch checkpoint is due.
 *
 * @example
 * ```ts
 * const result = await runTraining({ config, plugin, data, backend, out: 'runs/kfac.json', checkpointEvery: 10 });
 * result.epochs.at(-1)?.valLoss;
 * ```
 */
export async function runTraining(options: RunTrainingOptions): Promise<TrainResultFile> {
  const { config, data, out } = options;
  const dOut = config.sizes[config.sizes.length - 1];
  if (data.inputSize !== config.sizes[0] || data.outputSize !== dOut) {
    throw new CliError(
      `${config.problem} data has ${data.inputSize} inputs / ${data.outputSize} outputs but the preset network is ${config.sizes[0]} → ${dOut}`,
    );
  }
  const k = config.authorsLossFactor;
  const toResult = (e: EpochRecord): EpochResult => ({
    epoch: e.epoch + 1,
    trainLoss: e.trainLoss,
    valLoss: e.valLoss,
    seconds: e.seconds,
    cpuSeconds: e.cpuSeconds,
    paperTrainLoss: e.trainLoss / k,
    paperValLoss: e.valLoss === null ? null : e.valLoss / k,
  });
  const result: TrainResultFile = {
    kind: 'train',
    problem: config.problem,
    method: config.method,
    complete: false,
    config,
    presetConvention: PRESET_CONVENTION,
    hiddenUnits:
      config.hidden === 'relu'
        ? "relu: every hidden layer ReLU, code layer included (the authors' runs)"
        : 'logistic: logistic hidden units, linear code layer (Hinton & Salakhutdinov)',
    data: { title: data.title, source: data.source, train: data.train.n, validation: data.validation.n },
    backend: options.backend,
    machine: machineInfo(),
    versions: packageVersions(),
    seed: config.seed,
    lossScale: {
      perPixelDivisor: dOut,
      authorsLossFactor: k,
      fisherkitLoss: config.loss === 'bce' ? 'BCE summed over output units, mean over the batch' : '½ squared error summed over output units, mean over the batch',
      authorsLoss: config.loss === 'bce' ? 'torch BCELoss: mean over pixels and batch (= fisherkit / d_out)' : 'torch MSELoss: mean of (o − y)² over pixels and batch (= fisherkit · 2 / d_out)',
    },
    epochs: (options.resumeFrom?.history ?? []).map(toResult),
    diagnostics: {},
  };

  const model = createDenseNetwork({ sizes: config.sizes, activations: config.activations, loss: config.loss, seed: config.seed });
  const detachGradientPass = options.attachGradientPass?.(model) ?? (() => {});
  // Skipped-step warnings are gathered per step and printed as one line per cause above the
  // progress bar (which exists only after the optimiser); the results' diagnostics keep the counts.
  let logLine = (line: string): void => void process.stderr.write(`${line}\n`);
  const stepWarnings: NumericalWarning[] = [];
  const flushWarnings = (): void => {
    for (const line of summarizeWarnings(stepWarnings)) logLine(line);
    stepWarnings.length = 0;
  };
  const optimizer = createOptimizer(config, options.plugin, { onWarning: (w) => stepWarnings.push(w) });
  const ckPath = checkpointPath(out);
  const stepsPerEpoch = Math.ceil(data.train.n / config.batchSize);
  const totalSteps = stepsPerEpoch * config.epochs;
  const startStep = options.resumeFrom?.step ?? 0;
  const progress = createProgress({ unit: 'steps', total: totalSteps, label: options.label ?? `${config.method} ${config.problem}`, start: startStep });
  logLine = progress.log;

  let pending: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    pending = signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let lastSavedEpoch = options.resumeFrom?.epoch ?? -1;
  const epochCheckpointDue = (epoch: number, stepInEpoch: number): boolean =>
    stepInEpoch === 0 && !!options.checkpointEvery && epoch % options.checkpointEvery === 0 && epoch !== lastSavedEpoch;
  const checkpoint = {
    every: 1,
    everySteps: 1,
    // Polled after every step: a snapshot (weights and every curvature factor) is taken only when
    // a signal is pending or an epoch checkpoint is due, never just to look for a signal.
    wanted: async ({ epoch, stepInEpoch }: CheckpointPosition): Promise<boolean> => {
      await new Promise((r) => setImmediate(r)); // let a pending signal handler run
      return pending !== null || epochCheckpointDue(epoch, stepInEpoch);
    },
    save: (state: TrainingState): void => {
      if (pending) {
        const signal: NodeJS.Signals = pending;
        writeCheckpoint(ckPath, state, config, signal);
        result.interrupted = { signal, step: state.step, checkpoint: relative(process.cwd(), ckPath) || ckPath };
        result.diagnostics = optimizer.diagnostics();
        writeJsonAtomic(out, result);
        progress.stop();
        process.stderr.write(`fisherkit: ${signal}: stopped after step ${state.step}; resume with --resume ${ckPath}\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      if (epochCheckpointDue(state.epoch, state.stepInEpoch)) {
        writeCheckpoint(ckPath, state, config, 'epoch');
        lastSavedEpoch = state.epoch;
      }
    },
  };

  try {
    await train(
      model,
      optimizer,
      {
        x: data.train.x,
        y: data.train.y,
        ...(data.validation.n > 0 ? { validation: { x: data.validation.x, y: data.validation.y } } : {}),
      },
      {
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        checkpoint,
        ...(options.resumeFrom ? { resumeFrom: options.resumeFrom } : {}),
        onStep: (s) => {
          flushWarnings();
          progress.update(s.step + 1, s.loss);
        },
        onEpoch: (e) => {
          result.epochs.push(toResult(e));
          result.diagnostics = optimizer.diagnostics();
          writeJsonAtomic(out, result);
          progress.log(
            `epoch ${e.epoch + 1}/${config.epochs}: train ${formatLoss(e.trainLoss)} (paper ${formatLoss(e.trainLoss / k)})` +
              `${e.valLoss === null ? '' : `, val ${formatLoss(e.valLoss)} (paper ${formatLoss(e.valLoss / k)})`}, ${formatSeconds(e.seconds)}`,
          );
        },
      },
    );
    result.complete = true;
    result.diagnostics = optimizer.diagnostics();
    writeJsonAtomic(out, result);
    return result;
  } catch (error) {
    // A run stopped by numerical trouble keeps its finished epochs and says why it stopped.
    if (error instanceof NonFiniteError && result.epochs.length > 0) {
      result.stopped = { error: error.message };
      result.diagnostics = optimizer.diagnostics();
      writeJsonAtomic(out, result);
    }
    throw error;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    optimizer.dispose();
    detachGradientPass();
    model.dispose();
  }
}

/**
 * One line per (step, cause) for the warnings of one step: the layers, and the advice of the
 * first warning (the same for every layer of one cause).
 *
 * @example `summarizeWarnings(ws) // ['warning: step 12: the gradient is not finite in 3 layers (dense_0, dense_1, dense_2); …']`
 */
export function summarizeWarnings(warnings: readonly NumericalWarning[]): string[] {
  const byCause = new Map<string, NumericalWarning[]>();
  for (const w of warnings) byCause.set(`${w.step}:${w.cause}`, [...(byCause.get(`${w.step}:${w.cause}`) ?? []), w]);
  return [...byCause.values()].map((ws) => {
    if (ws.length === 1) return ws[0].message;
    const names = ws.map((w) => w.layer);
    const shown = names.length > 4 ? `${names.slice(0, 3).join(', ')}, …, ${names.at(-1)}` : names.join(', ');
    // The message reads "warning: <optimizer>, layer "x", step n: <what> [count; advice]".
    const detail = ws[0].message.replace(/^warning: [^:]*: /, '').replace(/\[\d+× in this layer; /, '[');
    return `warning: ${ws[0].optimizer}, step ${ws[0].step}, ${ws.length} layers (${shown}): ${detail}`;
  });
}
