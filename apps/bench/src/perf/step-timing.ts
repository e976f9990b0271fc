import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@fisherkit/core';
import { createDenseNetwork, type Activation, type DenseStackModel, type LossName } from '@fisherkit/fisher';
import type { InverseWorkerSetting, Optimizer } from '@fisherkit/preconditioner';
import { inverseMode, type InverseMode } from '../inverse-worker-option.js';
import { resolveMethod, resolveTrainConfig, createOptimizer } from '../train-config.js';

/**
 * Timing of training steps and matMuls for `npm run bench:compare` and `bench:width`
 * (apps/bench/scripts). Everything here is measured, never asserted: tests must not time anything.
 */

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = xs.slice().sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/**
 * `[d_a, d_g] = [d_in + 1, d_out]` of every dense layer of a network with the given widths.
 * @example `layerShapes([784, 1000, 784]) // [[785, 1000], [1001, 784]]`
 */
export function layerShapes(sizes: readonly number[]): [number, number][] {
  return sizes.slice(0, -1).map((d, l) => [d + 1, sizes[l + 1]]);
}

/**
 * Number of trainable parameters (kernels and biases).
 * @example `parameterCount([784, 1000, 784]) // 785·1000 + 1001·784`
 */
export function parameterCount(sizes: readonly number[]): number {
  return layerShapes(sizes).reduce((s, [a, g]) => s + a * g, 0);
}

/** One matMul `[m, k] × [k, n]` (2·m·k·n FLOPs). */
export interface MatMulShape {
  m: number;
  k: number;
  n: number;
}

/**
 * The plain matMuls of one forward + backward pass of fisherkit's dense pass
 * (`packages/fisher/src/dense-pass.ts`) at batch B: per layer the forward product `x_l K_l`
 * (B × d_in × d_out), the kernel gradient `x_lᵀ δ_l` (d_in × B × d_out) and, above the first
 * layer, the back-propagated `δ_l K_lᵀ` (B × d_out × d_in). Their FLOPs are ≈ 6 × parameters × B
 * less the first layer's input gradient, which is never formed.
 *
 * @example `stepMatMuls([784, 1000, 784], 512).length // 5`
 */
export function stepMatMuls(sizes: readonly number[], batch: number): MatMulShape[] {
  const out: MatMulShape[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [din, dout] = [sizes[l], sizes[l + 1]];
    out.push({ m: batch, k: din, n: dout }, { m: din, k: batch, n: dout });
    if (l > 0) out.push({ m: batch, k: dout, n: din });
  }
  return out;
}

/**
 * The matMuls that apply a Kronecker preconditioner every step, `A⁻¹ · DWᵀ · G⁻¹` in the
 * `[d_a, d_g]` weight layout: per layer and per Kronecker term, `[d_a, d_a] × [d_a, d_g]` and
 * `[d_a, d_g] × [d_g, d_g]`, together `2·d_g·d_a·(d_g + d_a)` FLOPs (twice that for `terms = 2`).
 *
 * @example `applicationMatMuls([784, 1000, 784], 1).length // 4`
 */
export function applicationMatMuls(sizes: readonly number[], terms: number): MatMulShape[] {
  const out: MatMulShape[] = [];
  for (const [a, g] of layerShapes(sizes)) {
    for (let t = 0; t < terms; t++) out.push({ m: a, k: a, n: g }, { m: a, k: g, n: g });
  }
  return out;
}

/**
 * FLOPs of a list of matMuls (2·m·k·n each).
 * @example `flops([{ m: 2, k: 3, n: 4 }]) // 48`
 */
export function flops(shapes: readonly MatMulShape[]): number {
  return shapes.reduce((s, { m, k, n }) => s + 2 * m * k * n, 0);
}

/** Result of {@link timeMatMul}. */
export interface MatMulTiming extends MatMulShape {
  /** Median milliseconds of one product (including the read-back of the result). */
  ms: number;
  /** Median process CPU milliseconds of one product (≈ the time on an idle core: the wasm backend is single-threaded). */
  cpuMs: number;
  gflops: number;
  /** FLOPs per CPU second. */
  cpuGflops: number;
  /** Whether every product got new operands (see {@link timeMatMul}). */
  fresh: boolean;
  reps: number;
}

/**
 * Times `tf.matMul` of random `[m, k] × [k, n]` float32 operands on the active backend: one
 * untimed warm-up, then `reps` products (each synchronised by `dataSync`), median.
 *
 * With `fresh` (the default) every product gets a new copy of the operands, made outside the
 * timer, as in training, where the weights and gradients change every step. This matters on
 * wasm: tfjs-backend-wasm hands the right operand to an XNNPACK fully-connected operator that
 * packs it once and caches the operator per tensor, so repeating one product with the same `b`
 * skips the packing (measured: 31 vs 37 ms for 512 × 784 × 1000).
 *
 * @example `timeMatMul({ m: 1024, k: 1024, n: 1024 }, 7).gflops`
 */
export function timeMatMul(shape: MatMulShape, reps = 7, fresh = true): MatMulTiming {
  const { m, k, n } = shape;
  const a = tf.randomUniform([m, k], -1, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomUniform([k, n], -1, 1, 'float32', 2) as tf.Tensor2D;
  // (not `tf.tidy(() => c.dataSync())`: tidy walks a returned typed array element by element)
  const product = (): { ms: number; cpuMs: number } => {
    const [x, y] = fresh ? [tf.add(a, 0) as tf.Tensor2D, tf.add(b, 0) as tf.Tensor2D] : [a, b];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const c = tf.matMul(x, y);
    c.dataSync();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    c.dispose();
    if (fresh) tf.dispose([x, y]);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  try {
    product();
    const runs = Array.from({ length: reps }, product);
    const ms = median(runs.map((r) => r.ms));
    const cpuMs = median(runs.map((r) => r.cpuMs));
    return { m, k, n, ms, cpuMs, gflops: (2 * m * k * n) / ms / 1e6, cpuGflops: (2 * m * k * n) / cpuMs / 1e6, reps, fresh };
  } finally {
    tf.dispose([a, b]);
  }
}

/**
 * Sums of the measured wall and CPU times of a list of matMuls, timing each distinct shape once
 * (`cache` keeps them across calls, keyed `m×k×n`).
 *
 * @example `matMulMs(stepMatMuls(sizes, 512), cache)`
 */
export function matMulMs(shapes: readonly MatMulShape[], cache: Map<string, MatMulTiming>, reps = 7): { ms: number; cpuMs: number } {
  let total = 0;
  let cpuTotal = 0;
  for (const s of shapes) {
    const key = `${s.m}x${s.k}x${s.n}`;
    let t = cache.get(key);
    if (!t) {
      t = timeMatMul(s, reps);
      cache.set(key, t);
    }
    total += t.ms;
    cpuTotal += t.cpuMs;
  }
  return { ms: total, cpuMs: cpuTotal };
}

/** A set of matMuls with their operands allocated once; see {@link createMatMulProbe}. */
export interface MatMulProbe {
  /** Runs every product once on fresh copies of its operands; returns the summed wall / CPU ms. */
  run(): { ms: number; cpuMs: number };
  dispose(): void;
}

/**
 * Allocates random operands for a list of matMuls, to time them between training steps (so that
 * the step and its matMuls see the same load): each `run()` copies the operands outside the timer
 * (fresh tensors, as in training) and times the products alone.
 *
 * @example
 * ```ts
 * const probe = createMatMulProbe(stepMatMuls(sizes, 512));
 * const { cpuMs } = probe.run();
 * probe.dispose();
 * ```
 */
export function createMatMulProbe(shapes: readonly MatMulShape[]): MatMulProbe {
  const operands = shapes.map(({ m, k, n }, i) => [
    tf.randomUniform([m, k], -1, 1, 'float32', 2 * i + 1) as tf.Tensor2D,
    tf.randomUniform([k, n], -1, 1, 'float32', 2 * i + 2) as tf.Tensor2D,
  ]);
  return {
    run() {
      let ms = 0;
      let cpuMs = 0;
      for (const [a, b] of operands) {
        const x = tf.add(a, 0) as tf.Tensor2D;
        const y = tf.add(b, 0) as tf.Tensor2D;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const c = tf.matMul(x, y);
        c.dataSync();
        ms += performance.now() - t0;
        const cpu = process.cpuUsage(c0);
        cpuMs += (cpu.user + cpu.system) / 1000;
        tf.dispose([c, x, y]);
      }
      return { ms, cpuMs };
    },
    dispose() {
      tf.dispose(operands.flat());
    },
  };
}

/** What {@link timeTrainingSteps} measures. */
export interface StepTimingSpec {
  /** A preset problem (its hyper-parameters and, unless `sizes` is given, its network). */
  problem: string;
  /** sgd, adam or an approximation id. */
  method: string;
  batchSize: number;
  /** Fisher rows per refresh (natural gradient only). */
  fisherBatchSize?: number;
  /** Widths replacing the preset's (any widths; the preset only supplies hyper-parameters). */
  sizes?: number[];
  activations?: Activation[];
  loss?: LossName;
  /** Steps to run; refreshes happen at steps 0, refreshEvery, 2·refreshEvery, … */
  steps: number;
  /** T_cov = T_inv used for the timing run (the amortisation uses `amortiseOver`). */
  refreshEvery: number;
  /** Untimed plain steps at the start (JIT, wasm memory growth). */
  warmupSteps: number;
  /** Time the step's own matMuls ({@link stepMatMuls}) alone after every timed plain step. */
  interleaveMatMuls?: boolean;
  seed?: number;
  /**
   * Natural-gradient methods: refresh inverses on the worker thread asynchronously (`true`, the
   * preset, default), split between the main thread and the worker with every block waiting for
   * its job (`'split'`), or on the main thread (`false`).
   */
  inverseWorker?: InverseWorkerSetting;
}

/** Result of {@link timeTrainingSteps} (milliseconds). */
export interface StepTimingResult {
  method: string;
  sizes: number[];
  batchSize: number;
  fisherBatchSize: number | null;
  /** Every step's wall-clock ms, in order. */
  stepMs: number[];
  /** Every step's process CPU ms (user + system; > wall when helper threads run). */
  stepCpuMs: number[];
  /** Indices of the refresh steps. */
  refreshSteps: number[];
  /** Median wall ms of the plain steps (post-warm-up, neither a refresh nor right after one). */
  plainMs: number;
  plainCpuMs: number;
  /** Refresh cost in ms ({@link summariseSteps}): the first (cold) refresh, and the median of later ones. */
  coldRefreshMs: number | null;
  warmRefreshMs: number | null;
  /** The same in process CPU ms. */
  coldRefreshCpuMs: number | null;
  warmRefreshCpuMs: number | null;
  /**
   * With `interleaveMatMuls`: per plain step, the summed ms of the step's matMuls timed alone right
   * after it, and the median of (those matMuls' CPU ms / the step's CPU ms).
   */
  matMulMs: number[] | null;
  matMulCpuMs: number[] | null;
  matMulShare: number | null;
  /** Process peak resident set size in bytes (the whole child process). */
  peakRssBytes: number;
  /** After the steps: time spent waiting for inverse-worker jobs still in flight (added to the last refresh). */
  flushMs: number;
  flushCpuMs: number;
  /** Whether the Kronecker inverses ran on the inverse worker thread (any worker job posted). */
  inverseWorker: boolean;
  /** Where the refreshes were meant to run ({@link InverseMode}); null for first-order methods. */
  inverseMode: InverseMode | null;
  /** tf.memory().numTensors after the run minus before (0 = no leak). */
  leakedTensors: number;
  diagnostics: Record<string, number>;
  losses: number[];
}

/**
 * Builds the preset's optimiser for `method` exactly as `fisherkit train` does (resolveTrainConfig +
 * createOptimizer, the authors' hyper-parameters) but with T_cov = T_inv = `refreshEvery`, trains
 * a fresh network on fixed random batches (inputs uniform in [0, 1], targets = inputs: an
 * auto-encoder), and times every step. Run it in a fresh process to read a meaningful peak RSS.
 *
 * @example
 * ```ts
 * await selectBackend();
 * const r = await timeTrainingSteps({ problem: 'mnist', method: 'kfac', batchSize: 512, fisherBatchSize: 128, steps: 12, refreshEvery: 10, warmupSteps: 1 });
 * r.plainMs; r.warmRefreshMs;
 * ```
 */
export async function timeTrainingSteps(
  spec: StepTimingSpec,
  attachGradientPass: (model: DenseStackModel) => () => void = () => () => {},
): Promise<StepTimingResult> {
  const resolved = await resolveMethod(spec.method);
  const natural = resolved.kind === 'natural-gradient';
  const config = resolveTrainConfig(
    {
      problem: spec.problem,
      method: spec.method,
      batchSize: String(spec.batchSize),
      ...(natural
        ? {
            tCov: String(spec.refreshEvery),
            tInv: String(spec.refreshEvery),
            ...(spec.fisherBatchSize ? { fisherBatchSize: String(spec.fisherBatchSize) } : {}),
          }
        : {}),
      seed: String(spec.seed ?? 0),
      ...(natural && spec.inverseWorker !== undefined ? { inverseWorker: spec.inverseWorker } : {}),
    },
    resolved,
  );
  const sizes = spec.sizes ?? config.sizes;
  const activations = spec.activations ?? (spec.sizes ? defaultActivations(sizes.length - 1, config.loss) : config.activations);
  const loss = spec.loss ?? config.loss;
  const tensorsBefore = tf.memory().numTensors;
  const model = createDenseNetwork({ sizes, activations, loss, seed: config.seed });
  const detachGradientPass = attachGradientPass(model);
  const optimizer: Optimizer = createOptimizer(config, resolved.plugin);
  const rng = createRng(12345);
  const batches = Array.from({ length: 4 }, () => {
    const data = new Float32Array(spec.batchSize * sizes[0]);
    for (let i = 0; i < data.length; i++) data[i] = rng.uniform();
    return tf.tensor2d(data, [spec.batchSize, sizes[0]]);
  });
  const dOut = sizes[sizes.length - 1];
  const targets = batches.map((x) => (dOut === sizes[0] ? x : tf.tidy(() => tf.slice(tf.tile(x, [1, Math.ceil(dOut / sizes[0])]), [0, 0], [-1, dOut]) as tf.Tensor2D)));
  const stepMs: number[] = [];
  const stepCpuMs: number[] = [];
  const losses: number[] = [];
  let diagnostics: Record<string, number> = {};
  let flushMs = 0;
  let flushCpuMs = 0;
  const probe = spec.interleaveMatMuls ? createMatMulProbe(stepMatMuls(sizes, spec.batchSize)) : null;
  const probeMs: number[] = [];
  const probeCpuMs: number[] = [];
  const shares: number[] = [];
  try {
    for (let s = 0; s < spec.steps; s++) {
      const b = s % batches.length;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      losses.push(optimizer.step(model, batches[b], targets[b], { step: s, epoch: 0 }));
      stepMs.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      stepCpuMs.push((c.user + c.system) / 1000);
      if (probe && s >= spec.warmupSteps) {
        const p = probe.run();
        probeMs.push(p.ms);
        probeCpuMs.push(p.cpuMs);
        shares.push(p.cpuMs / stepCpuMs[s]);
      }
    }
    if (natural) {
      // Work still in flight on the inverse worker belongs to the last refresh: getState() waits for
      // it; a second getState() (nothing in flight) is the baseline of the download itself.
      const flush = (): { ms: number; cpuMs: number } => {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        optimizer.getState();
        const c = process.cpuUsage(c0);
        return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
      };
      const first = flush();
      const second = flush();
      flushMs = Math.max(0, first.ms - second.ms);
      flushCpuMs = Math.max(0, first.cpuMs - second.cpuMs);
    }
  } finally {
    diagnostics = optimizer.diagnostics();
    optimizer.dispose();
    detachGradientPass();
    model.dispose();
    probe?.dispose();
  }
  tf.dispose(targets.filter((t, i) => t !== batches[i]));
  tf.dispose(batches);
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  const summary = summariseSteps(stepMs, stepCpuMs, natural ? spec.refreshEvery : 0, spec.warmupSteps, { ms: flushMs, cpuMs: flushCpuMs });
  return {
    method: spec.method,
    sizes,
    batchSize: spec.batchSize,
    fisherBatchSize: natural ? config.fisherBatchSize : null,
    stepMs,
    stepCpuMs,
    ...summary,
    flushMs,
    flushCpuMs,
    inverseWorker: (diagnostics['block.inverseWorkerJobs'] ?? 0) > 0,
    inverseMode: natural ? inverseMode(config.inverseWorker) : null,
    matMulMs: probe ? probeMs : null,
    matMulCpuMs: probe ? probeCpuMs : null,
    matMulShare: probe ? median(shares) : null,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    leakedTensors,
    diagnostics,
    losses,
  };
}

/** The per-step summary of a timing run (see {@link summariseSteps}). */
export type StepSummary = Pick<
  StepTimingResult,
  'refreshSteps' | 'plainMs' | 'plainCpuMs' | 'coldRefreshMs' | 'warmRefreshMs' | 'coldRefreshCpuMs' | 'warmRefreshCpuMs'
>;

/**
 * Splits per-step times into plain steps and refreshes. Refresh steps are the multiples of
 * `refreshEvery` (none when 0). A refresh costs more than its own step: the steps right after it
 * run beside the inverse worker thread (when on: its CPU time is the process's too) and collect
 * the refresh's Float64 garbage (measured on MNIST: the next step +1 s for KFAC, +1.7 s for
 * Deflation; with the worker the spill can last a whole period). So plain = the smallest, over the
 * complete refresh periods (when `refreshEvery` ≥ 5), of the median of the period's last 3 steps;
 * else the median of the steps from `warmupSteps` on that are neither a refresh nor right after
 * one. A refresh's cost = Σ (step − plain) over its period (from the refresh to the
 * step before the next one or the end of the run), plus, for the last refresh, `flush` (the wait
 * for worker jobs still in flight after the last step). The first refresh (step 0: also the first
 * step, JIT and allocations included) is reported apart as the cold one; later ones are
 * warm-started and their median is the warm cost.
 *
 * @example `summariseSteps([900, 100, 100, 100], [900, 100, 100, 100], 0, 1).plainMs // 100`
 */
export function summariseSteps(
  stepMs: readonly number[],
  stepCpuMs: readonly number[],
  refreshEvery: number,
  warmupSteps: number,
  flush: { ms: number; cpuMs: number } = { ms: 0, cpuMs: 0 },
): StepSummary {
  const steps = stepMs.map((_, s) => s);
  const refreshSteps = refreshEvery > 0 ? steps.filter((s) => s % refreshEvery === 0) : [];
  const isRefresh = (s: number): boolean => refreshSteps.includes(s);
  // With the inverse worker (and V8's concurrent GC) a refresh's CPU spills over several steps
  // (MNIST, Lanczos: the steps after the cold refresh at ≈ 1.9 s CPU, the end of the warm period at
  // ≈ 1.3 s), so when every period is long enough the plain step is the least contaminated stretch:
  // the smallest, over the complete periods, of the median of a period's last 3 steps.
  const fallback = steps.filter((s) => s >= warmupSteps && !isRefresh(s) && !isRefresh(s - 1));
  const tails = refreshSteps
    .filter((r) => r + refreshEvery <= stepMs.length && refreshEvery >= 5)
    .map((r) => [r + refreshEvery - 3, r + refreshEvery - 2, r + refreshEvery - 1]);
  const byTail = (times: readonly number[]): number => Math.min(...tails.map((t) => median(t.map((s) => times[s]))));
  const plainIdx = fallback;
  const plainMs = tails.length > 0 ? byTail(stepMs) : median(plainIdx.map((s) => stepMs[s]));
  const plainCpuMs = tails.length > 0 ? byTail(stepCpuMs) : median(plainIdx.map((s) => stepCpuMs[s]));
  const cost = (times: readonly number[], plain: number, extra: number, r: number, i: number): number => {
    const end = Math.min(times.length, r + refreshEvery);
    let sum = i === refreshSteps.length - 1 ? extra : 0;
    for (let s = r; s < end; s++) sum += times[s] - plain;
    return sum;
  };
  const wall = refreshSteps.map((r, i) => cost(stepMs, plainMs, flush.ms, r, i));
  const cpu = refreshSteps.map((r, i) => cost(stepCpuMs, plainCpuMs, flush.cpuMs, r, i));
  return {
    refreshSteps,
    plainMs,
    plainCpuMs,
    coldRefreshMs: wall.length > 0 ? wall[0] : null,
    warmRefreshMs: wall.length > 1 ? median(wall.slice(1)) : null,
    coldRefreshCpuMs: cpu.length > 0 ? cpu[0] : null,
    warmRefreshCpuMs: cpu.length > 1 ? median(cpu.slice(1)) : null,
  };
}

/**
 * Amortised ms per step at `T_cov = T_inv = every`: plain step + refresh / every, the refresh being
 * the warm one when measured (later refreshes are warm-started), else the cold one. `basis` picks
 * wall-clock or process CPU milliseconds.
 *
 * @example `amortisedMs(result, 100, 'cpu')`
 */
export function amortisedMs(r: StepTimingResult, every: number, basis: 'wall' | 'cpu' = 'wall'): number {
  const plain = basis === 'wall' ? r.plainMs : r.plainCpuMs;
  const refresh = basis === 'wall' ? (r.warmRefreshMs ?? r.coldRefreshMs) : (r.warmRefreshCpuMs ?? r.coldRefreshCpuMs);
  return refresh === null ? plain : plain + Math.max(0, refresh) / every;
}

function defaultActivations(layers: number, loss: LossName): Activation[] {
  const out: Activation[] = Array.from({ length: layers - 1 }, () => 'relu' as Activation);
  out.push(loss === 'bce' ? 'sigmoid' : 'linear');
  return out;
}
