import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { quadraticForms, transposeData, weightedGram } from './sample-products.js';

/** Samples z (m × d, row-major) with a few exact zeros, and their d × m transpose. */
function samples(m: number, d: number, seed: number): { z: Float64Array; zT: Float64Array } {
  const rng = createRng(seed);
  const z = Float64Array.from({ length: m * d }, (_, k) => (k % 7 === 3 ? 0 : rng.normal()));
  return { z, zT: transposeData(z, m, d) };
}

describe('sample products', () => {
  // small (plain JS GEMM) and large enough for the WebAssembly kernel; m not a multiple of 4
  it.each([
    [5, 3],
    [37, 70],
    [130, 129],
  ])('quadraticForms and weightedGram match their definitions (m = %i, d = %i)', (m, d) => {
    const { z, zT } = samples(m, d, m + d);
    const rng = createRng(7);
    const w = Float64Array.from({ length: d * d }, () => rng.normal()); // not symmetric: zᵀWz only sees sym(W)
    const c = Float64Array.from({ length: m }, () => rng.normal());
    const forms = quadraticForms(zT, m, d, w);
    for (let i = 0; i < m; i++) {
      let want = 0;
      for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) want += z[i * d + p] * w[p * d + q] * z[i * d + q];
      expect(Math.abs(forms[i] - want)).toBeLessThan(1e-10 * (1 + Math.abs(want)) * d);
    }
    const gram = weightedGram(zT, m, d, c, 0.25);
    for (let p = 0; p < d; p++) {
      for (let q = 0; q < d; q++) {
        let want = 0;
        for (let i = 0; i < m; i++) want += c[i] * z[i * d + p] * z[i * d + q];
        expect(Math.abs(gram.data[p * d + q] - 0.25 * want)).toBeLessThan(1e-12 * m * (1 + Math.abs(want)));
        expect(gram.data[p * d + q]).toBe(gram.data[q * d + p]);
      }
    }
  });
});
