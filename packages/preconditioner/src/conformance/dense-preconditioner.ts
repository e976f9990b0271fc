import { kron, spdSolve, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import type { Damping } from '../contract.js';
import { tracenormPi } from '../damping.js';
import { traceOf } from './compare.js';

/**
 * The dense damped matrix a block of one or two Kronecker terms must invert (MATH.md §2, §5):
 *
 *     M = (A₁ + π√λ I) ⊗ (G₁ + (√λ/π) I) [+ A₂ ⊗ G₂],   π = tracenormPi(A₁, G₁) or 1,
 *
 * acting on `vec(DW)` (column-major, DW is d_g × d_a). Built with dense Kronecker products: small
 * layers only.
 *
 * @example `const m = denseDampedMatrix(block.terms(), { lambda: 1e-2, pi: 'tracenorm' });`
 */
export function denseDampedMatrix(terms: readonly KroneckerTerm[], damping: Damping): Matrix {
  const [first, ...rest] = terms;
  const pi = damping.pi === 'tracenorm' ? tracenormPi(first.A, first.G) : 1;
  const root = Math.sqrt(damping.lambda);
  const out = kron(shifted(first.A, pi * root), shifted(first.G, root / pi));
  for (const t of rest) {
    const k = kron(t.A, t.G);
    for (let e = 0; e < out.data.length; e++) out.data[e] += k.data[e];
  }
  return out;
}

/**
 * The preconditioned gradient by a dense solve, in the `[d_a, d_g]` weight layout:
 * `Δᵀ` with `vec(Δ) = M⁻¹ vec(DW)`, `DW = gradᵀ` (d_g × d_a). `M` must be symmetric positive
 * definite (Cholesky; it throws otherwise).
 *
 * @example `const expected = denseSolvePreconditioned(m, grad); // compare with block.precondition`
 */
export function denseSolvePreconditioned(m: Matrix, grad: Matrix): Matrix {
  const da = grad.rows;
  const dg = grad.cols;
  // vec(DW)[i + j·d_g] = DW[i][j] = grad[j][i]: the column-major vec of DW is grad's row-major data.
  const rhs: Matrix = { rows: da * dg, cols: 1, data: Float64Array.from(grad.data) };
  const x = spdSolve(m, rhs);
  // Δ[i][j] = x[i + j·d_g], so Δᵀ[j][i] = x[j·d_g + i]: again the row-major data of Δᵀ.
  return { rows: da, cols: dg, data: Float64Array.from(x.data) };
}

/**
 * The "trace scale" of the damped first term, `s = (tr A₁ / π + π tr G₁)²`: for `λ = c·s` the
 * first-order bound `‖λ P(X) − X‖ ≤ (‖A₁‖₂/(π√λ) + π‖G₁‖₂/√λ) ‖X‖` gives a relative error of at
 * most `1/√c` (plus `O(1/c)` from a second term).
 *
 * @example `const lambda = 1e6 * dampingTraceScale(terms[0], 'tracenorm'); // λP(X) ≈ X to 1e-3`
 */
export function dampingTraceScale(term: KroneckerTerm, pi: Damping['pi']): number {
  const p = pi === 'tracenorm' ? tracenormPi(term.A, term.G) : 1;
  return (traceOf(term.A) / p + p * traceOf(term.G)) ** 2;
}

function shifted(m: Matrix, s: number): Matrix {
  const data = Float64Array.from(m.data);
  for (let i = 0; i < m.rows; i++) data[i * m.cols + i] += s;
  return { rows: m.rows, cols: m.cols, data };
}
