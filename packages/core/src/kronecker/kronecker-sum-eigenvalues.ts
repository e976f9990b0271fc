import { ConvergenceError, ShapeError } from '../errors.js';
import { fromData, type Matrix } from '../matrix/matrix.js';
import { assertSymmetric } from '../matrix/validate.js';
import { gemmNT } from '../linalg/gemm-kernel.js';
import { symmetricEigen } from '../linalg/symmetric-eigen.js';
import { createRng, type Rng } from '../random/rng.js';
import { integerOption, positiveOption } from './iteration-options.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { kroneckerSumNormSquared } from './kronecker-sum-norm-squared.js';
import { assertKroneckerTerm, kroneckerTermSizes } from './validate-kronecker.js';

/** Options of {@link kroneckerSumEigenvalues}. */
export interface KroneckerSumEigenvaluesOptions {
  /**
   * Relative accuracy: every returned Ritz pair (and the next candidate at each end of the
   * spectrum) has residual `‖F̃u − θu‖ ≤ tolerance · |θ_max|`, so each value is within that
   * distance of an eigenvalue. Default 1e-10.
   */
  tolerance?: number;
  /** Vectors per Krylov block (block Lanczos; resolves eigenvalue multiplicities up to this). Default 8. */
  blockSize?: number;
  /** Largest Krylov basis before a ConvergenceError. Default n = d_a·d_g (the whole space: exact). */
  maxDimension?: number;
  /** Seed of the random start block. Default 1. */
  seed?: number;
}

/** Result of {@link kroneckerSumEigenvalues}. */
export interface KroneckerSumEigenvalues {
  /** The `count` eigenvalues of largest modulus, signed, ordered by decreasing |λ|. */
  values: Float64Array;
  /** `‖F̃u_i − θ_i u_i‖₂` of each returned value (Lanczos residual; 0 once the basis spans ℝⁿ). */
  residuals: Float64Array;
  /** Largest residual over the returned values and the next candidate at each end, divided by |θ_max|. */
  maxRelativeResidual: number;
  /** Size of the final Krylov basis. */
  dimension: number;
  /** Number of single-vector products with F̃. */
  products: number;
  /** `‖F̃‖_F² = Σ_{k,l} tr(A_k A_l) tr(G_k G_l)`, for tail sums `Σ_{i>count} λ_i² = ‖F̃‖_F² − Σ_{i≤count} λ_i²`. */
  frobeniusSquared: number;
}

/**
 * The `count` eigenvalues of largest modulus of a symmetric sum of Kronecker products
 * `F̃ = Σ_k A_k ⊗ G_k` (n = d_a·d_g), without forming F̃: block Lanczos with full
 * reorthogonalisation on the matrix-free product `(A ⊗ G) vec(V) = vec(G V Aᵀ)` (computed in the
 * weight layout `X = Vᵀ`, d_a × d_g, as `A X Gᵀ`, two matrix products per term and block).
 *
 * F̃ may be indefinite: both ends of the spectrum are tracked, and the stop test asks every
 * selected Ritz value (the `count` largest |θ|) and the next candidate at each end to have
 * `‖F̃u − θu‖ ≤ tolerance · |θ_max|`. The Rayleigh–Ritz matrix `H = QᵀF̃Q` is accumulated from
 * the Gram–Schmidt coefficients (a block Lanczos step against the last two blocks, then one full
 * reorthogonalisation pass against the whole basis), Ritz values are the eigenvalues
 * of `(H + Hᵀ)/2`, and the residual of a Ritz vector `Qy` is `‖B_{k+1} y_last‖` (B_{k+1}: the R
 * factor of the next block). An invariant subspace (breakdown) continues from random vectors
 * orthogonal to the basis, so rank-deficient or exactly degenerate F̃ is handled; once the basis
 * spans ℝⁿ the values are exact to round-off. Each factor must be symmetric (to a relative 1e-8).
 *
 * Cost per block of b vectors: `Σ_k (2 b d_a d_g² + 2 b d_a² d_g)` for the products plus
 * `4 n b K` for the reorthogonalisation against the K basis vectors (stored twice: `16 n K` bytes).
 *
 * @throws ShapeError on mismatched, non-square or non-symmetric factors, or `count` outside [1, n].
 * @throws ConvergenceError when `maxDimension` is reached first.
 *
 * @example
 * ```ts
 * const { values, frobeniusSquared } = kroneckerSumEigenvalues([{ A: a1, G: g1 }, { A: a2, G: g2 }], 128);
 * // values[0] = the eigenvalue of A₁⊗G₁ + A₂⊗G₂ with the largest |λ|
 * ```
 */
export function kroneckerSumEigenvalues(terms: readonly KroneckerTerm[], count: number, options: KroneckerSumEigenvaluesOptions = {}): KroneckerSumEigenvalues {
  if (!Array.isArray(terms) || terms.length === 0) throw new ShapeError('kroneckerSumEigenvalues needs at least one Kronecker term { A, G }');
  const { da, dg } = kroneckerTermSizes(terms[0], 'kroneckerSumEigenvalues terms[0]');
  terms.forEach((t, k) => {
    assertKroneckerTerm(t, da, dg, `kroneckerSumEigenvalues terms[${k}]`);
    assertSymmetric(t.A, `kroneckerSumEigenvalues terms[${k}].A`);
    assertSymmetric(t.G, `kroneckerSumEigenvalues terms[${k}].G`);
  });
  const n = da * dg;
  if (!Number.isInteger(count) || count < 1 || count > n) {
    throw new ShapeError(`kroneckerSumEigenvalues: count must be an integer in [1, ${n}] (n = d_a·d_g), got ${String(count)}`);
  }
  const tolerance = positiveOption(options.tolerance, 1e-10, 'kroneckerSumEigenvalues tolerance');
  const p = Math.min(n, integerOption(options.blockSize, 8, 1, 'kroneckerSumEigenvalues blockSize'));
  const maxDimension = Math.min(n, integerOption(options.maxDimension, n, 1, 'kroneckerSumEigenvalues maxDimension'));
  const rng = createRng(integerOption(options.seed, 1, 0, 'kroneckerSumEigenvalues seed'));
  const frobeniusSquared = kroneckerSumNormSquared([...terms]);
  // Symmetrised factor copies, so F̃ is exactly symmetric in the products.
  const factors = terms.map((t) => ({ A: symmetricCopy(t.A), G: symmetricCopy(t.G) }));
  const scale = Math.sqrt(frobeniusSquared);

  const basis = new GrowingBasis(n, Math.min(maxDimension, Math.max(2 * count + 4 * p, 64)));
  const h = new GrowingSquare(basis.capacity);
  let products = 0;
  if (scale === 0) {
    // F̃ = 0: every eigenvalue is 0.
    return { values: new Float64Array(count), residuals: new Float64Array(count), maxRelativeResidual: 0, dimension: 0, products, frobeniusSquared };
  }

  // Start block: random, orthonormalised.
  let blockStart = 0;
  let previousStart = 0;
  let blockLen = Math.min(p, maxDimension);
  {
    const start = new Float64Array(blockLen * n);
    const coeff = new Float64Array(blockLen * blockLen);
    orthonormaliseBlock(basis, start, blockLen, coeff, rng, 0);
    basis.append(start, blockLen);
  }
  const st = new Float64Array(dg * p * da);
  let nextCheck = Math.min(maxDimension, Math.max(count + 2 * p, Math.ceil(1.5 * count)));
  for (;;) {
    const k = basis.size; // = blockStart + blockLen
    const w = new Float64Array(blockLen * n);
    applyBlock(factors, da, dg, basis.data, blockStart * n, blockLen, w, st);
    products += blockLen;
    // Block Lanczos step against the previous and current blocks, then one full
    // reorthogonalisation pass against the whole basis (what the local step leaves there is
    // round-off, so one pass brings it to round-off squared). The coefficients are H[·, block].
    h.ensure(k + p);
    project(basis, previousStart, k, w, blockLen, h, blockStart);
    project(basis, 0, k, w, blockLen, h, blockStart);
    const room = Math.min(p, maxDimension - k);
    const b = new Float64Array(room * blockLen); // W = Bᵀ X_next in rows: w_j = Σ_i B[i][j] x_i
    const next = new Float64Array(room * n);
    if (room > 0) orthonormaliseBlock(basis, next, room, b, rng, 1e-12 * scale, w, blockLen);
    const full = k === maxDimension;
    if (full || k >= nextCheck) {
      const check = ritzCheck(h, k, blockStart, blockLen, w, n, count, tolerance);
      if (check !== null) {
        return { ...check, dimension: k, products, frobeniusSquared };
      }
      if (full) {
        throw new ConvergenceError(
          `kroneckerSumEigenvalues: ${count} eigenvalues not converged to ${tolerance} within a Krylov basis of ${k} (maxDimension); raise maxDimension (at most n = ${n})`,
        );
      }
      nextCheck = Math.min(maxDimension, Math.ceil(1.25 * k) + p);
    }
    for (let i = 0; i < room; i++) for (let j = 0; j < blockLen; j++) h.set(k + i, blockStart + j, b[i * blockLen + j]);
    basis.append(next, room);
    previousStart = blockStart;
    blockStart = k;
    blockLen = room;
  }
}

function symmetricCopy(m: Matrix): Matrix {
  const d = m.rows;
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] = 0.5 * (m.data[i * d + j] + m.data[j * d + i]);
  return fromData(d, d, out);
}

/**
 * `y = Σ_k A_k X_v G_kᵀ` for the `len` vectors X_v (d_a × d_g, row-major) stored from `x[xo]`:
 * `st = −G_k [X_0; …]ᵀ` in one product, then `y_v −= A_k st_vᵀ`.
 */
function applyBlock(
  factors: { A: Matrix; G: Matrix }[],
  da: number,
  dg: number,
  x: Float64Array,
  xo: number,
  len: number,
  y: Float64Array,
  st: Float64Array,
): void {
  const n = da * dg;
  const cols = len * da;
  for (const { A, G } of factors) {
    st.fill(0, 0, dg * cols);
    gemmNT(dg, cols, dg, G.data, 0, dg, x, xo, dg, st, 0, cols);
    for (let v = 0; v < len; v++) gemmNT(da, dg, da, A.data, 0, da, st, v * da, cols, y, v * n, dg);
  }
}

/**
 * Removes from the `len` rows of w their components along basis rows `l0 … l1 − 1` and adds the
 * coefficients `q_lᵀ w_j` to `H[l][hCol + j]`: `C = −Q Wᵀ`, then `W −= (−C)ᵀ Q` with Q read
 * transposed, both on the shared matrix-product kernel.
 */
function project(basis: GrowingBasis, l0: number, l1: number, w: Float64Array, len: number, h: GrowingSquare, hCol: number): void {
  const kk = l1 - l0;
  if (kk <= 0) return;
  const n = basis.n;
  const c = new Float64Array(kk * len);
  gemmNT(kk, len, n, basis.data, l0 * n, n, w, 0, n, c, 0, len);
  const ct = new Float64Array(len * kk);
  for (let l = 0; l < kk; l++) {
    for (let j = 0; j < len; j++) {
      h.add(l0 + l, hCol + j, -c[l * len + j]);
      ct[j * kk + l] = -c[l * len + j];
    }
  }
  gemmNT(len, n, kk, ct, 0, kk, basis.transposed, l0, basis.capacity, w, 0, n);
}

/**
 * Fills `out` with `rows` orthonormal vectors, orthogonal to the basis: the Gram–Schmidt
 * orthonormalisation of the `wLen` rows of `w` (already orthogonal to the basis; two passes each,
 * `coeff[i][j]` = coefficient of out_i in w_j; once `rows` are made, later w_j only get their
 * coefficients), then random vectors orthogonalised against the basis where w is rank-deficient
 * (a remainder of norm ≤ drop is dropped) or absent.
 */
function orthonormaliseBlock(
  basis: GrowingBasis,
  out: Float64Array,
  rows: number,
  coeff: Float64Array,
  rng: Rng,
  drop: number,
  w?: Float64Array,
  wLen = 0,
): void {
  const n = basis.n;
  let made = 0;
  const candidate = new Float64Array(n);
  const norm2 = (): number => {
    let s = 0;
    for (let t = 0; t < n; t++) s += candidate[t] * candidate[t];
    return Math.sqrt(s);
  };
  // Orthogonalises `candidate` against the rows made so far (twice) and keeps it when its norm is
  // above `threshold` and not mere cancellation (1e-8 of where it started).
  const take = (j: number | null, threshold: number): void => {
    const initial = norm2();
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < made; i++) {
        const o = i * n;
        let s = 0;
        for (let t = 0; t < n; t++) s += out[o + t] * candidate[t];
        for (let t = 0; t < n; t++) candidate[t] -= s * out[o + t];
        if (j !== null) coeff[i * wLen + j] += s;
      }
    }
    const norm = norm2();
    if (made >= rows || !(norm > threshold) || norm <= 1e-8 * initial) return;
    const o = made * n;
    for (let t = 0; t < n; t++) out[o + t] = candidate[t] / norm;
    if (j !== null) coeff[made * wLen + j] = norm;
    made++;
  };
  if (w !== undefined) {
    for (let j = 0; j < wLen; j++) {
      candidate.set(w.subarray(j * n, (j + 1) * n));
      take(j, drop);
    }
  }
  let attempts = 0;
  while (made < rows) {
    if (++attempts > 10 * rows + 10) throw new ConvergenceError('kroneckerSumEigenvalues: could not extend the Krylov basis with random vectors');
    for (let t = 0; t < n; t++) candidate[t] = rng.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < basis.size; l++) {
        const o = l * n;
        let s = 0;
        for (let t = 0; t < n; t++) s += basis.data[o + t] * candidate[t];
        for (let t = 0; t < n; t++) candidate[t] -= s * basis.data[o + t];
      }
    }
    take(null, 0);
  }
}

/**
 * Ritz values of `(H + Hᵀ)/2` (order k); returns the `count` of largest |θ| with their residuals
 * when they and the next candidate at each end are converged, else null.
 */
function ritzCheck(
  h: GrowingSquare,
  k: number,
  blockStart: number,
  blockLen: number,
  w: Float64Array,
  n: number,
  count: number,
  tolerance: number,
): { values: Float64Array; residuals: Float64Array; maxRelativeResidual: number } | null {
  const take = Math.min(count, k);
  if (take < count) return null;
  const hs = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) hs[i * k + j] = 0.5 * (h.get(i, j) + h.get(j, i));
  const { values, vectors } = symmetricEigen(fromData(k, k, hs));
  // F̃Qy − θQy = W y_last (W: the last block's products after projection), so the residual is
  // sqrt(y_lastᵀ (W Wᵀ) y_last).
  const gram = new Float64Array(blockLen * blockLen);
  gemmNT(blockLen, blockLen, n, w, 0, n, w, 0, n, gram, 0, blockLen); // −W Wᵀ
  const residual = (idx: number): number => {
    let total = 0;
    for (let i = 0; i < blockLen; i++) {
      const yi = vectors.data[(blockStart + i) * k + idx];
      for (let j = 0; j < blockLen; j++) total -= yi * gram[i * blockLen + j] * vectors.data[(blockStart + j) * k + idx];
    }
    return Math.sqrt(Math.max(0, total));
  };
  // Merge from both ends by modulus: top indices k−1, k−2, …; bottom 0, 1, ….
  let top = k - 1;
  let bottom = 0;
  const chosen: number[] = [];
  while (chosen.length < take) {
    if (Math.abs(values[top]) >= Math.abs(values[bottom])) chosen.push(top--);
    else chosen.push(bottom++);
  }
  const thetaMax = Math.max(Math.abs(values[0]), Math.abs(values[k - 1]));
  const limit = tolerance * thetaMax;
  const residuals = Float64Array.from(chosen, residual);
  let worst = 0;
  for (const r of residuals) worst = Math.max(worst, r);
  // The next candidate at each end (Ritz values interlace: an unconverged one may hide a larger
  // |λ|). None is left only when the basis spans ℝⁿ, where the Ritz values are the eigenvalues.
  if (top >= bottom) worst = Math.max(worst, residual(top), residual(bottom));
  else if (k < n) return null;
  if (worst > limit) return null;
  return {
    values: Float64Array.from(chosen, (idx) => values[idx]),
    residuals,
    maxRelativeResidual: thetaMax === 0 ? 0 : worst / thetaMax,
  };
}

/** Basis vectors as the rows of `data` (K × n) and the columns of `transposed` (n × capacity), with amortised growth. */
class GrowingBasis {
  data: Float64Array;
  transposed: Float64Array;
  size = 0;
  capacity: number;
  constructor(
    readonly n: number,
    capacity: number,
  ) {
    this.capacity = capacity;
    this.data = new Float64Array(capacity * n);
    this.transposed = new Float64Array(n * capacity);
  }
  append(rows: Float64Array, count: number): void {
    const n = this.n;
    if (this.size + count > this.capacity) {
      const capacity = Math.max(this.size + count, Math.ceil(1.5 * this.capacity));
      const grown = new Float64Array(capacity * n);
      grown.set(this.data.subarray(0, this.size * n));
      const grownT = new Float64Array(n * capacity);
      for (let t = 0; t < n; t++) grownT.set(this.transposed.subarray(t * this.capacity, t * this.capacity + this.size), t * capacity);
      this.data = grown;
      this.transposed = grownT;
      this.capacity = capacity;
    }
    this.data.set(rows.subarray(0, count * n), this.size * n);
    const cap = this.capacity;
    for (let i = 0; i < count; i++) {
      const col = this.size + i;
      for (let t = 0; t < n; t++) this.transposed[t * cap + col] = rows[i * n + t];
    }
    this.size += count;
  }
}

/** A square Float64 table that grows on demand (entries outside the written ones read 0). */
class GrowingSquare {
  private data: Float64Array;
  constructor(private side: number) {
    this.data = new Float64Array(side * side);
  }
  ensure(side: number): void {
    if (side <= this.side) return;
    const grown = Math.max(side, Math.ceil(1.5 * this.side));
    const data = new Float64Array(grown * grown);
    for (let i = 0; i < this.side; i++) data.set(this.data.subarray(i * this.side, (i + 1) * this.side), i * grown);
    this.data = data;
    this.side = grown;
  }
  get(i: number, j: number): number {
    return this.data[i * this.side + j];
  }
  set(i: number, j: number, v: number): void {
    this.ensure(Math.max(i, j) + 1);
    this.data[i * this.side + j] = v;
  }
  add(i: number, j: number, v: number): void {
    this.data[i * this.side + j] += v;
  }
}
