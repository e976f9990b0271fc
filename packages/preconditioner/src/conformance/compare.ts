import type { Matrix } from '@fisherkit/core';

/**
 * Relative Frobenius difference `‖x − y‖ / ‖y‖` of two equally long arrays (matrices compared
 * through their data); `‖x‖` when `y = 0`. Throws on a length mismatch so a layout error cannot
 * pass silently.
 *
 * @example `relativeDifference(block.terms()[0].A.data, reference.data) < 1e-12`
 */
export function relativeDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`relativeDifference: lengths differ (${x.length} vs ${y.length})`);
  let diff = 0;
  let norm = 0;
  for (let k = 0; k < x.length; k++) {
    diff += (x[k] - y[k]) ** 2;
    norm += y[k] ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}

/**
 * Euclidean inner product `Σ_k x_k y_k` (Frobenius `⟨X, Y⟩` for matrices' data).
 *
 * @example `dot(x.data, p.data) > 0`
 */
export function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`dot: lengths differ (${x.length} vs ${y.length})`);
  let s = 0;
  for (let k = 0; k < x.length; k++) s += x[k] * y[k];
  return s;
}

/**
 * Frobenius norm `‖x‖ = sqrt(Σ_k x_k²)`.
 *
 * @example `norm(m.data)`
 */
export function norm(x: ArrayLike<number>): number {
  return Math.sqrt(dot(x, x));
}

/**
 * Mean-trace ("Tikhonov") scale of a Kronecker term, `(tr A / d_a) · (tr G / d_g)`: the mean
 * eigenvalue of `A ⊗ G`, the natural unit of the damping λ.
 *
 * @example `const lambda = meanTraceScale(block.terms()[0]);`
 */
export function meanTraceScale(term: { A: Matrix; G: Matrix }): number {
  return (traceOf(term.A) / term.A.rows) * (traceOf(term.G) / term.G.rows);
}

/** `tr(M)` of a square matrix. */
export function traceOf(m: Matrix): number {
  let t = 0;
  for (let i = 0; i < m.rows; i++) t += m.data[i * m.cols + i];
  return t;
}
