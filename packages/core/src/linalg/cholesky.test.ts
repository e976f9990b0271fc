import { describe, expect, it } from 'vitest';
import { CholeskyDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { NonFiniteError, NotPositiveDefiniteError, ShapeError } from '../errors.js';
import { fromRows, toRows, zeros } from '../matrix/matrix.js';
import { matmulTransB } from '../matrix/multiply.js';
import { cholesky } from './cholesky.js';
import { randomSpd, relativeError, withSpectrum } from './test-support.js';

describe('cholesky', () => {
  it.each([1, 2, 3, 10, 50, 200, 500])('reconstructs a random SPD matrix of size %i to 1e-10', (n) => {
    const a = randomSpd(n, 100 + n);
    const l = cholesky(a);
    expect(relativeError(matmulTransB(l, l), a)).toBeLessThan(1e-10);
    for (let i = 0; i < n; i++) {
      expect(l.data[i * n + i]).toBeGreaterThan(0);
      for (let j = i + 1; j < n; j++) expect(l.data[i * n + j]).toBe(0);
    }
  });

  it('matches the closed forms for 1 × 1 and 2 × 2', () => {
    expect(toRows(cholesky(fromRows([[9]])))).toEqual([[3]]);
    // [[a, b], [b, c]] = [[√a, 0], [b/√a, √(c − b²/a)]] ...
    const l = cholesky(fromRows([[4, 2], [2, 5]]));
    expect(toRows(l)).toEqual([[2, 0], [1, 2]]);
  });

  it('agrees with ml-matrix', () => {
    const a = randomSpd(30, 7);
    const ref = new CholeskyDecomposition(new MlMatrix(toRows(a))).lowerTriangularMatrix.to2DArray();
    const l = cholesky(a);
    expect(relativeError(l, fromRows(ref))).toBeLessThan(1e-12);
  });

  it('names the failing pivot of a matrix that is not positive definite', () => {
    // Eigenvalues 1, 1, −1: leading 2 × 2 block is PD, so pivot 2 fails.
    const a = fromRows([
      [1, 0, 0],
      [0, 1, 1],
      [0, 1, 0],
    ]);
    let caught: unknown;
    try {
      cholesky(a);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NotPositiveDefiniteError);
    const err = caught as NotPositiveDefiniteError;
    expect(err.pivot).toBe(2);
    expect(err.value).toBeCloseTo(-1, 12);
    expect(err.message).toMatch(/pivot 2 is -1/);
    expect(err.message).toMatch(/damping/);
    expect(() => cholesky(fromRows([[0]]))).toThrow(/pivot 0 is 0/);
    expect(() => cholesky(withSpectrum([1, 2, -0.5, 3], 3))).toThrow(NotPositiveDefiniteError);
  });

  it.each([33, 65, 130])('blocked factor matches the unblocked row-by-row reference (n = %i)', (n) => {
    const a = randomSpd(n, 900 + n);
    const ref = zeros(n, n);
    const r = ref.data;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let s = a.data[i * n + j];
        for (let k = 0; k < j; k++) s -= r[i * n + k] * r[j * n + k];
        r[i * n + j] = i === j ? Math.sqrt(s) : s / r[j * n + j];
      }
    }
    expect(relativeError(cholesky(a), ref)).toBeLessThan(1e-13);
  });

  it('names a failing pivot inside a later block', () => {
    const a = randomSpd(130, 5);
    a.data[100 * 130 + 100] = -1;
    expect(() => cholesky(a)).toThrow(/pivot 100 is -/);
  });

  it('rejects non-square, non-symmetric and non-finite input with clear messages', () => {
    expect(() => cholesky(zeros(2, 3))).toThrow(ShapeError);
    expect(() => cholesky(zeros(2, 3))).toThrow(/square, got 2 × 3/);
    expect(() => cholesky(fromRows([[1, 2], [0, 1]]))).toThrow(/symmetric.*symmetrize/);
    expect(() => cholesky(fromRows([[1, NaN], [NaN, 1]]))).toThrow(NonFiniteError);
    expect(() => cholesky(fromRows([[Infinity]]))).toThrow(/non-finite entry Infinity at \(0, 0\)/);
  });
});
