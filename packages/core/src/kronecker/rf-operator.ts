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
 * Cost: `times` about `m (d_g² + d_a²/2)` multiply-adds, `transposeTimes` about `m (d_a² + d_g²/2)`;
 * results are symmetric (upper triangle accumulated, then mirrored). The operator keeps references to `a` and `g` (not copies): do not mutate them.
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
  return {
    da,
    dg,
    times(y: Matrix): Matrix {
      checkOperand(y, dg, 'rfOperator.times operand Y (d_g × d_g)');
      const c = quadraticForms(g.data, m, dg, y.data);
      return weightedGram(a.data, m, da, c);
    },
    transposeTimes(x: Matrix): Matrix {
      checkOperand(x, da, 'rfOperator.transposeTimes operand X (d_a × d_a)');
      const c = quadraticForms(a.data, m, da, x.data);
      return weightedGram(g.data, m, dg, c);
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

/** `c_i = z_iᵀ W z_i` for the rows z_i of the m × d row-major `z` (W is d × d row-major). */
function quadraticForms(z: Float64Array, m: number, d: number, w: Float64Array): Float64Array {
  const c = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const zi = i * d;
    let total = 0;
    for (let p = 0; p < d; p++) {
      const zp = z[zi + p];
      if (zp === 0) continue;
      const wp = p * d;
      let s = 0;
      for (let q = 0; q < d; q++) s += w[wp + q] * z[zi + q];
      total += zp * s;
    }
    c[i] = total;
  }
  return c;
}

/** `(1/m) Σ_i c_i z_i z_iᵀ` (d × d), accumulating the upper triangle then mirroring it. */
function weightedGram(z: Float64Array, m: number, d: number, c: Float64Array): Matrix {
  const out = new Float64Array(d * d);
  for (let i = 0; i < m; i++) {
    const ci = c[i];
    if (ci === 0) continue;
    const zi = i * d;
    for (let p = 0; p < d; p++) {
      const s = ci * z[zi + p];
      if (s === 0) continue;
      const op = p * d;
      for (let q = p; q < d; q++) out[op + q] += s * z[zi + q];
    }
  }
  const inv = 1 / m;
  for (let p = 0; p < d; p++) {
    const op = p * d;
    out[op + p] *= inv;
    for (let q = p + 1; q < d; q++) {
      const v = out[op + q] * inv;
      out[op + q] = v;
      out[q * d + p] = v;
    }
  }
  return fromData(d, d, out);
}
