import { OptionError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import { symmetrize } from '../matrix/elementwise.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { assertKroneckerTerm } from './validate-kronecker.js';

/** How {@link orientKroneckerTerm} picks the joint sign when no reference decides it. */
export type SignRule = 'trace' | 'largest-entry';

/** Options of {@link orientKroneckerTerm}. */
export interface OrientOptions {
  /** Previous estimate of the same pair: choose the sign with `⟨A, ref.A⟩ ≥ 0`. */
  reference?: KroneckerTerm;
  /** Fallback rule (default `'trace'`): `tr(A) > 0`, or the largest-|entry| of A positive. */
  rule?: SignRule;
}

/**
 * Sign gauge of a Kronecker pair (MATH.md §3). `A ⊗ G = (−A) ⊗ (−G)`, so a singular pair is fixed
 * only up to a joint sign; this returns the symmetrised pair `((A + Aᵀ)/2, (G + Gᵀ)/2)` with the
 * sign chosen by, in order:
 * 1. with `reference`: `⟨A, ref.A⟩ > 0`; if that is zero (to 1e-12 relative), `⟨G, ref.G⟩ > 0`;
 * 2. rule `'trace'`: `tr(A) > 0` (then A and G are PSD for a Fisher block's leading pair);
 *    a trace that vanishes (`|tr A| ≤ 1e-12 √d ‖A‖_F`) falls through to the next rule;
 * 3. rule `'largest-entry'`: the entry of A of largest magnitude (first in row-major order) is
 *    positive; if A is zero, the same test on G.
 *
 * @example
 * ```ts
 * const t = orientKroneckerTerm({ A: scale(A, -1), G: scale(G, -1) }); // tr(t.A) > 0
 * const later = orientKroneckerTerm(pair2, { reference: previousPair2 });
 * ```
 */
export function orientKroneckerTerm(term: KroneckerTerm, options: OrientOptions = {}): KroneckerTerm {
  const rule = options.rule ?? 'trace';
  if (rule !== 'trace' && rule !== 'largest-entry') {
    throw new OptionError(`orientKroneckerTerm: rule must be 'trace' or 'largest-entry', got ${String(rule)}`);
  }
  const A = symmetrize(term.A);
  const G = symmetrize(term.G);
  if (options.reference !== undefined) {
    assertKroneckerTerm(options.reference, A.rows, G.rows, 'orientKroneckerTerm reference');
  }
  const sign = chooseSign(A, G, options.reference, rule);
  if (sign < 0) {
    negate(A.data);
    negate(G.data);
  }
  return { A, G };
}

function chooseSign(A: Matrix, G: Matrix, reference: KroneckerTerm | undefined, rule: SignRule): number {
  if (reference !== undefined) {
    const sa = decisiveInner(A.data, reference.A.data);
    if (sa !== 0) return sa;
    const sg = decisiveInner(G.data, reference.G.data);
    if (sg !== 0) return sg;
  }
  if (rule === 'trace') {
    const n = A.rows;
    let tr = 0;
    let norm2 = 0;
    for (let i = 0; i < n; i++) tr += A.data[i * n + i];
    for (let e = 0; e < A.data.length; e++) norm2 += A.data[e] * A.data[e];
    if (Math.abs(tr) > 1e-12 * Math.sqrt(n * norm2)) return Math.sign(tr);
  }
  const s = largestEntrySign(A.data);
  return s !== 0 ? s : largestEntrySign(G.data) || 1;
}

/** Sign of ⟨x, y⟩, or 0 when it is negligible against ‖x‖‖y‖. */
function decisiveInner(x: Float64Array, y: Float64Array): number {
  let s = 0;
  let nx = 0;
  let ny = 0;
  for (let e = 0; e < x.length; e++) {
    s += x[e] * y[e];
    nx += x[e] * x[e];
    ny += y[e] * y[e];
  }
  return Math.abs(s) > 1e-12 * Math.sqrt(nx * ny) ? Math.sign(s) : 0;
}

function largestEntrySign(x: Float64Array): number {
  let best = 0;
  for (let e = 0; e < x.length; e++) if (Math.abs(x[e]) > Math.abs(best)) best = x[e];
  return Math.sign(best);
}

function negate(x: Float64Array): void {
  for (let e = 0; e < x.length; e++) x[e] = -x[e];
}
