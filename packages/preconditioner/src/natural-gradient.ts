import * as tf from '@tensorflow/tfjs-core';
import { ConvergenceError, createRng, FisherkitError, type MomentumKernelCoefficients, NonFiniteError, NotPositiveDefiniteError, OptionError, ShapeError, type RngState } from '@fisherkit/core';
import type { CaptureOptions, LayerSpec, TrainableModel } from '@fisherkit/fisher';
import { assertBlock, assertPlugin } from './assert-plugin.js';
import type { ApproximationPlugin, BlockState, CurvatureBlock, Optimizer, OptimizerState, StepContext } from './contract.js';
import { plainBlockState } from './block-state.js';
import { resolveNaturalGradientOptions, type NaturalGradientOptions } from './natural-gradient-options.js';
import { evaluateSchedule } from './option-checks.js';
import { arraysToTensors, tensorsToArrays } from './tensor-state.js';
import { finiteFromSums } from './finite-probe.js';
import { fusedRewrite, layerSums, momentumUpdate, viewsOf } from './fused-update.js';
import { allFinite, createNonFiniteGuard, type NonFiniteGuard, type NumericalTroubleCause } from './non-finite-guard.js';

/** The plain-data state of a {@link naturalGradient} optimiser (see `getState`). */
export interface NaturalGradientState {
  kind: 'natural-gradient';
  plugin: string;
  /** Global steps taken so far (the cadence counter). */
  step: number;
  statisticsUpdates: number;
  inverseUpdates: number;
  lastNu: number;
  rng: RngState;
  /** `[d_a, d_g]` of each layer, or null before the first step. */
  shapes: [number, number][] | null;
  /** Momentum buffers, row-major per layer, or null before the first step. */
  momentum: number[][] | null;
  /** One state per layer (null for a layer without a block), or null before the first step. */
  blocks: (BlockState | null)[] | null;
  /** Per layer: whether its block holds statistics / an inverse (absent in older states: all, once any exist). */
  hasStatistics?: boolean[];
  hasInverse?: boolean[];
}

const shapeOf = (l: LayerSpec): [number, number] => [l.inputSize + 1, l.outputSize];

/**
 * Turns an approximation plug-in into an {@link Optimizer}: the natural-gradient driver of
 * MATH.md §6. At global step t (a counter owned by the optimiser, advanced on EVERY step):
 *
 * 1. if `t mod T_cov = 0`: capture a_i, g_i on a Fisher mini-batch (the first
 *    `fisherBatchSize` rows of a random permutation; sampled or empirical targets) and update
 *    every block's statistics with `ρ = min(1 − 1/k, decay)`, k the number of statistics updates
 *    so far including this one (so ρ = 0 at the first);
 * 2. if `t mod T_inv = 0`: refresh every block's damped inverse with λ = damping(ctx) (after 1);
 * 3. `Δ_l = block_l.precondition(DW_l)` (≈ (F̃_l + damping)⁻¹ DW_l);
 * 4. KL-clip: `ν = min(1, sqrt(κ / (η² Σ_l |⟨DW_l, Δ_l⟩|)))` (ν = 1 if κ is null or the sum is 0);
 * 5. `v_l ← μ v_l + (ν Δ_l + wd · W_l)`, `W_l ← W_l − η v_l`
 *    (Nesterov: `W_l ← W_l − η (ν Δ_l + wd · W_l + μ v_l)` with the new v_l).
 *
 * Blocks are created lazily from `model.layers` at the first step (`plugin.createBlock`); a
 * plug-in returning `undefined` for a layer leaves that layer's gradient unpreconditioned.
 * `getState()` is plain data (numbers, arrays, rng state, block states) so a restored optimiser
 * continues the same trajectory bit for bit on the cpu backend.
 *
 * @example
 * ```ts
 * import kfac from '@fisherkit/kfac';
 * const opt = naturalGradient(kfac, { learningRate: 0.1, damping: 3e-3, tCov: 10, tInv: 10 });
 * const loss = opt.step(model, x, y, { step: 0, epoch: 0 });
 * opt.dispose();
 * ```
 */
export function naturalGradient<O extends object>(
  plugin: ApproximationPlugin<O>,
  options: NaturalGradientOptions<O> = {},
): Optimizer {
  assertPlugin(plugin, 'naturalGradient');
  const opts = resolveNaturalGradientOptions(options as NaturalGradientOptions<object>);
  const pluginOptions = { ...plugin.defaults, ...(options.pluginOptions ?? {}) } as O;
  plugin.validateOptions?.(pluginOptions);

  const rng = createRng(opts.seed);
  let step = 0;
  let statisticsUpdates = 0;
  let inverseUpdates = 0;
  let lastNu = 1;
  let lastSum = 0;
  let layers: LayerSpec[] | null = null;
  let blocks: (CurvatureBlock | null)[] | null = null;
  let momentum: tf.Tensor2D[] | null = null;
  let pendingBlocks: (BlockState | null)[] | null = null;
  let disposed = false;
  let guard: NonFiniteGuard | null = null;
  // Per layer: has its block taken statistics / an inverse yet (a failed first refresh leaves it without).
  let hasStatistics: boolean[] = [];
  let hasInverse: boolean[] = [];

  const ensureGuard = (): NonFiniteGuard =>
    (guard ??= createNonFiniteGuard(
      `natural-gradient(${plugin.id})`,
      layers!.map((l) => l.name),
      { maxConsecutive: opts.maxNonFinite, ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) },
    ));
  // Runs a block update; NaN/Infinity and numerical failures become a counted warning (the block keeps
  // its previous state), anything else (a bug, a shape error) propagates.
  const recover = (work: () => void, l: number, t: number, cause: NumericalTroubleCause): boolean => {
    try {
      work();
      return true;
    } catch (e) {
      if (!(e instanceof NonFiniteError || e instanceof NotPositiveDefiniteError || e instanceof ConvergenceError)) throw e;
      ensureGuard().report(l, t, cause, e.message);
      return false;
    }
  };

  const ensureLayers = (model: TrainableModel): void => {
    const specs = model.layers;
    if (layers === null) {
      if (momentum !== null) checkShapes(momentum.map((m) => m.shape as [number, number]), specs);
      layers = specs.map((l) => ({ ...l }));
      if (momentum === null) momentum = layers.map((l) => tf.zeros(shapeOf(l)) as tf.Tensor2D);
    } else {
      const same =
        specs.length === layers.length &&
        specs.every((l, i) => l.inputSize === layers![i].inputSize && l.outputSize === layers![i].outputSize);
      if (!same) {
        throw new ShapeError(
          `naturalGradient(${plugin.id}): the model's layers (${describeLayers(specs)}) differ from the ones this optimiser ` +
            `was built for (${describeLayers(layers)}); create a new optimiser for a different model`,
        );
      }
    }
    if (blocks === null) {
      blocks = layers.map((layer) => {
        const block = plugin.createBlock(layer, pluginOptions) as CurvatureBlock | undefined | null;
        if (block === undefined || block === null) return null;
        assertBlock(block, plugin.id, layer.name);
        return block;
      });
      if (hasStatistics.length !== blocks.length) hasStatistics = blocks.map(() => false);
      if (hasInverse.length !== blocks.length) hasInverse = blocks.map(() => false);
      if (pendingBlocks !== null) {
        const states = pendingBlocks;
        pendingBlocks = null;
        blocks.forEach((b, l) => {
          if (b && states[l]) b.setState(states[l]!);
        });
      }
    }
  };

  const optimizer: Optimizer = {
    name: `natural-gradient(${plugin.id})`,

    step(model: TrainableModel, x: tf.Tensor2D, y: tf.Tensor2D, context: StepContext): number {
      if (disposed) throw new FisherkitError('disposed', `naturalGradient(${plugin.id}) was disposed; create a new optimiser`);
      ensureLayers(model);
      const bs = blocks!;
      const t = step;
      const doStatistics = t % opts.tCov === 0;
      const doInverse = t % opts.tInv === 0;
      const rows = x.shape[0];
      const eta = evaluateSchedule(opts.learningRate, context, 'learningRate', 'naturalGradient');
      let capture: CaptureOptions | undefined;
      if (doStatistics) {
        // A fresh generator per capture keeps the optimiser's own stream free of cached normals,
        // so getState() never perturbs the trajectory.
        capture = { fisherBatchSize: Math.min(rows, opts.fisherBatchSize ?? Math.ceil(rows / 4)), fisher: opts.fisher, rng: rng.fork() };
      }
      const result = model.computeGradients(x, y, capture);
      const grads = result.gradients;
      try {
        if (grads.length !== bs.length) {
          throw new ShapeError(`naturalGradient(${plugin.id}): the model returned ${grads.length} gradients for ${bs.length} layers`);
        }
        const guard = ensureGuard();
        const captures = result.captures;
        if (doStatistics && (!captures || captures.length !== bs.length)) {
          throw new FisherkitError(
            'capture',
            `naturalGradient(${plugin.id}): the model returned no curvature captures although capture options were given; ` +
              'the TrainableModel must fill GradientResult.captures',
          );
        }
        if (doInverse && !doStatistics && statisticsUpdates === 0) {
          throw new FisherkitError('state', `naturalGradient(${plugin.id}): inverse update requested before any statistics`);
        }
        const k = statisticsUpdates + 1;
        const rho = Math.min(1 - 1 / k, opts.decay);
        const lambda = doInverse ? evaluateSchedule(opts.damping, context, 'damping', 'naturalGradient') : 0;
        const started = bs.map(() => false);
        // Layer by layer, the largest first: a split refresh then hands its biggest jobs to the
        // worker early, and the worker inverts one layer while this thread estimates the next.
        // Each block's statistics and inverse depend on its own captures only, so the order
        // changes no value.
        for (const l of largestFirst(bs.map((b) => b?.layer))) {
          const b = bs[l];
          if (!b) continue;
          if (doStatistics) {
            if (!allFinite([captures![l].a, captures![l].g])) guard.report(l, t, 'statistics', 'a_i or g_i hold NaN/Infinity');
            else if (recover(() => b.updateStatistics(captures![l], rho), l, t, 'statistics')) {
              hasStatistics[l] = true;
              guard.succeeded(l, 'statistics');
            }
          }
          if (doInverse && hasStatistics[l]) started[l] = recover(() => b.updateInverse({ lambda, pi: opts.pi }), l, t, 'inverse');
        }
        if (doStatistics) statisticsUpdates = k;
        if (doInverse) {
          // Second phase: blocks that refresh elsewhere (a split refresh) finish here.
          bs.forEach((b, l) => {
            if (!b || !started[l]) return;
            if (b.finishInverse && !recover(() => b.finishInverse!(), l, t, 'inverse')) return;
            hasInverse[l] = true;
            guard.succeeded(l, 'inverse');
          });
          inverseUpdates += 1;
        }
        if (inverseUpdates === 0) {
          throw new FisherkitError(
            'state',
            `naturalGradient(${plugin.id}): no inverse is available at step ${t}; restore a state taken after the first step or start from step 0`,
          );
        }
        // A layer whose block has no inverse yet (its first refresh failed) is not updated.
        const usable = bs.map((b, l) => !b || hasInverse[l]);
        const pre = tf.tidy(() => bs.map((b, l) => (b && usable[l] ? b.precondition(grads[l]) : grads[l])));
        try {
          // Fused: one Float64 read pass for the sums, one pass writing momentum and new weights.
          // Otherwise tfjs ops and one download of every Σ g (finiteness probe) and |⟨DW, Δ⟩|.
          const g = viewsOf(grads, 'read');
          const d = g && viewsOf(pre, 'read');
          const fused = g !== null && d !== null && model.beginWeightRewrite !== undefined;
          const sums = fused ? layerSums(g, d!) : downloadedSums(grads, pre);
          const gradientFinite = fused ? Array.from(sums.gradientSums, Number.isFinite) : finiteFromSums(grads, sums.gradientSums);
          const apply = bs.map((_, l) => {
            if (!gradientFinite[l]) return guard.report(l, t, 'gradient'), false;
            if (!usable[l]) return guard.report(l, t, 'inverse', 'no inverse yet'), false;
            if (!Number.isFinite(sums.alignments[l])) return guard.report(l, t, 'update', `|⟨DW, Δ⟩| = ${sums.alignments[l]}`), false;
            guard.succeeded(l, 'gradient');
            guard.succeeded(l, 'update');
            return true;
          });
          let total = 0;
          apply.forEach((ok, l) => ok && (total += sums.alignments[l]));
          lastSum = total;
          const nu = opts.klClip === null || total <= 0 ? 1 : Math.min(1, Math.sqrt(opts.klClip / (eta * eta * total)));
          lastNu = nu;
          const coefficients = { scale: nu, weightDecay: opts.weightDecay, momentum: opts.momentum, nesterov: opts.nesterov, learningRate: eta };
          // The fused pass takes its views after the guard's warnings (user code, which may allocate).
          const updated =
            fused &&
            fusedRewrite(model, pre, { momentum: momentum! }, apply, `naturalGradient(${plugin.id})`, (dl, b, w, next) =>
              momentumUpdate(dl, b.momentum, w, next, coefficients),
            );
          if (!updated) momentum = tensorMomentumUpdate(model, pre, momentum!, apply, coefficients);
        } finally {
          pre.forEach((d, l) => d !== grads[l] && d.dispose());
        }
      } finally {
        tf.dispose(grads);
      }
      step = t + 1;
      return result.loss;
    },

    getState(): OptimizerState {
      const state: NaturalGradientState = {
        kind: 'natural-gradient',
        plugin: plugin.id,
        step,
        statisticsUpdates,
        inverseUpdates,
        lastNu,
        rng: rng.getState(),
        shapes: momentum ? momentum.map((m) => [m.shape[0], m.shape[1]] as [number, number]) : null,
        momentum: momentum ? tensorsToArrays(momentum) : null,
        blocks: blocks ? blocks.map((b) => (b ? plainBlockState(b.getState()) : null)) : pendingBlocks,
        hasStatistics: [...hasStatistics],
        hasInverse: [...hasInverse],
      };
      return state as unknown as OptimizerState;
    },

    setState(raw: OptimizerState): void {
      const s = raw as unknown as NaturalGradientState;
      if (!s || s.kind !== 'natural-gradient') {
        throw new OptionError(`naturalGradient(${plugin.id}).setState: not a natural-gradient state (kind ${String(s?.kind)})`);
      }
      if (s.plugin !== plugin.id) {
        throw new OptionError(`naturalGradient(${plugin.id}).setState: the state was saved by plug-in "${s.plugin}"; use the same plug-in`);
      }
      for (const key of ['step', 'statisticsUpdates', 'inverseUpdates'] as const) {
        if (!Number.isInteger(s[key]) || s[key] < 0) throw new OptionError(`naturalGradient.setState: ${key} must be a non-negative integer, got ${s[key]}`);
      }
      rng.setState(s.rng);
      step = s.step;
      statisticsUpdates = s.statisticsUpdates;
      inverseUpdates = s.inverseUpdates;
      lastNu = s.lastNu;
      const layerCount = s.shapes?.length ?? s.blocks?.length ?? 0;
      hasStatistics = s.hasStatistics ? [...s.hasStatistics] : Array.from({ length: layerCount }, () => s.statisticsUpdates > 0);
      hasInverse = s.hasInverse ? [...s.hasInverse] : Array.from({ length: layerCount }, () => s.inverseUpdates > 0);
      if (s.shapes) {
        if (layers) checkShapes(s.shapes, layers);
        const next = s.momentum ? arraysToTensors(s.momentum, s.shapes, 'momentum buffers') : s.shapes.map((sh) => tf.zeros(sh) as tf.Tensor2D);
        if (momentum) tf.dispose(momentum);
        momentum = next;
      }
      if (s.blocks) {
        if (blocks) blocks.forEach((b, l) => b && s.blocks![l] && b.setState(s.blocks![l]!));
        else pendingBlocks = s.blocks;
      }
    },

    diagnostics(): Record<string, number> {
      const out: Record<string, number> = {
        steps: step,
        statisticsUpdates,
        inverseUpdates,
        lastNu,
        lastKlSum: lastSum,
        ...(guard?.counts() ?? {}),
      };
      for (const b of blocks ?? []) {
        if (!b) continue;
        for (const [k, v] of Object.entries(b.diagnostics())) out[`block.${k}`] = (out[`block.${k}`] ?? 0) + v;
      }
      return out;
    },

    dispose(): void {
      if (disposed) return;
      disposed = true;
      blocks?.forEach((b) => b?.dispose());
      if (momentum) tf.dispose(momentum);
      blocks = null;
      momentum = null;
    },
  };
  return optimizer;
}

function checkShapes(shapes: readonly (readonly [number, number])[], specs: readonly LayerSpec[]): void {
  const same = shapes.length === specs.length && shapes.every(([r, c], l) => r === specs[l].inputSize + 1 && c === specs[l].outputSize);
  if (!same) {
    throw new ShapeError(
      `naturalGradient: the saved optimiser state is for layers [d_a, d_g] = ${shapes.map(([r, c]) => `${r}×${c}`).join(', ')} ` +
        `but the model has ${specs.map((l) => `${l.inputSize + 1}×${l.outputSize}`).join(', ')}; restore it into the same architecture`,
    );
  }
}

function describeLayers(specs: readonly LayerSpec[]): string {
  return specs.map((l) => `${l.inputSize}→${l.outputSize}`).join(', ');
}

/** The tfjs path's sums (see `layerSums`): one download of every `Σ g` and `|Σ d·g|`. */
function downloadedSums(grads: readonly tf.Tensor2D[], pre: readonly tf.Tensor2D[]): { gradientSums: Float32Array; alignments: Float32Array } {
  const L = grads.length;
  const values = tf.tidy(() => {
    const probes = grads.map((g) => tf.sum(g));
    const alignments = pre.map((d, l) => tf.abs(tf.sum(tf.mul(d, grads[l]))));
    return tf.stack([...probes, ...alignments]).dataSync() as Float32Array;
  });
  return { gradientSums: values.subarray(0, L), alignments: values.subarray(L) };
}

/**
 * The momentum step of `momentumUpdateInPlace` with tfjs ops, for backends without in-place views:
 * returns the new momentum buffers (the old ones are disposed) and applies the deltas to the model.
 * A layer with `apply[l]` false keeps its buffer and does not move.
 */
function tensorMomentumUpdate(
  model: TrainableModel,
  pre: readonly tf.Tensor2D[],
  momentum: tf.Tensor2D[],
  apply: readonly boolean[],
  c: MomentumKernelCoefficients,
): tf.Tensor2D[] {
  const weights = c.weightDecay > 0 ? model.getWeights() : [];
  let out: { vs: tf.Tensor2D[]; ds: tf.Tensor2D[] };
  try {
    out = tf.tidy(() => {
      const vs: tf.Tensor2D[] = [];
      const ds: tf.Tensor2D[] = [];
      pre.forEach((d, l) => {
        if (!apply[l]) {
          vs.push(tf.clone(momentum[l]));
          ds.push(tf.zerosLike(momentum[l]));
          return;
        }
        const clipped = c.scale === 1 ? d : tf.mul(d, c.scale);
        const u = c.weightDecay > 0 ? tf.add(clipped, tf.mul(weights[l], c.weightDecay)) : clipped;
        const v = (c.momentum > 0 ? tf.add(tf.mul(momentum[l], c.momentum), u) : tf.clone(u)) as tf.Tensor2D;
        const dir = c.nesterov ? tf.add(u, tf.mul(v, c.momentum)) : v;
        vs.push(v);
        ds.push(tf.mul(dir, -c.learningRate) as tf.Tensor2D);
      });
      return { vs, ds };
    });
  } finally {
    tf.dispose(weights);
  }
  tf.dispose(momentum);
  try {
    model.applyDeltas(out.ds);
  } finally {
    tf.dispose(out.ds);
  }
  return out.vs;
}

/** Layer indices by decreasing refresh cost `d_a³ + d_g³` (ties in layer order). */
function largestFirst(layers: readonly (LayerSpec | undefined)[]): number[] {
  const cost = (l: LayerSpec | undefined) => (l ? (l.inputSize + 1) ** 3 + l.outputSize ** 3 : 0);
  return layers.map((_, i) => i).sort((i, j) => cost(layers[j]) - cost(layers[i]) || i - j);
}
