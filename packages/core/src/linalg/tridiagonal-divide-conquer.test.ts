import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { DIVIDE_CONQUER_LEAF, tridiagonalDivideConquer } from './tridiagonal-divide-conquer.js';
import { tridiagonalQl } from './tridiagonal-ql.js';

/** ‖T Z − Z diag(λ)‖_F / ‖T‖_F and ‖ZᵀZ − I‖_F for T = tridiag(e, d, e). */
function errors(d: Float64Array, e: Float64Array, lambda: Float64Array, z: Float64Array): { residual: number; orthogonality: number } {
  const n = d.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    den += d[i] * d[i] + (i < n - 1 ? 2 * e[i] * e[i] : 0);
    for (let j = 0; j < n; j++) {
      let tz = d[i] * z[i * n + j];
      if (i > 0) tz += e[i - 1] * z[(i - 1) * n + j];
      if (i < n - 1) tz += e[i] * z[(i + 1) * n + j];
      num += (tz - lambda[j] * z[i * n + j]) ** 2;
    }
  }
  let orth = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += z[r * n + a] * z[r * n + b];
      const dev = s - (a === b ? 1 : 0);
      orth += (a === b ? 1 : 2) * dev * dev;
    }
  }
  return { residual: Math.sqrt(num / (den || 1)), orthogonality: Math.sqrt(orth) };
}

function qlValues(d: Float64Array, e: Float64Array): Float64Array {
  const dd = d.slice();
  const ee = e.slice();
  tridiagonalQl(dd, ee, null, dd.length);
  return dd.sort();
}

function check(d: Float64Array, e: Float64Array, tol = 1e-13): Float64Array {
  const n = d.length;
  const lambda = d.slice();
  const z = tridiagonalDivideConquer(lambda, e.slice(), n);
  for (let k = 1; k < n; k++) expect(lambda[k]).toBeGreaterThanOrEqual(lambda[k - 1]);
  const ref = qlValues(d, e);
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]), Math.abs(e[i]));
  for (let k = 0; k < n; k++) expect(Math.abs(lambda[k] - ref[k])).toBeLessThanOrEqual(1e-13 * n * scale);
  const { residual, orthogonality } = errors(d, e, lambda, z);
  expect(residual).toBeLessThan(tol);
  expect(orthogonality).toBeLessThan(tol * 10);
  return lambda;
}

describe('tridiagonalDivideConquer', () => {
  it.each([1, 2, 3, DIVIDE_CONQUER_LEAF, DIVIDE_CONQUER_LEAF + 1, 100, 257, 400])(
    'decomposes a random tridiagonal matrix (n = %i) like QL, orthogonally',
    (n) => {
      const rng = createRng(70 + n);
      const d = new Float64Array(n);
      const e = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        d[i] = rng.normal();
        if (i < n - 1) e[i] = rng.normal();
      }
      check(d, e);
    },
  );

  it('handles the Wilkinson matrix W⁺₂₀₁ (pairs of eigenvalues equal to many digits)', () => {
    const n = 201;
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      d[i] = Math.abs(i - 100);
      if (i < n - 1) e[i] = 1;
    }
    check(d, e);
  });

  it('handles glued copies of one block (eigenvalues repeated to round-off)', () => {
    // Five copies of a random 60 × 60 tridiagonal block glued by couplings of 1e-12 and 0.
    const rng = createRng(3);
    const bd = Array.from({ length: 60 }, () => rng.normal());
    const be = Array.from({ length: 60 }, () => rng.normal());
    const n = 300;
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      d[i] = bd[i % 60];
      e[i] = i % 60 === 59 ? ((i / 60) % 2 ? 0 : 1e-12) : be[i % 60];
    }
    e[n - 1] = 0;
    check(d, e);
  });

  it('handles a diagonal matrix with repeated entries (everything deflates)', () => {
    const n = 150;
    const d = new Float64Array(n);
    for (let i = 0; i < n; i++) d[i] = i % 3;
    const e = new Float64Array(n);
    const lambda = check(d, e, 1e-15);
    expect(lambda[0]).toBe(0);
    expect(lambda[n - 1]).toBe(2);
  });

  it('handles the constant tridiag(1, 2, 1) (eigenvalues 2 − 2cos(kπ/(n+1)))', () => {
    const n = 180;
    const d = new Float64Array(n).fill(2);
    const e = new Float64Array(n).fill(1);
    e[n - 1] = 0;
    const lambda = check(d, e);
    for (let k = 1; k <= n; k++) expect(lambda[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 13);
  });

  it('handles a zero-diagonal matrix with graded couplings and the zero matrix', () => {
    const n = 130;
    const d = new Float64Array(n);
    const e = new Float64Array(n);
    for (let i = 0; i < n - 1; i++) e[i] = 10 ** (-(i % 16));
    check(d, e);
    const zero = tridiagonalDivideConquer(new Float64Array(n), new Float64Array(n), n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(zero[i * n + j]).toBe(i === j ? 1 : 0);
  });
});
