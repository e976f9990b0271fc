import { describe, expect, it } from 'vitest';
import { inverse, Matrix as MlMatrix } from 'ml-matrix';
import { NonFiniteError, NotPositiveDefiniteError, ShapeError } from '../errors.js';
import { fromRows, identity, toRows, zeros } from '../matrix/matrix.js';
import { matmul } from '../matrix/multiply.js';
import { createRng } from '../random/rng.js';
import { spdInverse } from './spd-inverse.js';
import { spdSolve } from './spd-solve.js';
import { gaussian, randomSpd, relativeError, withSpectrum } from './test-support.js';

describe('spdSolve', () => {
  it.each([1, 2, 3, 10, 50, 200])('solves A X = B for random SPD A (n = %i)', (n) => {
    const a = randomSpd(n, 500 + n);
    const b = gaussian(createRng(n), n, 4);
    expect(relativeError(matmul(a, spdSolve(a, b)), b)).toBeLessThan(1e-10);
  });

  it('solves a 2 × 2 system exactly', () => {
    expect(toRows(spdSolve(fromRows([[4, 2], [2, 5]]), fromRows([[2], [1]])))).toEqual([[0.5], [0]]);
  });

  it('rejects bad input', () => {
    expect(() => spdSolve(fromRows([[1, 0], [0, -1]]), zeros(2, 1))).toThrow(NotPositiveDefiniteError);
    expect(() => spdSolve(zeros(2, 3), zeros(2, 1))).toThrow(ShapeError);
    expect(() => spdSolve(identity(2), fromRows([[1], [Infinity]]))).toThrow(NonFiniteError);
  });
});

describe('spdInverse', () => {
  it.each([1, 2, 3, 10, 50, 200, 500])('A · A⁻¹ = I to 1e-10 and A⁻¹ is exactly symmetric (n = %i)', (n) => {
    const a = randomSpd(n, 700 + n);
    const inv = spdInverse(a);
    expect(relativeError(matmul(a, inv), identity(n))).toBeLessThan(1e-10);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(inv.data[i * n + j]).toBe(inv.data[j * n + i]);
  });

  it.each([7, 33, 65, 130])('blocked inverse matches column-by-column solves (n = %i)', (n) => {
    const a = randomSpd(n, 710 + n);
    const ref = spdSolve(a, identity(n));
    expect(relativeError(spdInverse(a), ref)).toBeLessThan(1e-12);
  });

  it('matches the 1 × 1 and 2 × 2 closed forms', () => {
    expect(toRows(spdInverse(fromRows([[4]])))).toEqual([[0.25]]);
    // [[a, b], [b, c]]⁻¹ = [[c, −b], [−b, a]] / (ac − b²)
    const inv = toRows(spdInverse(fromRows([[4, 2], [2, 5]])));
    const ref = [[5 / 16, -2 / 16], [-2 / 16, 4 / 16]];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) expect(inv[i][j]).toBeCloseTo(ref[i][j], 14);
  });

  it('agrees with ml-matrix', () => {
    const a = withSpectrum([0.5, 1, 2, 3, 10, 40], 11);
    const ref = fromRows(inverse(new MlMatrix(toRows(a))).to2DArray());
    expect(relativeError(spdInverse(a), ref)).toBeLessThan(1e-12);
  });

  it('names the failing pivot for a singular matrix', () => {
    expect(() => spdInverse(fromRows([[1, 1], [1, 1]]))).toThrow(/pivot 1 is 0/);
  });
});
