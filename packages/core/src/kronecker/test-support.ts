/**
 * Helpers shared by the kronecker tests (not re-exported from the package): seeded random data,
 * dense operators with prescribed singular values, and comparison norms.
 */
import { fromData, zeros, type Matrix } from '../matrix/matrix.js';
import { createRng, type Rng } from '../random/rng.js';
import type { KroneckerOperator } from './kronecker-operator.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { unvec, vec } from './vec.js';

/** A rows × cols matrix of seeded standard normals. */
export function randomMatrix(rng: Rng, rows: number, cols: number): Matrix {
  const m = zeros(rows, cols);
  for (let e = 0; e < m.data.length; e++) m.data[e] = rng.normal();
  return m;
}

/** A random symmetric d × d matrix. */
export function randomSymmetric(rng: Rng, d: number): Matrix {
  const m = zeros(d, d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const x = rng.normal();
      m.data[i * d + j] = x;
      m.data[j * d + i] = x;
    }
  }
  return m;
}

/** Fisher samples: `a` (m × d_a, last column 1 = homogeneous, when d_a > 1) and `g` (m × d_g). */
export function randomSamples(rng: Rng, m: number, da: number, dg: number): { a: Matrix; g: Matrix } {
  const a = randomMatrix(rng, m, da);
  if (da > 1) for (let i = 0; i < m; i++) a.data[i * da + da - 1] = 1;
  const g = randomMatrix(rng, m, dg);
  return { a, g };
}

/** Dense matrix–vector product. */
export function matVec(r: Matrix, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(r.rows);
  for (let i = 0; i < r.rows; i++) {
    let s = 0;
    for (let j = 0; j < r.cols; j++) s += r.data[i * r.cols + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Dense transposed matrix–vector product `rᵀ x`. */
export function matTVec(r: Matrix, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(r.cols);
  for (let i = 0; i < r.rows; i++) for (let j = 0; j < r.cols; j++) out[j] += r.data[i * r.cols + j] * x[i];
  return out;
}

/** The operator of a dense d_a² × d_g² matrix R (column-major vec indexing, like `rearrange`). */
export function denseOperator(r: Matrix, da: number, dg: number): KroneckerOperator {
  return {
    da,
    dg,
    times: (y) => unvec(matVec(r, vec(y)), da, da),
    transposeTimes: (x) => unvec(matTVec(r, vec(x)), dg, dg),
  };
}

/** `x yᵀ` for column vectors x, y. */
export function outer(x: ArrayLike<number>, y: ArrayLike<number>): Matrix {
  const m = zeros(x.length, y.length);
  for (let i = 0; i < x.length; i++) for (let j = 0; j < y.length; j++) m.data[i * y.length + j] = x[i] * y[j];
  return m;
}

/** Dense `R(F̃) = Σ_k vec(A_k) vec(G_k)ᵀ`. */
export function rearrangedSum(terms: KroneckerTerm[]): Matrix {
  const da = terms[0].A.rows;
  const dg = terms[0].G.rows;
  const out = zeros(da * da, dg * dg);
  for (const t of terms) {
    const o = outer(vec(t.A), vec(t.G));
    for (let e = 0; e < o.data.length; e++) out.data[e] += o.data[e];
  }
  return out;
}

/** Frobenius norm of `x − y` (same shapes). */
export function diffNorm(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`length ${x.length} vs ${y.length}`);
  let s = 0;
  for (let e = 0; e < x.length; e++) s += (x[e] - y[e]) ** 2;
  return Math.sqrt(s);
}

/** Euclidean norm. */
export function normOf(x: ArrayLike<number>): number {
  let s = 0;
  for (let e = 0; e < x.length; e++) s += x[e] * x[e];
  return Math.sqrt(s);
}

/** `count` random symmetric d × d matrices, orthonormal in the Frobenius inner product. */
export function orthonormalSymmetric(rng: Rng, d: number, count: number): Float64Array[] {
  const basis: Float64Array[] = [];
  while (basis.length < count) {
    const x = randomSymmetric(rng, d).data;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let s = 0;
        for (let e = 0; e < x.length; e++) s += b[e] * x[e];
        for (let e = 0; e < x.length; e++) x[e] -= s * b[e];
      }
    }
    const n = normOf(x);
    if (n < 1e-8) throw new Error('orthonormalSymmetric: ran out of dimensions');
    basis.push(x.map((v) => v / n));
  }
  return basis;
}

/**
 * A dense `R = Σ_j σ_j vec(X_j) vec(Y_j)ᵀ` with orthonormal symmetric X_j (d_a × d_a) and Y_j
 * (d_g × d_g): a Fisher-like rearranged matrix with prescribed singular values.
 */
export function prescribedOperator(
  seed: number,
  da: number,
  dg: number,
  sigmas: number[],
): { r: Matrix; op: KroneckerOperator } {
  const rng = createRng(seed);
  const xs = orthonormalSymmetric(rng, da, sigmas.length);
  const ys = orthonormalSymmetric(rng, dg, sigmas.length);
  const r = zeros(da * da, dg * dg);
  sigmas.forEach((s, j) => {
    const o = outer(vec(fromData(da, da, xs[j])), vec(fromData(dg, dg, ys[j])));
    for (let e = 0; e < o.data.length; e++) r.data[e] += s * o.data[e];
  });
  return { r, op: denseOperator(r, da, dg) };
}
