import { ShapeError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import { assertFinite, assertShape, assertSquare } from '../matrix/validate.js';
import type { KroneckerTerm } from './kronecker-term.js';

/**
 * Checks a Fisher mini-batch: `a` (m × d_a) and `g` (m × d_g) hold the same m ≥ 1 samples as rows,
 * with at least one column each and only finite entries. Returns `{ m, da, dg }`.
 *
 * @example
 * ```ts
 * const { m, da, dg } = assertFisherSamples(a, g, 'rfOperator');
 * ```
 */
export function assertFisherSamples(a: Matrix, g: Matrix, where: string): { m: number; da: number; dg: number } {
  if (a.rows !== g.rows) {
    throw new ShapeError(
      `${where}: a has ${a.rows} rows (samples) but g has ${g.rows}; pass the same m samples as the rows of both ` +
        '(a: m × d_a homogeneous inputs, g: m × d_g output gradients)',
    );
  }
  if (a.rows < 1) throw new ShapeError(`${where}: the Fisher mini-batch is empty (m = 0); pass at least one sample`);
  if (a.cols < 1 || g.cols < 1) {
    throw new ShapeError(`${where}: a (${a.rows} × ${a.cols}) and g (${g.rows} × ${g.cols}) need at least one column each`);
  }
  assertFinite(a, `${where}: a`);
  assertFinite(g, `${where}: g`);
  return { m: a.rows, da: a.cols, dg: g.cols };
}

/**
 * Checks that a Kronecker term has `A` d_a × d_a and `G` d_g × d_g with finite entries.
 *
 * @example
 * ```ts
 * assertKroneckerTerm(term, 3, 2, 'terms[0]');
 * ```
 */
export function assertKroneckerTerm(term: KroneckerTerm, da: number, dg: number, what: string): void {
  if (term == null || term.A == null || term.G == null) {
    throw new ShapeError(`${what} must be a Kronecker term { A, G }, got ${String(term)}`);
  }
  assertShape(term.A, da, da, `${what}.A`);
  assertShape(term.G, dg, dg, `${what}.G`);
  assertFinite(term.A, `${what}.A`);
  assertFinite(term.G, `${what}.G`);
}

/**
 * Checks one Kronecker term on its own (square finite factors) and returns its sizes.
 *
 * @example
 * ```ts
 * const { da, dg } = kroneckerTermSizes(term, 'terms[0]');
 * ```
 */
export function kroneckerTermSizes(term: KroneckerTerm, what: string): { da: number; dg: number } {
  if (term == null || term.A == null || term.G == null) {
    throw new ShapeError(`${what} must be a Kronecker term { A, G }, got ${String(term)}`);
  }
  assertSquare(term.A, `${what}.A`);
  assertSquare(term.G, `${what}.G`);
  assertFinite(term.A, `${what}.A`);
  assertFinite(term.G, `${what}.G`);
  return { da: term.A.rows, dg: term.G.rows };
}
