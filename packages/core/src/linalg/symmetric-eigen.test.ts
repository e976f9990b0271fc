import { describe, expect, it } from 'vitest';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { NonFiniteError, ShapeError } from '../errors.js';
import { fromRows, toRows, zeros } from '../matrix/matrix.js';
import { matmulTransB } from '../matrix/multiply.js';
import { createRng } from '../random/rng.js';
import { symmetricEigen } from './symmetric-eigen.js';
import { DIVIDE_CONQUER_MIN_ORDER } from './tridiagonal-divide-conquer.js';
import {
  eigenResidual,
  exactSymmetric,
  gaussian,
  orthogonalityError,
  randomSpd,
  randomSymmetric,
  relativeError,
  withSpectrum,
} from './test-support.js';

function expectAscending(values: Float64Array): void {
  for (let k = 1; k < values.length; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
}

describe('symmetricEigen', () => {
  it.each([1, 2, 3, 10, 50, 200, 500])('decomposes a random SPD matrix of size %i to 1e-10', (n) => {
    const a = randomSpd(n, 900 + n);
    const { values, vectors } = symmetricEigen(a);
    expect(values.length).toBe(n);
    expectAscending(values);
    expect(eigenResidual(a, values, vectors)).toBeLessThan(1e-10);
    expect(orthogonalityError(vectors)).toBeLessThan(1e-10);
    expect(values[0]).toBeGreaterThan(0);
  });

  it.each([3, 17, 64])('decomposes a random indefinite symmetric matrix (n = %i)', (n) => {
    const a = randomSymmetric(n, n);
    const { values, vectors } = symmetricEigen(a);
    expectAscending(values);
    expect(eigenResidual(a, values, vectors)).toBeLessThan(1e-10);
    expect(orthogonalityError(vectors)).toBeLessThan(1e-10);
  });

  it('agrees with ml-matrix on eigenvalues', () => {
    for (const n of [5, 40]) {
      const a = randomSymmetric(n, 1234 + n);
      const ref = new EigenvalueDecomposition(new MlMatrix(toRows(a)), { assumeSymmetric: true }).realEigenvalues
        .slice()
        .sort((x, y) => x - y);
      const { values } = symmetricEigen(a);
      const scale = Math.max(...ref.map(Math.abs));
      for (let k = 0; k < n; k++) expect(Math.abs(values[k] - ref[k])).toBeLessThan(1e-12 * scale);
    }
  });

  it('recovers exact zero eigenvalues of a PSD matrix X Xᵀ (X 10 × 3)', () => {
    const x = gaussian(createRng(5), 10, 3);
    const a = exactSymmetric(matmulTransB(x, x));
    const { values, vectors } = symmetricEigen(a);
    const top = values[9];
    for (let k = 0; k < 7; k++) expect(Math.abs(values[k])).toBeLessThan(1e-14 * top);
    for (let k = 7; k < 10; k++) expect(values[k]).toBeGreaterThan(1e-3 * top);
    expect(eigenResidual(a, values, vectors)).toBeLessThan(1e-12);
    expect(orthogonalityError(vectors)).toBeLessThan(1e-12);
    // Reconstruction V Λ Vᵀ = A.
    const vl = zeros(10, 10);
    for (let i = 0; i < 10; i++) for (let k = 0; k < 10; k++) vl.data[i * 10 + k] = vectors.data[i * 10 + k] * values[k];
    expect(relativeError(matmulTransB(vl, vectors), a)).toBeLessThan(1e-12);
  });

  it.each([
    [100, 20],
    [300, 64],
  ])('decomposes a low-rank PSD matrix X Xᵀ (n = %i, rank %i) like a real Fisher factor', (n, k) => {
    // Regression: a large cluster of round-off-sized eigenvalues used to exhaust the QL sweeps.
    const x = gaussian(createRng(n + k), n, k);
    const a = exactSymmetric(matmulTransB(x, x));
    const { values, vectors } = symmetricEigen(a);
    expectAscending(values);
    const top = values[n - 1];
    for (let i = 0; i < n - k; i++) expect(Math.abs(values[i])).toBeLessThan(1e-12 * top);
    expect(values[n - k]).toBeGreaterThan(1e-6 * top);
    expect(eigenResidual(a, values, vectors)).toBeLessThan(1e-10);
    expect(orthogonalityError(vectors)).toBeLessThan(1e-10);
  });

  it('handles repeated eigenvalues Q diag(1, 1, 1, 2, 2, 5) Qᵀ', () => {
    const spectrum = [1, 1, 1, 2, 2, 5];
    const a = withSpectrum(spectrum, 21);
    const { values, vectors } = symmetricEigen(a);
    for (let k = 0; k < 6; k++) expect(values[k]).toBeCloseTo(spectrum[k], 13);
    expect(eigenResidual(a, values, vectors)).toBeLessThan(1e-13);
    expect(orthogonalityError(vectors)).toBeLessThan(1e-13);
  });

  it('handles a diagonal matrix, the zero matrix and an already tridiagonal matrix', () => {
    const d = symmetricEigen(fromRows([[3, 0, 0], [0, -1, 0], [0, 0, 2]]));
    expect(Array.from(d.values)).toEqual([-1, 2, 3]);
    expect(orthogonalityError(d.vectors)).toBe(0);
    const z = symmetricEigen(zeros(4, 4));
    expect(Array.from(z.values)).toEqual([0, 0, 0, 0]);
    expect(orthogonalityError(z.vectors)).toBe(0);
    // tridiag(1, 2, 1) of order 6 has eigenvalues 2 − 2 cos(kπ/7).
    const t = zeros(6, 6);
    for (let i = 0; i < 6; i++) {
      t.data[i * 6 + i] = 2;
      if (i < 5) {
        t.data[i * 6 + i + 1] = 1;
        t.data[(i + 1) * 6 + i] = 1;
      }
    }
    const tri = symmetricEigen(t);
    for (let k = 1; k <= 6; k++) expect(tri.values[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / 7), 14);
    expect(eigenResidual(t, tri.values, tri.vectors)).toBeLessThan(1e-14);
  });

  it('matches the closed forms for 1 × 1 and 2 × 2', () => {
    const one = symmetricEigen(fromRows([[-7]]));
    expect(Array.from(one.values)).toEqual([-7]);
    expect(Math.abs(one.vectors.data[0])).toBe(1);
    // [[a, b], [b, c]]: (a + c)/2 ± sqrt(((a − c)/2)² + b²)
    const [a, b, c] = [2, 3, -1];
    const two = symmetricEigen(fromRows([[a, b], [b, c]]));
    const mid = (a + c) / 2;
    const rad = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    expect(two.values[0]).toBeCloseTo(mid - rad, 14);
    expect(two.values[1]).toBeCloseTo(mid + rad, 14);
    // The top eigenvector is ∝ (b, λ₊ − a).
    const v = [two.vectors.data[1], two.vectors.data[3]];
    const w = [b, mid + rad - a];
    const cos = (v[0] * w[0] + v[1] * w[1]) / Math.hypot(w[0], w[1]);
    expect(Math.abs(cos)).toBeCloseTo(1, 14);
  });

  describe('divide-and-conquer path (n > DIVIDE_CONQUER_MIN_ORDER)', () => {
    const n = DIVIDE_CONQUER_MIN_ORDER + 86;

    it('agrees with the QL path on the eigenvalues of the leading block', () => {
      const a = randomSymmetric(n, 77);
      const big = symmetricEigen(a);
      expect(eigenResidual(a, big.values, big.vectors)).toBeLessThan(1e-13);
      expect(orthogonalityError(big.vectors)).toBeLessThan(1e-12);
      // The same spectrum through the QL path: a matrix of order ≤ the switch with known values.
      const small = Array.from(big.values.slice(0, DIVIDE_CONQUER_MIN_ORDER));
      const ql = symmetricEigen(withSpectrum(small, 5));
      for (let k = 0; k < small.length; k++) expect(Math.abs(ql.values[k] - small[k])).toBeLessThan(1e-12);
      // And a known spectrum through the D&C path.
      const spectrum = Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
      const dc = symmetricEigen(withSpectrum(spectrum, 6));
      const sorted = spectrum.slice().sort((x, y) => x - y);
      for (let k = 0; k < n; k++) expect(Math.abs(dc.values[k] - sorted[k])).toBeLessThan(1e-12);
    });

    it.each([
      ['repeated eigenvalues (three values, 50 each)', (i: number) => [1, 2, 5][Math.floor(i / 50)] ?? 7],
      ['a tight cluster 1 + 1e-12 i', (i: number) => (i < 100 ? 1 + 1e-12 * i : i)],
      ['half zeros (rank-deficient PSD)', (i: number) => (i < n / 2 ? 0 : i)],
    ])('keeps residual and orthogonality at round-off with %s', (_, value) => {
      const spectrum = Array.from({ length: n }, (_, i) => value(i));
      const a = withSpectrum(spectrum, 9);
      const { values, vectors } = symmetricEigen(a);
      expectAscending(values);
      const sorted = spectrum.slice().sort((x, y) => x - y);
      const top = Math.max(...spectrum.map(Math.abs));
      for (let k = 0; k < n; k++) expect(Math.abs(values[k] - sorted[k])).toBeLessThan(1e-12 * top);
      expect(eigenResidual(a, values, vectors)).toBeLessThan(1e-12);
      expect(orthogonalityError(vectors)).toBeLessThan(1e-12);
    });

    it('handles diagonal and already-tridiagonal input', () => {
      const diag = zeros(n, n);
      for (let i = 0; i < n; i++) diag.data[i * n + i] = (i * 7) % 11;
      const dd = symmetricEigen(diag);
      expectAscending(dd.values);
      expect(eigenResidual(diag, dd.values, dd.vectors)).toBeLessThan(1e-15);
      expect(orthogonalityError(dd.vectors)).toBeLessThan(1e-14);
      const t = zeros(n, n);
      for (let i = 0; i < n; i++) {
        t.data[i * n + i] = 2;
        if (i + 1 < n) t.data[i * n + i + 1] = t.data[(i + 1) * n + i] = 1;
      }
      const tri = symmetricEigen(t);
      for (let k = 1; k <= n; k++) expect(tri.values[k - 1]).toBeCloseTo(2 - 2 * Math.cos((k * Math.PI) / (n + 1)), 13);
      expect(eigenResidual(t, tri.values, tri.vectors)).toBeLessThan(1e-13);
      expect(orthogonalityError(tri.vectors)).toBeLessThan(1e-12);
    });
  });

  it('returns an empty decomposition for a 0 × 0 matrix', () => {
    const e = symmetricEigen(zeros(0, 0));
    expect(e.values.length).toBe(0);
    expect(e.vectors.rows).toBe(0);
  });

  it('rejects non-square, non-symmetric and non-finite input', () => {
    expect(() => symmetricEigen(zeros(3, 2))).toThrow(ShapeError);
    expect(() => symmetricEigen(fromRows([[1, 2], [3, 1]]))).toThrow(/must be symmetric.*\(0, 1\)/);
    expect(() => symmetricEigen(fromRows([[1, NaN], [NaN, 1]]))).toThrow(NonFiniteError);
  });
});

describe('symmetricEigen with subnormal entries', () => {
  it('treats subnormal off-diagonals as zero instead of sweeping forever', () => {
    // A dead-unit corner scaled into the subnormal range beside an ordinary block.
    const n = 80;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = Math.cos(i + 2 * j) + Math.cos(j + 2 * i);
        a[i * n + j] = i < 40 && j < 40 ? v + (i === j ? 10 : 0) : i >= 40 && j >= 40 ? v * 1e-310 : 0;
      }
    }
    const m = { rows: n, cols: n, data: a };
    const { values, vectors } = symmetricEigen(m);
    expect(values.every(Number.isFinite)).toBe(true);
    const big = [...values].filter((v) => Math.abs(v) > 1e-300).length;
    expect(big).toBe(40);
    const q = vectors.data;
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += q[k * n + i] * q[k * n + j];
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-10);
  });

  it('scales tiny and huge matrices by a power of two: eigenvalues of c·A are c times those of A', () => {
    const base = symmetricEigen(fromRows([[2, 1, 0], [1, 3, 1], [0, 1, 4]])).values;
    for (const c of [1e-200, 1e-310, 1e200]) {
      const scaled = symmetricEigen(fromRows([[2 * c, c, 0], [c, 3 * c, c], [0, c, 4 * c]])).values;
      scaled.forEach((v, i) => expect(Math.abs(v / c - base[i])).toBeLessThan(1e-12 * Math.abs(base[i])));
    }
  });
});
