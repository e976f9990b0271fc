import type * as tf from '@tensorflow/tfjs-core';
import { float32View } from '@fisherkit/core';
import type { LayerWeightViews } from '@fisherkit/fisher';

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
 * One read pass per layer, in Float64: `Σ_i g_i` (its finiteness probe: finite float32 entries
 * cannot overflow a Float64 sum, so the sum is finite exactly when every entry is) and the
 * alignment `|Σ_i d_i g_i|` of the update direction with the gradient (the KL clip's `|⟨DW, Δ⟩|`).
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
    const [s, a] = sumAndDot(gradients[l], directions[l]);
    gradientSums[l] = s;
    alignments[l] = Math.abs(a);
  }
  return { gradientSums, alignments };
}

/** `[Σ g_i, Σ d_i g_i]`, with four partial sums each so that the adds do not wait on each other. */
function sumAndDot(g: Float32Array, d: Float32Array): [number, number] {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  const n4 = g.length - (g.length % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    const g0 = g[i], g1 = g[i + 1], g2 = g[i + 2], g3 = g[i + 3];
    s0 += g0;
    s1 += g1;
    s2 += g2;
    s3 += g3;
    a0 += d[i] * g0;
    a1 += d[i + 1] * g1;
    a2 += d[i + 2] * g2;
    a3 += d[i + 3] * g3;
  }
  for (; i < g.length; i++) {
    s0 += g[i];
    a0 += d[i] * g[i];
  }
  return [s0 + s1 + (s2 + s3), a0 + a1 + (a2 + a3)];
}

/** Coefficients of {@link momentumUpdate}. */
export interface MomentumCoefficients {
  /** ν, the scale of the direction (the KL clip; 1 for SGD). */
  scale: number;
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
  learningRate: number;
}

/**
 * One layer's momentum step in one pass: reads the direction `d` (`[d_a, d_g]` layout) and the
 * current weights `w`, updates the momentum buffer `v` in place and writes the new weights `w'`:
 *
 *     u = ν d + wd w,   v ← μ v + u,   w' = w − η (Nesterov ? u + μ v : v)
 *
 * Intermediates are Float64; results are stored as float32.
 *
 * @example `momentumUpdate(d, v, rewrite.current[l], rewrite.next[l], { scale: 1, weightDecay: 0, momentum: 0.9, nesterov: false, learningRate: 0.1 })`
 */
export function momentumUpdate(d: Float32Array, v: Float32Array, w: LayerWeightViews, next: LayerWeightViews, c: MomentumCoefficients): void {
  const k = w.kernel.length;
  // dir = a·u + b·v covers both rules without a branch in the loop.
  const a = c.nesterov ? 1 : 0;
  const b = c.nesterov ? c.momentum : 1;
  momentumRun(d.subarray(0, k), v.subarray(0, k), w.kernel, next.kernel, c.scale, c.weightDecay, c.momentum, c.learningRate, a, b);
  momentumRun(d.subarray(k), v.subarray(k), w.bias, next.bias, c.scale, c.weightDecay, c.momentum, c.learningRate, a, b);
}

// Scalars as arguments and one index keep this loop monomorphic and free of closures: it runs at
// memory speed (measured 3× faster than the same loop in a closure over the coefficients object).
function momentumRun(d: Float32Array, v: Float32Array, w: Float32Array, next: Float32Array, nu: number, wd: number, mu: number, eta: number, a: number, b: number): void {
  for (let i = 0; i < w.length; i++) {
    const u = nu * d[i] + wd * w[i];
    const vi = mu * v[i] + u;
    v[i] = vi;
    next[i] = w[i] - eta * (a * u + b * vi);
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
