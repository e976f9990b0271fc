import type { LayerWeightViews } from '@fisherkit/fisher';

/** Coefficients of {@link adamUpdate}; `t` is the 1-based step. */
export interface AdamCoefficients {
  eta: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  t: number;
}

/**
 * One layer's Adam step in one pass: reads the gradient `g` (`[d_a, d_g]` layout) and the current
 * weights `w`, updates the moments `m`, `v` in place and writes the new weights `next`:
 *
 *     g' = g + wd w,   m ← β₁ m + (1 − β₁) g',   v ← β₂ v + (1 − β₂) g'²,
 *     w' = w − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * Intermediates are Float64; results are stored as float32.
 *
 * @example `adamUpdate(g, m, v, rewrite.current[l], rewrite.next[l], { eta: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, t: 1 })`
 */
export function adamUpdate(g: Float32Array, m: Float32Array, v: Float32Array, w: LayerWeightViews, next: LayerWeightViews, c: AdamCoefficients): void {
  const { eta, beta1, beta2, epsilon, weightDecay } = c;
  const c1 = 1 - beta1 ** c.t;
  const c2 = 1 - beta2 ** c.t;
  const run = (from: Float32Array, to: Float32Array, offset: number): void => {
    for (let i = 0; i < from.length; i++) {
      const k = offset + i;
      const gk = g[k] + weightDecay * from[i];
      const mk = beta1 * m[k] + (1 - beta1) * gk;
      const vk = beta2 * v[k] + (1 - beta2) * gk * gk;
      m[k] = mk;
      v[k] = vk;
      to[i] = from[i] - (eta * (mk / c1)) / (Math.sqrt(vk / c2) + epsilon);
    }
  };
  run(w.kernel, next.kernel, 0);
  run(w.bias, next.bias, w.kernel.length);
}
