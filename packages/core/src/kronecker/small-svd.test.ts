import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { smallSvd } from './small-svd.js';
import { denseSvd } from './svd-reference.test-support.js';

function reconstructionError(b: Float64Array, n: number, svd: ReturnType<typeof smallSvd>): number {
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += svd.p[k][i] * svd.s[k] * svd.q[k][j];
      err = Math.max(err, Math.abs(s - b[i * n + j]));
    }
  }
  return err;
}

function orthogonalityError(cols: Float64Array[]): number {
  let err = 0;
  for (let a = 0; a < cols.length; a++) {
    for (let b = 0; b < cols.length; b++) {
      let s = 0;
      for (let r = 0; r < cols[a].length; r++) s += cols[a][r] * cols[b][r];
      err = Math.max(err, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return err;
}

describe('smallSvd (one-sided Jacobi)', () => {
  it('matches ml-matrix singular values and reconstructs B = P Σ Qᵀ', () => {
    const rng = createRng(501);
    for (let t = 0; t < 30; t++) {
      const n = 1 + rng.int(12);
      const b = new Float64Array(n * n);
      for (let e = 0; e < b.length; e++) b[e] = rng.normal();
      const svd = smallSvd(b, n);
      const ref = denseSvd({ rows: n, cols: n, data: b }).sigmas;
      svd.s.forEach((s, j) => expect(Math.abs(s - ref[j])).toBeLessThan(1e-12 * ref[0]));
      for (let j = 1; j < n; j++) expect(svd.s[j]).toBeLessThanOrEqual(svd.s[j - 1]);
      expect(reconstructionError(b, n, svd)).toBeLessThan(1e-12 * ref[0]);
      expect(orthogonalityError(svd.p)).toBeLessThan(1e-12);
      expect(orthogonalityError(svd.q)).toBeLessThan(1e-12);
    }
  });

  it('is accurate for graded singular values and completes P for zero ones', () => {
    // B = diag(1, 1e-9, 1e-15) rotated: relative accuracy of the tiny singular values
    const n = 3;
    const graded = new Float64Array([1, 0, 0, 0, 1e-9, 0, 0, 0, 1e-15]);
    const svd = smallSvd(graded, n);
    expect(svd.s[1] / 1e-9).toBeCloseTo(1, 12);
    expect(svd.s[2] / 1e-15).toBeCloseTo(1, 12);
    // rank one: two zero singular values, P still orthonormal, last row avoided when possible
    const rankOne = new Float64Array([1, 2, 0, 2, 4, 0, 0, 0, 0]);
    const r1 = smallSvd(rankOne, n);
    expect(r1.s[0]).toBeCloseTo(5, 13);
    expect(r1.s[1]).toBeLessThan(1e-15);
    expect(orthogonalityError(r1.p)).toBeLessThan(1e-14);
    expect(reconstructionError(rankOne, n, r1)).toBeLessThan(1e-14);
  });
});
