import type * as tf from '@tensorflow/tfjs-core';
import { float32View, fusedMomentum, fusedSumAndDot, ShapeError, type MomentumKernelCoefficients } from '@fisherkit/core';
import type { LayerWeightViews, TrainableModel } from '@fisherkit/fisher';

/**
 * In-place views of tensors (see `float32View`), or null when any one cannot be viewed (another
 * backend or dtype; with `'write'`, data shared with another tensor). Optimisers then take their
 * tfjs path, which gives the same values up to float32 rounding.
 *
 * @example `const g = viewsOf(gradients, 'read'); if (g) console.log(layerSums(g, g))`
 */
export function viewsOf(tensors: readonly tf.Tensor[], mode: 'read' | 'write'): Float32Array[] | null {
  const out: Float32Array[] = [];
  for (const t of tensors) {
    const v = float32View(t, mode);
    if (!v) return null;
    out.push(v);
  }
  return out;
}

/**
 * One read pass per layer, in Float64 (`fusedSumAndDot`): `Σ_i g_i` (its finiteness probe: finite
 * float32 entries cannot overflow a Float64 sum, so the sum is finite exactly when every entry is)
 * and the alignment `|Σ_i d_i g_i|` of the update direction with the gradient (the KL clip's
 * `|⟨DW, Δ⟩|`).
 *
 * @example
 * ```ts
 * const { gradientSums, alignments } = layerSums(g, d);
 * const usable = Array.from(gradientSums, Number.isFinite);
 * ```
 */
export function layerSums(gradients: readonly Float32Array[], directions: readonly Float32Array[]): { gradientSums: Float64Array; alignments: Float64Array } {
  const L = gradients.length;
  const gradientSums = new Float64Array(L);
  const alignments = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    const [s, a] = fusedSumAndDot(gradients[l], directions[l]);
    gradientSums[l] = s;
    alignments[l] = Math.abs(a);
  }
  return { gradientSums, alignments };
}

/**
 * One layer's momentum step in one pass (`fusedMomentum` on the kernel and bias parts): reads the
 * direction `d` (`[d_a, d_g]` layout) and the current weights `w`, updates the momentum buffer `v`
 * in place and writes the new weights `next`:
 *
 *     u = ν d + wd w,   v ← μ v + u,   w' = w − η (Nesterov ? u + μ v : v)
 *
 * @example `momentumUpdate(d, v, rewrite.current[l], rewrite.next[l], { scale: 1, weightDecay: 0, momentum: 0.9, nesterov: false, learningRate: 0.1 })`
 */
export function momentumUpdate(d: Float32Array, v: Float32Array, w: LayerWeightViews, next: LayerWeightViews, c: MomentumKernelCoefficients): void {
  const k = w.kernel.length;
  fusedMomentum(d.subarray(0, k), v.subarray(0, k), w.kernel, next.kernel, c);
  fusedMomentum(d.subarray(k), v.subarray(k), w.bias, next.bias, c);
}

/** One layer's fused update (see {@link fusedRewrite}): reads `direction` and `w`, updates `buffers` in place, writes `next`. */
export type LayerUpdate = (direction: Float32Array, buffers: Record<string, Float32Array>, w: LayerWeightViews, next: LayerWeightViews) => void;

/**
 * A fused optimiser update through `model.beginWeightRewrite`: after the rewrite's allocations
 * (which may move the wasm heap) it takes read views of `directions` and write views of every
 * buffer, runs `update` for every layer with `apply[l]` and commits exactly those layers. Returns
 * false, with nothing changed, when the model or any tensor offers no view; the caller then takes
 * its tfjs path.
 *
 * @throws ShapeError (naming `what`) when the model's weight views differ in size from the operands.
 * @example
 * ```ts
 * const done = fusedRewrite(model, grads, { velocity }, ok, 'sgd', (g, b, w, next) => momentumUpdate(g, b.velocity, w, next, c));
 * ```
 */
export function fusedRewrite(
  model: TrainableModel,
  directions: readonly tf.Tensor[],
  buffers: Record<string, readonly tf.Tensor[]>,
  apply: readonly boolean[],
  what: string,
  update: LayerUpdate,
): boolean {
  const rewrite = model.beginWeightRewrite?.();
  if (!rewrite) return false;
  let written: readonly boolean[] = apply.map(() => false);
  try {
    const d = viewsOf(directions, 'read');
    const b = Object.entries(buffers).map(([k, ts]) => [k, viewsOf(ts, 'write')] as const);
    if (!d || b.some(([, v]) => !v)) return false;
    if (!sameSizes(rewrite.current, [d, ...b.map(([, v]) => v!)])) {
      throw new ShapeError(`${what}: the model's weight views differ in size from its gradients`);
    }
    apply.forEach((ok, l) => ok && update(d[l], Object.fromEntries(b.map(([k, v]) => [k, v![l]])), rewrite.current[l], rewrite.next[l]));
    written = apply;
    return true;
  } finally {
    rewrite.commit(written);
  }
}

/**
 * Whether each layer's operands hold `kernel + bias` values, so that the fused loops never read
 * past a view.
 *
 * @example `if (!sameSizes(rewrite.current, [d, v])) throw new ShapeError('…')`
 */
export function sameSizes(weights: readonly LayerWeightViews[], operands: readonly (readonly Float32Array[])[]): boolean {
  return weights.every((w, l) => operands.every((o) => o[l]?.length === w.kernel.length + w.bias.length));
}
