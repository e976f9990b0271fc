/**
 * The Fisher block's `R(F)` in isometric m-dimensional coordinates (internal; built lazily by
 * {@link rfOperator}). See {@link CompressedOperator} for the mathematics.
 */
import { ShapeError } from '../errors.js';
import { fromData, type Matrix } from '../matrix/matrix.js';
import { symmetricEigen } from '../linalg/index.js';
import type { CompressedOperator } from './kronecker-operator.js';
import { checkOperand, quadraticForms, sampleGram, weightedGram } from './sample-products.js';

/**
 * Eigenvalues of the squared Gram matrices at or below this fraction of the largest are treated as
 * zero (their square roots are below ~1e-7 of the largest singular value of U or V, the level at
 * which a Gram matrix formed in double precision stops resolving directions).
 */
export const GRAM_CUTOFF = 1e-14;

/**
 * A term factor is accepted into the compressed coordinates when `‖A − lift(encode(A))‖_F ≤ this · ‖A‖_F`.
 * It is the compressed operator's own resolution, `√GRAM_CUTOFF` = 1e-7: the coordinates drop the
 * directions whose singular values are below that fraction, so R(F) itself is represented to that
 * level. A stricter test (1e-9, before) turned away KFAC factors that lie in the span exactly but
 * round-trip at 4e-9–9e-9 on ill-conditioned sample Grams (MNIST layers 31 → 250 and 251 → 500),
 * and KFAC-corrected then ran 200 uncompressed power iterations on them: ≈ 6 s of a 14 s refresh.
 */
export const TERM_IN_SPAN_TOL = Math.sqrt(GRAM_CUTOFF);

/** `P^{1/2}` and `P^{+1/2}` (m × m, row-major) of a symmetric PSD matrix. */
interface SquareRoots {
  half: Float64Array;
  pinvHalf: Float64Array;
}

/**
 * Symmetric PSD square root and pseudo-inverse square root from one eigendecomposition
 * `P = Z Λ Zᵀ`: `P^{±1/2} = Z Λ₊^{±1/2} Zᵀ`, eigenvalues `≤ GRAM_CUTOFF · λ_max` set to zero.
 */
function squareRoots(p: Float64Array, m: number): SquareRoots {
  const { values, vectors } = symmetricEigen(fromData(m, m, p));
  const z = vectors.data;
  const cutoff = GRAM_CUTOFF * Math.max(0, values[m - 1]);
  const root = new Float64Array(m);
  const inverseRoot = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    if (values[k] > cutoff && values[k] > 0) {
      root[k] = Math.sqrt(values[k]);
      inverseRoot[k] = 1 / root[k];
    }
  }
  return { half: scaledProduct(z, root, m), pinvHalf: scaledProduct(z, inverseRoot, m) };
}

/** `Z diag(s) Zᵀ` (m × m, exactly symmetric), skipping zero scales. */
function scaledProduct(z: Float64Array, s: Float64Array, m: number): Float64Array {
  const keep: number[] = [];
  for (let k = 0; k < m; k++) if (s[k] !== 0) keep.push(k);
  const out = new Float64Array(m * m);
  const zi = new Float64Array(keep.length);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < keep.length; t++) zi[t] = z[i * m + keep[t]] * s[keep[t]];
    for (let j = i; j < m; j++) {
      let acc = 0;
      for (let t = 0; t < keep.length; t++) acc += zi[t] * z[j * m + keep[t]];
      out[i * m + j] = acc;
      out[j * m + i] = acc;
    }
  }
  return out;
}

/** `A B` for m × m row-major matrices, scaled. */
function matMul(a: Float64Array, b: Float64Array, m: number, scale: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    for (let k = 0; k < m; k++) {
      const v = a[row + k] * scale;
      if (v === 0) continue;
      const bk = k * m;
      for (let j = 0; j < m; j++) out[row + j] += v * b[bk + j];
    }
  }
  return out;
}

/** `S x` for a symmetric or general m × m row-major S. */
function matVec(s: Float64Array, x: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const row = i * m;
    let acc = 0;
    for (let j = 0; j < m; j++) acc += s[row + j] * x[j];
    out[i] = acc;
  }
  return out;
}

/** `Sᵀ x` for an m × m row-major S. */
function matTVec(s: Float64Array, x: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const row = i * m;
    for (let j = 0; j < m; j++) out[j] += s[row + j] * xi;
  }
  return out;
}

function checkCoordinates(v: Float64Array, m: number, what: string): void {
  if (!(v instanceof Float64Array) || v.length !== m) {
    throw new ShapeError(`${what} must be a Float64Array of length ${m}, got ${v == null ? String(v) : `length ${v.length}`}`);
  }
}

/** One side (left: samples a, Gram P; right: samples g, Gram Q) of the compressed operator. */
class Side {
  readonly roots: SquareRoots;

  constructor(
    private readonly zT: Float64Array,
    private readonly m: number,
    private readonly d: number,
    private readonly what: string,
  ) {
    const gram = sampleGram(zT, m, d);
    for (let e = 0; e < gram.length; e++) gram[e] *= gram[e];
    this.roots = squareRoots(gram, m);
  }

  /** `P^{+1/2} Uᵀ vec(X)` with `(Uᵀ vec X)_i = z_iᵀ X z_i`. */
  encode(x: Matrix): Float64Array {
    checkOperand(x, this.d, `${this.what} operand`);
    return matVec(this.roots.pinvHalf, quadraticForms(this.zT, this.m, this.d, x.data), this.m);
  }

  /** `zᵀ diag(P^{+1/2} x) z`. */
  lift(x: Float64Array): Matrix {
    checkCoordinates(x, this.m, `${this.what} coordinates`);
    return weightedGram(this.zT, this.m, this.d, matVec(this.roots.pinvHalf, x, this.m), 1);
  }

  /** Coordinates of X if X lies in the span (relative reconstruction error ≤ TERM_IN_SPAN_TOL). */
  encodeTerm(x: Matrix): Float64Array | null {
    const coordinates = this.encode(x);
    const back = this.lift(coordinates).data;
    const xd = x.data;
    let diff = 0;
    let norm = 0;
    for (let e = 0; e < xd.length; e++) {
      diff += (xd[e] - back[e]) ** 2;
      norm += xd[e] * xd[e];
    }
    return Math.sqrt(diff) <= TERM_IN_SPAN_TOL * Math.sqrt(norm) ? coordinates : null;
  }
}

/**
 * Builds the compressed operator of `R(F)` from the d × m transposed samples: two m × m Gram
 * matrices (`m²(d_a + d_g)/2`), two m × m eigendecompositions and `M = P^{1/2} Q^{1/2} / m` (`m³`).
 */
export function compressRf(aT: Float64Array, gT: Float64Array, m: number, da: number, dg: number): CompressedOperator {
  const left = new Side(aT, m, da, 'rfOperator.compressed left (d_a × d_a)');
  const right = new Side(gT, m, dg, 'rfOperator.compressed right (d_g × d_g)');
  const mat = matMul(left.roots.half, right.roots.half, m, 1 / m);
  return {
    leftDim: m,
    rightDim: m,
    times(y: Float64Array): Float64Array {
      checkCoordinates(y, m, 'rfOperator.compressed.times operand');
      return matVec(mat, y, m);
    },
    transposeTimes(x: Float64Array): Float64Array {
      checkCoordinates(x, m, 'rfOperator.compressed.transposeTimes operand');
      return matTVec(mat, x, m);
    },
    encodeLeft: (x) => left.encode(x),
    encodeRight: (y) => right.encode(y),
    encodeLeftTerm: (a) => left.encodeTerm(a),
    encodeRightTerm: (g) => right.encodeTerm(g),
    liftLeft: (x) => left.lift(x),
    liftRight: (y) => right.lift(y),
  };
}
