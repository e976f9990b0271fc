/**
 * Sample-wise kernels of the rearranged Fisher block (internal): the quadratic forms
 * `c_i = z_iᵀ W z_i` and the weighted Gram matrices `Σ_i c_i z_i z_iᵀ`, both from the d × m
 * transposed samples (sample index contiguous), plus the m × m Gram matrix `z zᵀ`.
 */
import { NonFiniteError, ShapeError } from '../errors.js';
import { gemmNT, gemmNTLower } from '../linalg/gemm-kernel.js';
import { fromData, type Matrix } from '../matrix/matrix.js';

/** Throws unless `v` is a finite d × d matrix. */
export function checkOperand(v: Matrix, d: number, what: string): void {
  if (v == null || v.rows !== d || v.cols !== d) {
    throw new ShapeError(`${what} must be ${d} × ${d}, got ${v == null ? String(v) : `${v.rows} × ${v.cols}`}`);
  }
  const vd = v.data;
  for (let k = 0; k < vd.length; k++) {
    if (!Number.isFinite(vd[k])) throw new NonFiniteError(`${what} has a non-finite entry ${vd[k]} at index ${k}`);
  }
}

/** The d × m transpose (sample index contiguous) of an m × d row-major array. */
export function transposeData(z: Float64Array, m: number, d: number): Float64Array {
  const t = new Float64Array(d * m);
  for (let i = 0; i < m; i++) for (let p = 0; p < d; p++) t[p * m + i] = z[i * d + p];
  return t;
}

/**
 * `c_i = z_iᵀ W z_i` for every sample, from the d × m transposed samples `zT`:
 * `T = W Z` (d × m, one matrix product on the shared GEMM kernel), then `c_i = Σ_p Z_pi T_pi`.
 * Cost `d² m` multiply-adds.
 */
export function quadraticForms(zT: Float64Array, m: number, d: number, w: Float64Array): Float64Array {
  const rows = transposeData(zT, d, m); // the m × d rows z_i: B[i][q] = z_iq for C −= A Bᵀ
  const t = new Float64Array(d * m);
  gemmNT(d, m, d, w, 0, d, rows, 0, d, t, 0, m); // t = −W Z
  const c = new Float64Array(m);
  for (let p = 0; p < d; p++) {
    const zp = p * m;
    for (let i = 0; i < m; i++) c[i] -= zT[zp + i] * t[zp + i];
  }
  return c;
}

/**
 * `scale · Σ_i c_i z_i z_iᵀ` (d × d) from the transposed samples: the symmetric rank-m update
 * `(−scale · Z diag(c)) Zᵀ` subtracted from zero on the shared GEMM kernel, lower triangle only,
 * then mirrored. Cost `d² m / 2` multiply-adds.
 */
export function weightedGram(zT: Float64Array, m: number, d: number, c: Float64Array, scale: number): Matrix {
  const weighted = new Float64Array(d * m);
  for (let p = 0; p < d; p++) {
    const zp = p * m;
    for (let i = 0; i < m; i++) weighted[zp + i] = -scale * c[i] * zT[zp + i];
  }
  const out = new Float64Array(d * d);
  gemmNTLower(d, d, m, weighted, 0, m, zT, 0, m, out, 0, d, 0);
  for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) out[p * d + q] = out[q * d + p];
  return fromData(d, d, out);
}

/**
 * The m × m Gram matrix `z zᵀ` (entry (i, j) = `z_iᵀ z_j`) from the d × m transposed samples, as
 * rank-one updates over the d features (contiguous rows); exactly symmetric. Cost `d m²/2`.
 */
export function sampleGram(zT: Float64Array, m: number, d: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let p = 0; p < d; p++) {
    const zp = p * m;
    for (let i = 0; i < m; i++) {
      const v = zT[zp + i];
      if (v === 0) continue;
      const row = i * m;
      for (let j = i; j < m; j++) out[row + j] += v * zT[zp + j];
    }
  }
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) out[j * m + i] = out[i * m + j];
  return out;
}
