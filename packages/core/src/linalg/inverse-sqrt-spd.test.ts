import { describe, expect, it } from 'vitest';
import { NonFiniteError, NotPositiveDefiniteError, ShapeError } from '../errors.js';
import { fromRows, identity, toRows, zeros } from '../matrix/matrix.js';
import { matmul } from '../matrix/multiply.js';
import { inverseSqrtSpd } from './inverse-sqrt-spd.js';
import { spdInverse } from './spd-inverse.js';
import { randomSpd, relativeError, withSpectrum } from './test-support.js';

describe('inverseSqrtSpd', () => {
  it.each([1, 2, 3, 10, 50, 200])('S A S = I and S S = A⁻¹ for S = A^{-1/2} (n = %i)', (n) => {
    const a = randomSpd(n, 1700 + n);
    const s = inverseSqrtSpd(a);
    expect(relativeError(matmul(s, matmul(a, s)), identity(n))).toBeLessThan(1e-10);
    expect(relativeError(matmul(s, s), spdInverse(a))).toBeLessThan(1e-10);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) expect(s.data[i * n + j]).toBe(s.data[j * n + i]);
  });

  it('matches closed forms', () => {
    const d = toRows(inverseSqrtSpd(fromRows([[4, 0], [0, 9]])));
    expect(d[0][0]).toBeCloseTo(0.5, 15);
    expect(d[1][1]).toBeCloseTo(1 / 3, 15);
    expect(d[0][1]).toBe(0);
    // [[2, 1], [1, 2]] has eigenpairs 3 ↦ (1, 1)/√2 and 1 ↦ (1, −1)/√2.
    const s = toRows(inverseSqrtSpd(fromRows([[2, 1], [1, 2]])));
    const p = 1 / Math.sqrt(3);
    expect(s[0][0]).toBeCloseTo((p + 1) / 2, 14);
    expect(s[0][1]).toBeCloseTo((p - 1) / 2, 14);
  });

  it('names the non-positive eigenvalue', () => {
    let caught: unknown;
    try {
      inverseSqrtSpd(withSpectrum([-2, 1, 3], 9));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NotPositiveDefiniteError);
    expect((caught as NotPositiveDefiniteError).pivot).toBe(0);
    expect((caught as NotPositiveDefiniteError).value).toBeCloseTo(-2, 12);
    expect((caught as Error).message).toMatch(/eigenvalue 0 \(ascending\) is -(2|1\.99)/);
    expect(() => inverseSqrtSpd(zeros(2, 2))).toThrow(/eigenvalue 0 \(ascending\) is 0/);
  });

  it('rejects non-square and non-finite input', () => {
    expect(() => inverseSqrtSpd(zeros(1, 2))).toThrow(ShapeError);
    expect(() => inverseSqrtSpd(fromRows([[Infinity]]))).toThrow(NonFiniteError);
  });
});
