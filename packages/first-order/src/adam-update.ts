import { fusedAdam, type AdamKernelCoefficients } from '@fisherkit/core';
import type { LayerWeightViews } from '@fisherkit/fisher';

/**
 * One layer's Adam step in one pass (`fusedAdam` on the kernel and bias parts): reads the gradient
 * `g` (`[d_a, d_g]` layout) and the current weights `w`, updates the moments `m`, `v` in place and
 * writes the new weights `next`:
 *
 *     g' = g + wd w,   m ← β₁ m + (1 − β₁) g',   v ← β₂ v + (1 − β₂) g'²,
 *     w' = w − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * @example `adamUpdate(g, m, v, rewrite.current[l], rewrite.next[l], { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, t: 1 })`
 */
export function adamUpdate(g: Float32Array, m: Float32Array, v: Float32Array, w: LayerWeightViews, next: LayerWeightViews, c: AdamKernelCoefficients): void {
  const k = w.kernel.length;
  fusedAdam(g.subarray(0, k), m.subarray(0, k), v.subarray(0, k), w.kernel, next.kernel, c);
  fusedAdam(g.subarray(k), m.subarray(k), v.subarray(k), w.bias, next.bias, c);
}
