import type { Matrix } from '../matrix/matrix.js';
import { matmul } from '../matrix/multiply.js';
import { assertFinite, assertShape } from '../matrix/validate.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { kroneckerTermSizes } from './validate-kronecker.js';

/**
 * Applies one Kronecker term to a gradient matrix without forming the Kronecker product:
 * `(A ⊗ G) vec(V) = vec(G V A)` for symmetric A (in general `vec(G V Aᵀ)`; this function computes
 * `G · V · A` as written), with V of size d_g × d_a. Cost `d_g² d_a + d_g d_a²`.
 *
 * @throws ShapeError when V is not d_g × d_a or the factors are not square.
 * @throws NonFiniteError when V or a factor holds NaN/±Infinity.
 *
 * @example
 * ```ts
 * const out = applyKronecker({ A, G }, grad); // grad: d_g × d_a, out = G · grad · A
 * ```
 */
export function applyKronecker(term: KroneckerTerm, v: Matrix): Matrix {
  const { da, dg } = kroneckerTermSizes(term, 'applyKronecker term');
  assertShape(v, dg, da, 'applyKronecker operand V (d_g × d_a)');
  assertFinite(v, 'applyKronecker operand V');
  return matmul(matmul(term.G, v), term.A);
}
