import * as tf from '@tensorflow/tfjs-core';
import {
  applyTwoTermKroneckerInverse,
  ShapeError,
  transpose,
  type KroneckerTerm,
  type Matrix,
  type TwoTermInverseOptions,
} from '@fisherkit/core';
import type { Damping } from './contract.js';
import { inverseFactors, type TwoTermFactors } from './inverse-factors.js';
import { uploadMatrix, type KroneckerInverse } from './kronecker-inverse.js';

/**
 * The inverse of a damped sum of two Kronecker products (MATH.md §5), as used by Deflation, Lanczos
 * and KFAC-corrected. Damping goes on the first (positive semi-definite) term only:
 * `M = (A₁ + π√λ I) ⊗ (G₁ + (√λ/π) I) + A₂ ⊗ G₂`, and in the `[d_a, d_g]` weight layout
 *
 *     Δᵀ = K_A [ (K_Aᵀ · DWᵀ · K_G) ⊘ Dᵀ ] K_Gᵀ,   D_ij = 1 + s_G,i s_A,j  (made safe by the rule)
 *
 * Four matMuls per application; the transposed factors are uploaded once so no transposed
 * matMul runs on the hot path.
 *
 * @example
 * ```ts
 * const inv = twoTermInverse([t1, t2], { lambda: 1e-3, pi: 'tracenorm' }, { rule: 'abs' });
 * const delta = inv.apply(grad);
 * ```
 */
export function twoTermInverse(
  terms: readonly KroneckerTerm[],
  damping: Damping,
  options: TwoTermInverseOptions = {},
): KroneckerInverse & { indefiniteEntries: number; pi: number } {
  if (terms.length !== 2) throw new ShapeError(`a two-term inverse needs exactly 2 Kronecker terms, got ${terms.length}`);
  const f = inverseFactors(terms, damping, options) as TwoTermFactors;
  return { ...twoTermInverseFromFactors({ KA: f.KA, KG: f.KG, D: f.D }), indefiniteEntries: f.indefiniteEntries, pi: f.pi };
}

/**
 * A {@link KroneckerInverse} from the factors `K_A`, `K_G` and the d_g × d_a divisor `D` of
 * {@link twoTermKroneckerInverse} (checkpoint restore).
 *
 * @example `twoTermInverseFromFactors({ KA, KG, D })`
 */
export function twoTermInverseFromFactors(f: { KA: Matrix; KG: Matrix; D: Matrix }): KroneckerInverse {
  const da = f.KA.rows;
  const dg = f.KG.rows;
  const ka = uploadMatrix(f.KA);
  const kaT = uploadMatrix(transpose(f.KA));
  const kg = uploadMatrix(f.KG);
  const kgT = uploadMatrix(transpose(f.KG));
  const dT = uploadMatrix(transpose(f.D));
  const checkShape = (rows: number, cols: number): void => {
    if (rows !== da || cols !== dg) throw new ShapeError(`gradient must be [${da}, ${dg}] ([d_a, d_g]), got [${rows}, ${cols}]`);
  };
  return {
    apply(grad) {
      checkShape(grad.shape[0], grad.shape[1]);
      return tf.tidy(() => tf.matMul(tf.matMul(ka, tf.div(tf.matMul(tf.matMul(kaT, grad), kg), dT)), kgT));
    },
    applyExact(grad) {
      checkShape(grad.rows, grad.cols);
      const sA = new Float64Array(da);
      const sG = new Float64Array(dg);
      const delta = applyTwoTermKroneckerInverse({ KA: f.KA, KG: f.KG, D: f.D, sA, sG, indefiniteEntries: 0 }, transpose(grad));
      return transpose(delta);
    },
    factors: () => ({ KA: f.KA, KG: f.KG, D: f.D }),
    dispose() {
      for (const t of [ka, kaT, kg, kgT, dT]) t.dispose();
    },
  };
}

