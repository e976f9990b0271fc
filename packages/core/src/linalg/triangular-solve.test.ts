import { describe, expect, it } from 'vitest';
import { FisherkitError, NonFiniteError, ShapeError } from '../errors.js';
import { fromRows, toRows, zeros } from '../matrix/matrix.js';
import { matmul, transpose } from '../matrix/multiply.js';
import { cholesky } from './cholesky.js';
import { gaussian, randomSpd, relativeError } from './test-support.js';
import { createRng } from '../random/rng.js';
import { solveLower, solveLowerTransposed, solveUpper } from './triangular-solve.js';

describe('triangular solves', () => {
  it.each([1, 2, 3, 10, 50, 200])('solve L X = B, Lᵀ X = B and U X = B with many columns (n = %i)', (n) => {
    const l = cholesky(randomSpd(n, 300 + n));
    const u = transpose(l);
    const b = gaussian(createRng(n), n, 7);
    expect(relativeError(matmul(l, solveLower(l, b)), b)).toBeLessThan(1e-12);
    expect(relativeError(matmul(u, solveLowerTransposed(l, b)), b)).toBeLessThan(1e-12);
    expect(relativeError(matmul(u, solveUpper(u, b)), b)).toBeLessThan(1e-12);
    // A single right-hand side too.
    const b1 = gaussian(createRng(n + 1), n, 1);
    expect(relativeError(matmul(l, solveLower(l, b1)), b1)).toBeLessThan(1e-12);
  });

  it.each([1, 7, 33, 65, 130])('blocked solves match plain substitution (n = %i, several column counts)', (n) => {
    const l = cholesky(randomSpd(n, 700 + n));
    const u = transpose(l);
    for (const p of [1, 7, 65, 130]) {
      const b = gaussian(createRng(n * 1000 + p), n, p);
      // Reference: column-by-column forward and back substitution.
      const fwd = zeros(n, p);
      const bwd = zeros(n, p);
      for (let c = 0; c < p; c++) {
        for (let i = 0; i < n; i++) {
          let s = b.data[i * p + c];
          for (let k = 0; k < i; k++) s -= l.data[i * n + k] * fwd.data[k * p + c];
          fwd.data[i * p + c] = s / l.data[i * n + i];
        }
        for (let i = n - 1; i >= 0; i--) {
          let s = b.data[i * p + c];
          for (let k = i + 1; k < n; k++) s -= l.data[k * n + i] * bwd.data[k * p + c];
          bwd.data[i * p + c] = s / l.data[i * n + i];
        }
      }
      expect(relativeError(solveLower(l, b), fwd)).toBeLessThan(1e-12);
      expect(relativeError(solveLowerTransposed(l, b), bwd)).toBeLessThan(1e-12);
      expect(relativeError(solveUpper(u, b), bwd)).toBeLessThan(1e-12);
    }
  });

  it('matches hand-computed 2 × 2 solutions and ignores the other triangle', () => {
    const l = fromRows([[2, 99], [1, 4]]); // 99 is above the diagonal: ignored
    expect(toRows(solveLower(l, fromRows([[2], [9]])))).toEqual([[1], [2]]);
    // Lᵀ = [[2, 1], [0, 4]]: x₂ = 8/4 = 2, x₁ = (4 − 2)/2 = 1
    expect(toRows(solveLowerTransposed(l, fromRows([[4], [8]])))).toEqual([[1], [2]]);
    const u = fromRows([[2, 1], [-99, 4]]);
    expect(toRows(solveUpper(u, fromRows([[4], [8]])))).toEqual([[1], [2]]);
  });

  it('rejects mismatched, non-square, singular and non-finite input', () => {
    const l = fromRows([[1, 0], [1, 1]]);
    expect(() => solveLower(l, zeros(3, 1))).toThrow(/3 rows but the 2 × 2 factor needs 2/);
    expect(() => solveUpper(zeros(2, 3), zeros(2, 1))).toThrow(ShapeError);
    expect(() => solveLowerTransposed(fromRows([[1, 0], [1, 0]]), zeros(2, 1))).toThrow(FisherkitError);
    expect(() => solveLower(fromRows([[1, 0], [1, 0]]), zeros(2, 1))).toThrow(/singular \(diagonal entry 1 is 0\)/);
    expect(() => solveLower(l, fromRows([[NaN], [1]]))).toThrow(NonFiniteError);
  });
});
