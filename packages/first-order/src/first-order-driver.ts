import * as tf from '@tensorflow/tfjs-core';
import { FisherkitError, OptionError, ShapeError } from '@fisherkit/core';
import type { TrainableModel } from '@fisherkit/fisher';
import {
  arraysToTensors,
  createNonFiniteGuard,
  finiteFromSums,
  fusedRewrite,
  layerSums,
  tensorsToArrays,
  viewsOf,
  type LayerUpdate,
  type NonFiniteGuard,
  type NonFiniteGuardOptions,
  type Optimizer, type OptimizerState, type StepContext } from '@fisherkit/preconditioner';

/** Plain-data state of a first-order optimiser. */
export interface FirstOrderState {
  kind: string;
  /** Steps taken. */
  step: number;
  /** `[d_a, d_g]` per layer, or null before the first step. */
  shapes: [number, number][] | null;
  /** Named per-layer buffers (e.g. `velocity`, or `m` and `v`), row-major. */
  buffers: Record<string, number[][]>;
}

/**
 * The per-step rule of a first-order method: given the gradients (weight decay already added), the
 * weights, the buffers and the step number (1-based), returns the new buffers and the deltas
 * `W ← W + delta`. Runs inside `tf.tidy`.
 */
export type FirstOrderRule = (
  grads: tf.Tensor2D[],
  buffers: Record<string, tf.Tensor2D[]>,
  t: number,
  context: StepContext,
) => { buffers: Record<string, tf.Tensor2D[]>; deltas: tf.Tensor2D[] };

/**
 * The same rule fused for in-place views (see `fusedStep` of {@link firstOrderOptimizer}): called
 * once per step, it returns the update of one layer, which reads the gradient `g` (`[d_a, d_g]`
 * layout, weight decay not yet added) and the current weights `w`, updates its buffers in place
 * and writes the new weights `next`. Must give the values of the tfjs rule up to float32 rounding.
 */
export type FusedFirstOrderRule = (t: number, context: StepContext) => LayerUpdate;

/**
 * Shared machinery of the first-order baselines: one gradient pass, coupled weight decay
 * `g = DW + wd · W`, the method's rule, buffers owned by the optimiser (zeros at the first step),
 * plain-data state. With `fusedStep` and a model that offers `beginWeightRewrite` (wasm and cpu
 * backends), the step runs as two passes over plain views instead of tfjs kernels: one Float64
 * sum per gradient (its finiteness probe) and the fused rule. A layer whose gradient holds NaN/Infinity is skipped for that step (buffers
 * kept, weights unmoved) with a counted warning; `guardOptions.maxConsecutive` such steps in a row
 * stop training with a NonFiniteError naming the layer and the step.
 *
 * @example
 * ```ts
 * // plain gradient descent, W ← W − 0.1 · g
 * const gd = firstOrderOptimizer('gd', [], 0, (grads) => ({ buffers: {}, deltas: grads.map((g) => tf.mul(g, -0.1) as tf.Tensor2D) }));
 * ```
 */
export function firstOrderOptimizer(
  name: string,
  bufferNames: readonly string[],
  weightDecay: number,
  rule: FirstOrderRule,
  guardOptions: NonFiniteGuardOptions = {},
  fusedStep?: FusedFirstOrderRule,
): Optimizer {
  let step = 0;
  let shapes: [number, number][] | null = null;
  let buffers: Record<string, tf.Tensor2D[]> | null = null;
  let disposed = false;
  let guard: NonFiniteGuard | null = null;

  const init = (s: [number, number][], saved?: Record<string, number[][]>): void => {
    const next: Record<string, tf.Tensor2D[]> = {};
    for (const b of bufferNames) {
      next[b] = saved ? arraysToTensors(saved[b], s, `${name} ${b} buffers`) : s.map((sh) => tf.zeros(sh) as tf.Tensor2D);
    }
    if (buffers) Object.values(buffers).forEach((ts) => tf.dispose(ts));
    buffers = next;
    shapes = s;
  };

  /** The rule with tfjs ops: new buffers, deltas applied with `applyDeltas`; skipped layers keep both. */
  const tfjsStep = (model: TrainableModel, gradients: tf.Tensor2D[], weights: tf.Tensor2D[], ok: boolean[], t: number, context: StepContext): void => {
    const out = tf.tidy(() => {
      const g = gradients.map((gr, l) => {
        const usable = ok[l] ? gr : tf.zerosLike(gr);
        return weightDecay > 0 ? (tf.add(usable, tf.mul(weights[l], weightDecay)) as tf.Tensor2D) : usable;
      });
      const next = rule(g, buffers!, t, context);
      if (ok.every(Boolean)) return next;
      const kept: Record<string, tf.Tensor2D[]> = {};
      for (const [k, v] of Object.entries(next.buffers)) kept[k] = v.map((b, l) => (ok[l] ? b : buffers![k][l].clone()));
      return { buffers: kept, deltas: next.deltas.map((d, l) => (ok[l] ? d : (tf.zerosLike(d) as tf.Tensor2D))) };
    });
    Object.values(buffers!).forEach((ts) => tf.dispose(ts));
    buffers = out.buffers;
    try {
      model.applyDeltas(out.deltas);
    } finally {
      tf.dispose(out.deltas);
    }
  };

  return {
    name,
    step(model: TrainableModel, x: tf.Tensor2D, y: tf.Tensor2D, context: StepContext): number {
      if (disposed) throw new FisherkitError('disposed', `${name} was disposed; create a new optimiser`);
      const modelShapes = model.layers.map((l) => [l.inputSize + 1, l.outputSize] as [number, number]);
      if (shapes === null) init(modelShapes);
      else if (modelShapes.length !== shapes.length || modelShapes.some(([r, c], l) => r !== shapes![l][0] || c !== shapes![l][1])) {
        throw new ShapeError(`${name}: the model's layer shapes differ from the ones this optimiser holds state for; use a new optimiser`);
      }
      const { loss, gradients } = model.computeGradients(x, y);
      let weights: tf.Tensor2D[] = [];
      try {
        const t = step + 1;
        const g = fusedStep && model.beginWeightRewrite ? viewsOf(gradients, 'read') : null;
        // One Float64 pass (fused) or one download of the gradients' sums tells which layers are usable.
        const ok = g
          ? Array.from(layerSums(g, g).gradientSums, Number.isFinite)
          : finiteFromSums(gradients, tf.tidy(() => tf.stack(gradients.map((gr) => tf.sum(gr))).dataSync() as Float32Array));
        guard ??= createNonFiniteGuard(name, model.layers.map((l) => l.name), guardOptions);
        ok.forEach((good, l) => (good ? guard!.succeeded(l, 'gradient') : guard!.report(l, step, 'gradient')));
        if (!(g && fusedRewrite(model, gradients, buffers!, ok, name, fusedStep!(t, context)))) {
          weights = weightDecay > 0 ? model.getWeights() : [];
          tfjsStep(model, gradients, weights, ok, t, context);
        }
        step = t;
      } finally {
        tf.dispose(gradients);
        tf.dispose(weights);
      }
      return loss;
    },
    getState(): OptimizerState {
      const state: FirstOrderState = {
        kind: name,
        step,
        shapes: shapes ? shapes.map(([r, c]) => [r, c]) : null,
        buffers: buffers ? Object.fromEntries(Object.entries(buffers).map(([k, v]) => [k, tensorsToArrays(v)])) : {},
      };
      return state as unknown as OptimizerState;
    },
    setState(raw: OptimizerState): void {
      const s = raw as unknown as FirstOrderState;
      if (!s || s.kind !== name) throw new OptionError(`${name}.setState: the state was saved by "${String(s?.kind)}"; restore it into the same method`);
      if (!Number.isInteger(s.step) || s.step < 0) throw new OptionError(`${name}.setState: step must be a non-negative integer, got ${s.step}`);
      if (s.shapes) init(s.shapes, s.buffers);
      step = s.step;
    },
    diagnostics(): Record<string, number> {
      return { steps: step, ...(guard?.counts() ?? {}) };
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      if (buffers) Object.values(buffers).forEach((ts) => tf.dispose(ts));
      buffers = null;
    },
  };
}
