import { NonFiniteError, ShapeError } from '../errors.js';
import { fromData, type Matrix } from '../matrix/matrix.js';
import type { KroneckerOperator } from './kronecker-operator.js';
import { assertFisherSamples } from './validate-kronecker.js';

/**
 * The matrix-free rearranged Fisher block `R(F) = (1/m) Σ_i vec(a_i a_iᵀ) vec(g_i g_iᵀ)ᵀ`
 * (MATH.md §3), whose products cost about as much as forming the KFAC factors once:
 *
 *     times(Y)          = (1/m) Σ_i (g_iᵀ Y g_i) a_i a_iᵀ = aᵀ diag(c) a / m,   c_i = g_iᵀ Y g_i
 *     transposeTimes(X) = (1/m) Σ_i (a_iᵀ X a_i) g_i g_iᵀ = gᵀ diag(c') g / m,  c'_i = a_iᵀ X a_i
 *
 * Cost per product about `m (d_a² + d_g²)/2` multiply-adds: only the upper triangles of the
 * symmetric part of the operand and of the (symmetric) result are touched. The samples are copied
 * once, transposed so that every inner loop runs contiguously over the m samples.
 *
 * @param a m × d_a homogeneous layer inputs, one sample per row.
 * @param g m × d_g pre-activation gradients, one sample per row.
 * @throws ShapeError when a and g have different row counts, or an operand has the wrong shape.
 * @throws NonFiniteError when a, g or an operand holds NaN/±Infinity.
 *
 * @example
 * ```ts
 * const op = rfOperator(a, g);
 * const pair = leadingKroneckerPair(op); // KPSVD: F ≈ pair.term.A ⊗ pair.term.G
 * ```
 */
export function rfOperator(a: Matrix, g: Matrix): KroneckerOperator {
  const { m, da, dg } = assertFisherSamples(a, g, 'rfOperator');
  const aT = transposeData(a.data, m, da);
  const gT = transposeData(g.data, m, dg);
  return {
    da,
    dg,
    times(y: Matrix): Matrix {
      checkOperand(y, dg, 'rfOperator.times operand Y (d_g × d_g)');
      return weightedGram(aT, m, da, quadraticForms(gT, m, dg, y.data));
    },
    transposeTimes(x: Matrix): Matrix {
      checkOperand(x, da, 'rfOperator.transposeTimes operand X (d_a × d_a)');
      return weightedGram(gT, m, dg, quadraticForms(aT, m, da, x.data));
    },
  };
}

function checkOperand(v: Matrix, d: number, what: string): void {
  if (v == null || v.rows !== d || v.cols !== d) {
    throw new ShapeError(`${what} must be ${d} × ${d}, got ${v == null ? String(v) : `${v.rows} × ${v.cols}`}`);
  }
  const vd = v.data;
  for (let k = 0; k < vd.length; k++) {
    if (!Number.isFinite(vd[k])) throw new NonFiniteError(`${what} has a non-finite entry ${vd[k]} at index ${k}`);
  }
}

/** The d × m transpose (sample index contiguous) of an m × d row-major array. */
function transposeData(z: Float64Array, m: number, d: number): Float64Array {
  const t = new Float64Array(d * m);
  for (let i = 0; i < m; i++) for (let p = 0; p < d; p++) t[p * m + i] = z[i * d + p];
  return t;
}

/**
 * `c_i = z_iᵀ W z_i = z_iᵀ sym(W) z_i` for every sample, from the d × m transposed samples `zT`.
 * Uses the upper triangle of `W + Wᵀ` (half the work): for each p,
 * `t = Σ_{q ≥ p} w'_pq zT_q` (contiguous over samples), then `c += zT_p ∘ t`.
 */
function quadraticForms(zT: Float64Array, m: number, d: number, w: Float64Array): Float64Array {
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
 * `(1/m) Σ_i c_i z_i z_iᵀ` (d × d) from the transposed samples: entry (p, q) is the contiguous
 * dot product `Σ_i (c_i zT_p,i) zT_q,i / m`, computed for q ≥ p (four partial sums) and mirrored.
 */
function weightedGram(zT: Float64Array, m: number, d: number, c: Float64Array): Matrix {
  const out = new Float64Array(d * d);
  const wp = new Float64Array(m);
  const inv = 1 / m;
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
      out[row + q] = (s0 + s1 + (s2 + s3)) * inv;
    }
  }
  for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) out[q * d + p] = out[p * d + q];
  return fromData(d, d, out);
}
