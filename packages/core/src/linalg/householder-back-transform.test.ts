import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { BACK_TRANSFORM_BLOCK, applyTransposedQ } from './householder-back-transform.js';
import { accumulateTransposedQ, householderTridiagonal } from './householder-tridiagonal.js';
import { gaussian, randomSymmetric, relativeError } from './test-support.js';

describe('applyTransposedQ', () => {
  it.each([1, 2, 3, 20, BACK_TRANSFORM_BLOCK + 2, 2 * BACK_TRANSFORM_BLOCK + 7, 160])(
    'X Qᵀ matches the product with the accumulated Qᵀ (n = %i)',
    (n) => {
      const a = randomSymmetric(n, 500 + n);
      const t = householderTridiagonal(a.data.slice(), n);
      const qt = accumulateTransposedQ(t);
      for (const m of [1, 5, n]) {
        const x = gaussian(createRng(m + n), m, n);
        const ref = new Float64Array(m * n);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < n; p++) s += x.data[i * n + p] * qt[p * n + j];
            ref[i * n + j] = s;
          }
        }
        const got = x.data.slice();
        applyTransposedQ(t, got, m);
        expect(relativeError({ rows: m, cols: n, data: got }, { rows: m, cols: n, data: ref })).toBeLessThan(1e-13);
      }
    },
  );
});
