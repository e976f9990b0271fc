/**
 * Sample-wise kernels of the rearranged Fisher block (internal): the quadratic forms
 * `c_i = z_iᵀ W z_i` and the weighted Gram matrices `Σ_i c_i z_i z_iᵀ`, both from the d × m
 * transposed samples (sample index contiguous), plus the m × m Gram matrix `z zᵀ`.
 */
import { NonFiniteError, ShapeError } from '../errors.js';
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
 * `c_i = z_iᵀ W z_i = z_iᵀ sym(W) z_i` for every sample, from the d × m transposed samples `zT`.
 * Uses the upper triangle of `W + Wᵀ` (half the work): for each p,
 * `t = Σ_{q ≥ p} w'_pq zT_q` (contiguous over samples), then `c += zT_p ∘ t`.
 */
export function quadraticForms(zT: Float64Array, m: number, d: number, w: Float64Array): Float64Array {
  const c = new Float64Array(m);
  const t = new Float64Array(m);
  const coefficient = (p: number, q: number): number => (q === p ? w[p * d + p] : w[p * d + q] + w[q * d + p]);
  for (let p = 0; p < d; p++) {
    t.fill(0);
    let q = p;
    for (; q + 1 < d; q += 2) {
      const c0 = coefficient(p, q);
      const c1 = coefficient(p, q + 1);
      const z0 = q * m;
      const z1 = z0 + m;
      for (let i = 0; i < m; i++) t[i] += c0 * zT[z0 + i] + c1 * zT[z1 + i];
    }
    if (q < d) {
      const c0 = coefficient(p, q);
      const z0 = q * m;
      for (let i = 0; i < m; i++) t[i] += c0 * zT[z0 + i];
    }
    const zp = p * m;
    for (let i = 0; i < m; i++) c[i] += zT[zp + i] * t[i];
  }
  return c;
}

/**
 * `scale · Σ_i c_i z_i z_iᵀ` (d × d) from the transposed samples: entry (p, q) is the contiguous
 * dot product `scale · Σ_i (c_i zT_p,i) zT_q,i`, computed for q ≥ p (four partial sums) and mirrored.
 */
export function weightedGram(zT: Float64Array, m: number, d: number, c: Float64Array, scale: number): Matrix {
  const out = new Float64Array(d * d);
  const wp = new Float64Array(m);
  const m4 = m - (m % 4);
  for (let p = 0; p < d; p++) {
    const zp = p * m;
    for (let i = 0; i < m; i++) wp[i] = c[i] * zT[zp + i];
    const row = p * d;
    for (let q = p; q < d; q++) {
      const zq = q * m;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i < m4; i += 4) {
        s0 += wp[i] * zT[zq + i];
        s1 += wp[i + 1] * zT[zq + i + 1];
        s2 += wp[i + 2] * zT[zq + i + 2];
        s3 += wp[i + 3] * zT[zq + i + 3];
      }
      for (; i < m; i++) s0 += wp[i] * zT[zq + i];
      out[row + q] = (s0 + s1 + (s2 + s3)) * scale;
    }
  }
  for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) out[q * d + p] = out[p * d + q];
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
