import { describe, expect, it } from 'vitest';
import { accumulateQ, householderTridiagonal } from './householder-tridiagonal.js';
import { randomSymmetric, relativeError } from './test-support.js';

describe('householder tridiagonalisation', () => {
  it.each([1, 2, 7, 33, 65, 130])('blocked accumulation of Q matches applying the reflectors one by one (n = %i)', (n) => {
    const a = randomSymmetric(n, 40 + n);
    const t = householderTridiagonal(a.data.slice(), n);
    const q = accumulateQ(t);
    // Reference: Q = H_0 ⋯ H_{n−3}, built as Q ← H_k Q for k = n − 3 … 0.
    const ref = new Float64Array(n * n);
    for (let i = 0; i < n; i++) ref[i * n + i] = 1;
    for (let k = n - 3; k >= 0; k--) {
      const b = t.beta[k];
      if (b === 0) continue;
      const v = new Float64Array(n);
      for (let j = k + 1; j < n; j++) v[j] = t.reflectors[k * n + j];
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let r = k + 1; r < n; r++) s += v[r] * ref[r * n + c];
        for (let r = k + 1; r < n; r++) ref[r * n + c] -= b * s * v[r];
      }
    }
    expect(relativeError({ rows: n, cols: n, data: q }, { rows: n, cols: n, data: ref })).toBeLessThan(1e-13);
    // Qᵀ A Q = T.
    const tri = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      tri[i * n + i] = t.d[i];
      if (i + 1 < n) tri[i * n + i + 1] = tri[(i + 1) * n + i] = t.e[i];
    }
    const qtaq = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) s += q[r * n + i] * a.data[r * n + c] * q[c * n + j];
        qtaq[i * n + j] = s;
      }
    }
    expect(relativeError({ rows: n, cols: n, data: qtaq }, { rows: n, cols: n, data: tri })).toBeLessThan(1e-12);
  });
});
