import { describe, expect, it } from 'vitest';
import { NonFiniteError, NotPositiveDefiniteError, ShapeError } from '../errors.js';
import { combine } from '../matrix/elementwise.js';
import { diag, fromRows, identity, zeros, type Matrix } from '../matrix/matrix.js';
import { matmul, matmulTransA } from '../matrix/multiply.js';
import { generalizedSymmetricEigen } from './generalized-symmetric-eigen.js';
import { spdSolve } from './spd-solve.js';
import { symmetricEigen } from './symmetric-eigen.js';
import { randomSpd, randomSymmetric, relativeError } from './test-support.js';

function congruence(k: Matrix, m: Matrix): Matrix {
  return matmulTransA(k, matmul(m, k));
}

describe('generalizedSymmetricEigen', () => {
  it.each([1, 2, 3, 10, 50, 200])('gives Kᵀ A K = I and Kᵀ B K = diag(s) (n = %i)', (n) => {
    const a = randomSpd(n, 1300 + n);
    const b = randomSymmetric(n, 1400 + n);
    const { values, vectors: k } = generalizedSymmetricEigen(b, a);
    for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    expect(relativeError(congruence(k, a), identity(n))).toBeLessThan(1e-10);
    expect(relativeError(congruence(k, b), diag(values))).toBeLessThan(1e-10);
    // B K = A K diag(s)
    const bk = matmul(b, k);
    const akd = matmul(matmul(a, k), diag(values));
    expect(relativeError(bk, akd)).toBeLessThan(1e-10);
  });

  it('has the eigenvalues of A⁻¹ B', () => {
    const a = randomSpd(8, 3);
    const b = randomSpd(8, 4); // A⁻¹B has real positive eigenvalues
    const { values } = generalizedSymmetricEigen(b, a);
    // Each s makes B − s A singular: its eigenvalue nearest zero vanishes.
    for (const s of values) {
      const m = combine(1, b, -s, a);
      const e = symmetricEigen(m).values;
      const nearest = Math.min(...Array.from(e, Math.abs));
      expect(nearest).toBeLessThan(1e-10 * Math.max(...Array.from(e, Math.abs)));
    }
    // and trace(A⁻¹ B) = Σ s.
    const x = spdSolve(a, b);
    let tr = 0;
    for (let i = 0; i < 8; i++) tr += x.data[i * 8 + i];
    expect(values.reduce((p, q) => p + q, 0)).toBeCloseTo(tr, 10);
  });

  it('matches closed forms with A = 2 I and with diagonal A and B', () => {
    const two = generalizedSymmetricEigen(fromRows([[1, 0], [0, 3]]), identity(2, 2));
    expect(two.values[0]).toBeCloseTo(0.5, 15);
    expect(two.values[1]).toBeCloseTo(1.5, 15);
    const d = generalizedSymmetricEigen(fromRows([[6, 0], [0, 1]]), fromRows([[2, 0], [0, 4]]));
    expect(d.values[0]).toBeCloseTo(0.25, 15);
    expect(d.values[1]).toBeCloseTo(3, 15);
    const one = generalizedSymmetricEigen(fromRows([[3]]), fromRows([[4]]));
    expect(one.values[0]).toBeCloseTo(0.75, 15);
    expect(Math.abs(one.vectors.data[0])).toBeCloseTo(0.5, 15); // kᵀ 4 k = 1
  });

  it('rejects bad input', () => {
    expect(() => generalizedSymmetricEigen(identity(2), identity(3))).toThrow(ShapeError);
    expect(() => generalizedSymmetricEigen(zeros(2, 3), identity(2))).toThrow(ShapeError);
    expect(() => generalizedSymmetricEigen(identity(2), fromRows([[1, 0], [0, -1]]))).toThrow(NotPositiveDefiniteError);
    expect(() => generalizedSymmetricEigen(fromRows([[NaN, 0], [0, 1]]), identity(2))).toThrow(NonFiniteError);
    expect(() => generalizedSymmetricEigen(fromRows([[1, 1], [0, 1]]), identity(2))).toThrow(/symmetric/);
  });
});
