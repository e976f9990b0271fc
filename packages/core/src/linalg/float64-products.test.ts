import { afterEach, describe, expect, it } from 'vitest';
import { OptionError } from '../errors.js';
import { cholesky } from './cholesky.js';
import { float64ProductProvider, useFloat64Products, type Float64ProductProvider } from './float64-products.js';
import { gemmNT, gemmNTLower } from './gemm-kernel.js';
import { generalizedSymmetricEigen } from './generalized-symmetric-eigen.js';
import { solveLower, solveLowerTransposed } from './triangular-solve.js';
import { spdInverse } from './spd-inverse.js';
import { symmetricEigen } from './symmetric-eigen.js';
import { eigenResidual, orthogonalityError, randomSpd, relativeError } from './test-support.js';

/** A provider computing `out = c − a bᵀ` by the triple loop, summing in reverse order so its bits differ from the built-in kernels'. */
function loopProvider(minWork: number, withNN = false): Float64ProductProvider & { calls: number; work: number; nnCalls: number } {
  return {
    nnCalls: 0,
    ...(withNN
      ? {
          subtractProductNN(this: { nnCalls: number }, m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, out: Float64Array) {
            expect(b.length).toBe(k * n);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let p = k - 1; p >= 0; p--) s += a[i * k + p] * b[p * n + j];
                out[i * n + j] = c[i * n + j] - s;
              }
            }
            this.nnCalls++;
          },
        }
      : {}),
    name: 'triple loop',
    minWork,
    calls: 0,
    work: 0,
    subtractProductNT(m, n, k, a, b, c, out) {
      expect(a.length).toBe(m * k);
      expect(b.length).toBe(n * k);
      expect(c.length).toBe(m * n);
      expect(out.length).toBe(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = k - 1; p >= 0; p--) s += a[i * k + p] * b[j * k + p];
          out[i * n + j] = c[i * n + j] - s;
        }
      }
      this.calls++;
      this.work += m * n * k;
    },
  };
}

function randomArray(len: number, seed: number): Float64Array {
  const x = new Float64Array(len);
  let s = seed;
  for (let i = 0; i < len; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    x[i] = s / 2147483648 - 0.5;
  }
  return x;
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('useFloat64Products', () => {
  it('sends strided products at or above minWork to the provider, padded rows packed, C written back in place', () => {
    const p = loopProvider(10 * 12 * 9);
    restore = useFloat64Products(p);
    // A 10 × 9 block of a 15-wide array, B 12 × 9 of an 11-wide one, C 10 × 12 of a 20-wide one.
    const a = randomArray(15 * 12, 1);
    const b = randomArray(11 * 14, 2);
    const c = randomArray(20 * 12, 3);
    const want = c.slice();
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 12; j++) {
        let s = 0;
        for (let q = 0; q < 9; q++) s += a[2 + i * 15 + q] * b[1 + j * 11 + q];
        want[4 + i * 20 + j] -= s;
      }
    }
    gemmNT(10, 12, 9, a, 2, 15, b, 1, 11, c, 4, 20);
    expect(p.calls).toBe(1);
    for (let q = 0; q < c.length; q++) expect(c[q]).toBeCloseTo(want[q], 13); // untouched entries stay exact
    gemmNT(10, 12, 8, a, 2, 15, b, 1, 11, c, 4, 20); // 960 < minWork: built-in kernel
    expect(p.calls).toBe(1);
  });

  it('gemmNTLower on a provider changes only the entries j ≤ i + off', () => {
    const p = loopProvider(0);
    restore = useFloat64Products(p);
    const m = 300;
    const n = 290;
    const k = 40;
    const off = -3;
    const a = randomArray(m * k, 4);
    const b = randomArray(n * k, 5);
    const c = randomArray(m * n, 6);
    const before = c.slice();
    gemmNTLower(m, n, k, a, 0, k, b, 0, k, c, 0, n, off);
    expect(p.calls).toBeGreaterThan(1); // block columns
    let worst = 0;
    let upperChanged = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        if (j > i + off) {
          if (c[i * n + j] !== before[i * n + j]) upperChanged++;
          continue;
        }
        let s = 0;
        for (let q = 0; q < k; q++) s += a[i * k + q] * b[j * k + q];
        worst = Math.max(worst, Math.abs(c[i * n + j] - (before[i * n + j] - s)));
      }
    }
    expect(upperChanged).toBe(0);
    expect(worst).toBeLessThan(1e-13);
  });

  it('runs Cholesky, spdInverse and symmetricEigen through the provider to the same accuracy', () => {
    const a = randomSpd(301, 7);
    const l0 = cholesky(a);
    const inv0 = spdInverse(a);
    const eig0 = symmetricEigen(a);
    const p = loopProvider(32 ** 3);
    restore = useFloat64Products(p);
    const l = cholesky(a);
    const calls = p.calls;
    expect(calls).toBeGreaterThan(0);
    expect(relativeError(l, l0)).toBeLessThan(1e-13);
    expect(relativeError(spdInverse(a), inv0)).toBeLessThan(1e-12);
    expect(p.calls).toBeGreaterThan(calls);
    const eig = symmetricEigen(a);
    for (let i = 0; i < a.rows; i++) expect(Math.abs(eig.values[i] - eig0.values[i])).toBeLessThan(1e-12 * Math.abs(eig0.values[a.rows - 1]));
    expect(eigenResidual(a, eig.values, eig.vectors)).toBeLessThan(1e-13);
    expect(orthogonalityError(eig.vectors)).toBeLessThan(1e-12);
  });

  it('solves triangular systems keeping the right-hand sides in place when the provider has non-transposed products', () => {
    const a = randomSpd(203, 8);
    const b = randomSpd(203, 9);
    const l = cholesky(a);
    const rhs = { rows: 203, cols: 37, data: randomArray(203 * 37, 10) };
    const want = [solveLower(l, rhs), solveLowerTransposed(l, rhs), solveLower(l, b)];
    const wantEig = generalizedSymmetricEigen(b, a);
    const p = loopProvider(16 ** 3, true);
    restore = useFloat64Products(p);
    const got = [solveLower(l, rhs), solveLowerTransposed(l, rhs), solveLower(l, b)];
    expect(p.nnCalls).toBeGreaterThan(0);
    for (let q = 0; q < 3; q++) expect(relativeError(got[q], want[q])).toBeLessThan(1e-12);
    // The residual of L x = b itself, not only agreement with the other path.
    const x = got[0];
    let worst = 0;
    for (let i = 0; i < 203; i++) {
      for (let j = 0; j < 37; j++) {
        let s = 0;
        for (let k = 0; k <= i; k++) s += l.data[i * 203 + k] * x.data[k * 37 + j];
        worst = Math.max(worst, Math.abs(s - rhs.data[i * 37 + j]));
      }
    }
    expect(worst).toBeLessThan(1e-12);
    const eig = generalizedSymmetricEigen(b, a);
    for (let i = 0; i < 203; i++) expect(Math.abs(eig.values[i] - wantEig.values[i])).toBeLessThan(1e-11 * Math.abs(wantEig.values[202]));
    expect(rhs.data[5]).toBe(randomArray(203 * 37, 10)[5]); // inputs untouched
  });

  it('is undone by the returned function (idempotent), and reports the provider in use', () => {
    const p = loopProvider(0);
    restore = useFloat64Products(p);
    expect(float64ProductProvider()).toBe(p);
    restore();
    restore();
    expect(float64ProductProvider()).toBeUndefined();
    const c = new Float64Array(16);
    gemmNT(4, 4, 4, new Float64Array(16).fill(1), 0, 4, new Float64Array(16).fill(1), 0, 4, c, 0, 4);
    expect(p.calls).toBe(0);
    expect(c[5]).toBe(-4);
  });

  it('rejects a second provider and malformed ones, naming the fix', () => {
    restore = useFloat64Products(loopProvider(0));
    expect(() => useFloat64Products(loopProvider(0))).toThrow(/already set; call the function returned/);
    restore();
    restore = undefined;
    expect(() => useFloat64Products({ name: 'x', minWork: 1 } as unknown as Float64ProductProvider)).toThrow(OptionError);
    expect(() => useFloat64Products({ ...loopProvider(0), minWork: Number.NaN })).toThrow(/minWork must be a finite number/);
    expect(() => useFloat64Products({ ...loopProvider(0), minWork: -1 })).toThrow(/minWork/);
    expect(() => useFloat64Products({ ...loopProvider(0), subtractProductNN: 3 } as unknown as Float64ProductProvider)).toThrow(/subtractProductNN/);
    expect(float64ProductProvider()).toBeUndefined();
  });
});
