import { ShapeError } from '../errors.js';
import { fromData, type Matrix } from '../matrix/matrix.js';
import { assertShape } from '../matrix/validate.js';
import type { CompressedOperator, KroneckerOperator } from './kronecker-operator.js';
import { dot } from './vector-ops.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { assertKroneckerTerm } from './validate-kronecker.js';

/**
 * The operator of `R(F) − Σ_k vec(A_k) vec(G_k)ᵀ`, i.e. of the residual `F − Σ_k A_k ⊗ G_k`:
 *
 *     times(Y)          = op.times(Y)          − Σ_k ⟨G_k, Y⟩ A_k
 *     transposeTimes(X) = op.transposeTimes(X) − Σ_k ⟨A_k, X⟩ G_k
 *
 * Deflation uses `terms = [σ₁ pair]` (its A, G already carry √σ₁ each), KFAC-corrected uses
 * `terms = [KFAC's A ⊗ G]`. The terms are copied, so later changes to them do not leak in.
 *
 * When `op` has a {@link KroneckerOperator.compressed} form and every `A_k` lies in its left space
 * and every `G_k` in its right space (terms from the same batch: KPSVD pairs, KFAC's
 * `A = aᵀa/m = aᵀ diag(𝟙/m) a`), the deflated operator has one too, exact and as cheap:
 *
 *     times(y) = M y − Σ_k ⟨y_k, y⟩ x_k,   transposeTimes(x) = Mᵀ x − Σ_k ⟨x_k, x⟩ y_k
 *
 * with `x_k`, `y_k` the coordinates of `A_k`, `G_k` (checked on first access of `compressed`, at the
 * cost of about two explicit products per term; terms outside the spans leave `compressed` undefined
 * and the iterations use the explicit products).
 *
 * @throws ShapeError when a term's A is not d_a × d_a or its G not d_g × d_g.
 * @throws NonFiniteError when a term holds NaN/±Infinity.
 *
 * @example
 * ```ts
 * const first = leadingKroneckerPair(rfOperator(a, g));
 * const second = leadingKroneckerPair(deflatedOperator(rfOperator(a, g), [first.term]));
 * ```
 */
export function deflatedOperator(op: KroneckerOperator, terms: KroneckerTerm[]): KroneckerOperator {
  if (op == null || typeof op.times !== 'function' || typeof op.transposeTimes !== 'function') {
    throw new ShapeError('deflatedOperator needs a KroneckerOperator { da, dg, times, transposeTimes }');
  }
  if (!Array.isArray(terms)) throw new ShapeError('deflatedOperator: terms must be an array of Kronecker terms { A, G }');
  const { da, dg } = op;
  const As: Float64Array[] = [];
  const Gs: Float64Array[] = [];
  terms.forEach((t, k) => {
    assertKroneckerTerm(t, da, dg, `deflatedOperator terms[${k}]`);
    As.push(t.A.data.slice());
    Gs.push(t.G.data.slice());
  });
  let compressed: CompressedOperator | undefined;
  let tried = false;
  return {
    da,
    dg,
    get compressed(): CompressedOperator | undefined {
      if (!tried) {
        tried = true;
        const base = op.compressed;
        if (base != null) compressed = compressedDeflation(base, As, Gs, da, dg);
      }
      return compressed;
    },
    times(y: Matrix): Matrix {
      assertShape(y, dg, dg, 'deflatedOperator.times operand Y (d_g × d_g)');
      return subtractProjections(op.times(y), da, Gs, As, y.data);
    },
    transposeTimes(x: Matrix): Matrix {
      assertShape(x, da, da, 'deflatedOperator.transposeTimes operand X (d_a × d_a)');
      return subtractProjections(op.transposeTimes(x), dg, As, Gs, x.data);
    },
  };
}

/** `base − Σ_k ⟨probe_k, v⟩ out_k` as a new d × d matrix. */
function subtractProjections(
  base: Matrix,
  d: number,
  probes: Float64Array[],
  outs: Float64Array[],
  v: Float64Array,
): Matrix {
  assertShape(base, d, d, 'deflatedOperator: result of the wrapped operator');
  const out = base.data.slice();
  for (let k = 0; k < probes.length; k++) {
    const p = probes[k];
    let s = 0;
    for (let e = 0; e < p.length; e++) s += p[e] * v[e];
    if (s === 0) continue;
    const o = outs[k];
    for (let e = 0; e < out.length; e++) out[e] -= s * o[e];
  }
  return fromData(d, d, out);
}

/** The deflated operator in `base`'s coordinates, or undefined when a term leaves its spans. */
function compressedDeflation(
  base: CompressedOperator,
  As: Float64Array[],
  Gs: Float64Array[],
  da: number,
  dg: number,
): CompressedOperator | undefined {
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let k = 0; k < As.length; k++) {
    const x = base.encodeLeftTerm(fromData(da, da, As[k]));
    if (x === null) return undefined;
    const y = base.encodeRightTerm(fromData(dg, dg, Gs[k]));
    if (y === null) return undefined;
    xs.push(x);
    ys.push(y);
  }
  const deflate = (out: Float64Array, probes: Float64Array[], outs: Float64Array[], v: Float64Array): Float64Array => {
    for (let k = 0; k < probes.length; k++) {
      const s = dot(probes[k], v);
      if (s === 0) continue;
      const o = outs[k];
      for (let e = 0; e < out.length; e++) out[e] -= s * o[e];
    }
    return out;
  };
  return {
    leftDim: base.leftDim,
    rightDim: base.rightDim,
    times: (y) => deflate(base.times(y), ys, xs, y),
    transposeTimes: (x) => deflate(base.transposeTimes(x), xs, ys, x),
    encodeLeft: (x) => base.encodeLeft(x),
    encodeRight: (y) => base.encodeRight(y),
    encodeLeftTerm: (a) => base.encodeLeftTerm(a),
    encodeRightTerm: (g) => base.encodeRightTerm(g),
    liftLeft: (x) => base.liftLeft(x),
    liftRight: (y) => base.liftRight(y),
  };
}
