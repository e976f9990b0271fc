import type { Rng } from '@fisherkit/core';

/**
 * Xavier/Glorot-uniform values for a `[fanIn, fanOut]` kernel, row-major:
 * `K_ij ~ U(−r, r)`, `r = √(6 / (fanIn + fanOut))`, drawn from `rng` in order.
 *
 * @example
 * ```ts
 * const values = xavierUniform(784, 1000, createRng(0)); // Float32Array(784000)
 * ```
 */
export function xavierUniform(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const r = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let k = 0; k < out.length; k++) out[k] = (2 * rng.uniform() - 1) * r;
  return out;
}
