import { createRng, denseKroneckerSum, fromRows, symmetricEigen, zeros, type KroneckerTerm, type Matrix, type Rng } from '@fisherkit/core';
import { kfacStatistics } from '@fisherkit/fisher';
import { describe, expect, it } from 'vitest';
import { singularValueError, singularValueErrorDetails } from './singular-value-error.js';

function normals(rng: Rng, rows: number, cols: number): Matrix {
  const out = zeros(rows, cols);
  for (let e = 0; e < out.data.length; e++) out.data[e] = rng.normal();
  return out;
}

function symmetric(rng: Rng, d: number): Matrix {
  const out = zeros(d, d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) out.data[i * d + j] = out.data[j * d + i] = rng.normal();
  return out;
}

/** `(1/m) xᵀx` scaled, a PSD factor in the span of the samples (like KFAC's). */
function gram(x: Matrix, s = 1): Matrix {
  const { rows: m, cols: d } = x;
  const out = zeros(d, d);
  for (let i = 0; i < m; i++) for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) out.data[p * d + q] += (s * x.data[i * d + p] * x.data[i * d + q]) / m;
  return out;
}

/** Samples a (m × d_a, last column 1) and g (m × d_g); `rankG` < d_g makes the g_i share a subspace. */
function samples(rng: Rng, m: number, da: number, dg: number, rankG = dg): { a: Matrix; g: Matrix } {
  const a = normals(rng, m, da);
  for (let i = 0; i < m; i++) a.data[i * da + da - 1] = 1;
  const basis = normals(rng, rankG, dg);
  const coef = normals(rng, m, rankG);
  const g = zeros(m, dg);
  for (let i = 0; i < m; i++) for (let k = 0; k < rankG; k++) for (let j = 0; j < dg; j++) g.data[i * dg + j] += coef.data[i * rankG + k] * basis.data[k * dg + j];
  return { a, g };
}

/**
 * A KFAC term plus an indefinite correction of relative size `c`; with `inSpan` the correction's G
 * is `Σ c_i g_i g_iᵀ` with signed c_i (in the span of the g_i, like the rank-2 methods' factors).
 */
function twoTerms(rng: Rng, a: Matrix, g: Matrix, c: number, inSpan = false): KroneckerTerm[] {
  const kfac = kfacStatistics({ a, g });
  let g2 = scaled(symmetric(rng, g.cols), norm(kfac.G) / Math.sqrt(g.cols));
  if (inSpan) {
    const d = g.cols;
    g2 = zeros(d, d);
    for (let i = 0; i < g.rows; i++) {
      const w = rng.normal() / g.rows;
      for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) g2.data[p * d + q] += w * g.data[i * d + p] * g.data[i * d + q];
    }
  }
  return [kfac, { A: scaled(symmetric(rng, a.cols), c * norm(kfac.A)), G: g2 }];
}

function norm(x: Matrix): number {
  return Math.sqrt(x.data.reduce((s, v) => s + v * v, 0));
}

function scaled(x: Matrix, s: number): Matrix {
  return { rows: x.rows, cols: x.cols, data: x.data.map((v) => v * s) };
}

/** Wrong variants of the Krylov identity, to show the test data can tell them apart. */
function variants(a: Matrix, g: Matrix, terms: KroneckerTerm[], rank: number): { noTail: number; noAbs: number } {
  const n = a.cols * g.cols;
  const all = Array.from(symmetricEigen(denseKroneckerSum(terms)).values);
  const byModulus = [...all].sort((x, y) => Math.abs(y) - Math.abs(x));
  const signedDesc = [...all].sort((x, y) => y - x);
  const m = a.rows;
  const s = Array.from(symmetricEigen(kernel(a, g)).values, Math.abs).sort((x, y) => y - x);
  const r = Math.min(m, n);
  let norm2 = 0;
  let noTail = 0;
  let noAbs = 0;
  for (let i = 0; i < n; i++) {
    const x = i < r ? s[i] : 0;
    norm2 += x * x;
    if (i < rank) noTail += (x - Math.abs(byModulus[i])) ** 2;
    noAbs += (x - signedDesc[i]) ** 2;
  }
  return { noTail: Math.sqrt(noTail / norm2), noAbs: Math.sqrt(noAbs / norm2) };
}

function kernel(a: Matrix, g: Matrix): Matrix {
  const m = a.rows;
  const out = zeros(m, m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let sa = 0;
      let sg = 0;
      for (let p = 0; p < a.cols; p++) sa += a.data[i * a.cols + p] * a.data[j * a.cols + p];
      for (let q = 0; q < g.cols; q++) sg += g.data[i * g.cols + q] * g.data[j * g.cols + q];
      out.data[i * m + j] = (sa * sg) / m;
    }
  }
  return out;
}

describe('singularValueError', () => {
  const rng = createRng(4);
  const a = fromRows(Array.from({ length: 9 }, () => [rng.normal(), rng.normal(), rng.normal(), 1]));
  const g = fromRows(Array.from({ length: 9 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const terms = [kfacStatistics({ a, g })];

  it('is null above the size limit and the same value at any limit that admits the block', () => {
    const value = singularValueError(a, g, terms);
    expect(value).toBeGreaterThan(0);
    expect(singularValueError(a, g, terms, 11)).toBeNull();
    expect(singularValueError(a, g, terms, 12)).toBe(value);
    expect(singularValueError(a, g, terms, { maxSize: 100_000 })).toBe(value);
    expect(() => singularValueError(a, g, terms, -1)).toThrow(/maxSize/);
    expect(() => singularValueError(a, g, terms, { method: 'svd' as 'dense' })).toThrow(/method/);
  });

  it('one term: the products |λ_i(A) λ_j(G)| equal the dense eigenvalues of A ⊗ G (indefinite A too)', () => {
    const r = createRng(5);
    const s = samples(r, 20, 5, 7);
    const indefinite = [{ A: symmetric(r, 5), G: gram(s.g) }];
    for (const t of [[kfacStatistics(s)], indefinite]) {
      const products = singularValueErrorDetails(s.a, s.g, t)!;
      expect(products.method).toBe('products');
      const dense = singularValueErrorDetails(s.a, s.g, [...t, { A: zeros(5, 5), G: zeros(7, 7) }], { method: 'dense' })!;
      expect(Math.abs(products.error2 - dense.error2)).toBeLessThan(1e-12 * dense.error2);
    }
  });

  // (m, d_a, d_g, rank of g's subspace, correction size): m < n and m > n, full and rank-deficient F.
  const cases: [string, number, number, number, number, number][] = [
    ['m < n', 24, 6, 20, 20, 0.3],
    ['m < n, rank-deficient F (g_i in a 4-dim subspace)', 24, 6, 20, 4, 0.5],
    ['m > n', 90, 4, 9, 9, 0.3],
    ['m > n, rank-deficient F', 90, 5, 9, 3, 1],
    ['large indefinite correction', 30, 7, 16, 16, 3],
  ];
  for (const [name, m, da, dg, rankG, c] of cases) {
    it(`two terms, Krylov = dense to 1e-10 relative: ${name}`, () => {
      const r = createRng(m + da + dg + rankG);
      const s = samples(r, m, da, dg, rankG);
      const t = twoTerms(r, s.a, s.g, c);
      const dense = singularValueErrorDetails(s.a, s.g, t, { method: 'dense' })!;
      const krylov = singularValueErrorDetails(s.a, s.g, t, { method: 'krylov', blockSize: 4 })!;
      expect(krylov.method).toBe('krylov');
      expect(krylov.rank).toBe(Math.min(m, da * dg, da * rankG));
      expect(krylov.maxRelativeResidual).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(krylov.error2 - dense.error2)).toBeLessThan(1e-10 * dense.error2);
      // The test data tells the right identity from a missing tail term or a missing abs().
      const wrong = variants(s.a, s.g, t, krylov.rank);
      if (krylov.rank < da * dg) expect(Math.abs(wrong.noTail - dense.error2)).toBeGreaterThan(1e-3 * dense.error2);
      else expect(wrong.noTail).toBeCloseTo(dense.error2, 10); // r = n: no tail
      expect(Math.abs(wrong.noAbs - dense.error2)).toBeGreaterThan(1e-3 * dense.error2);
    });
  }

  it('factors in the span of the samples: Lanczos on span{a_i} ⊗ span{g_i} (smaller), same value as dense', () => {
    const r = createRng(12);
    const s = samples(r, 12, 5, 30);
    const t = twoTerms(r, s.a, s.g, 0.5, true);
    const dense = singularValueErrorDetails(s.a, s.g, t, { method: 'dense' })!;
    const krylov = singularValueErrorDetails(s.a, s.g, t, { method: 'krylov', blockSize: 4 })!;
    expect(krylov.krylovSize).toBe(5 * 12);
    expect(Math.abs(krylov.error2 - dense.error2)).toBeLessThan(1e-10 * dense.error2);
    // A G outside the span (random symmetric) keeps the full size.
    expect(singularValueErrorDetails(s.a, s.g, twoTerms(r, s.a, s.g, 0.5), { method: 'krylov' })!.krylovSize).toBe(150);
  });

  it('Krylov stops early on a larger block (basis ≪ n) and still matches dense', () => {
    const r = createRng(11);
    const s = samples(r, 16, 9, 60);
    const t = twoTerms(r, s.a, s.g, 0.5);
    const dense = singularValueErrorDetails(s.a, s.g, t, { method: 'dense' })!;
    const krylov = singularValueErrorDetails(s.a, s.g, t, { method: 'krylov' })!;
    expect(krylov.dimension).toBeLessThan(540);
    expect(Math.abs(krylov.error2 - dense.error2)).toBeLessThan(1e-10 * dense.error2);
    expect(singularValueErrorDetails(s.a, s.g, t)!.method).toBe('krylov'); // auto above 512
  });
});
