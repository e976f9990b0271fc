import { expect, it } from 'vitest';
import type { KroneckerTerm, Matrix } from '@fisherkit/core';
import { relativeDifference, traceOf } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { rearrangedTerms, referenceRearranged, relativeGap, type DenseReferences } from '../dense-reference.js';
import type { ConformanceKind } from '../spec.js';
import { isKroneckerKind, termCount } from '../spec.js';
import { TOLERANCES } from '../tolerances.js';

/**
 * Asserts that the dense reference of `kind` is well defined on a batch: the singular values it
 * truncates at are separated by at least {@link TOLERANCES.gap} (relative).
 *
 * @example `expectSeparated('best-rank-2', ctx.references(batch));`
 */
export function expectSeparated(kind: ConformanceKind, refs: DenseReferences): void {
  if (kind === 'best-rank-1' || kind === 'best-rank-2') {
    expect(relativeGap(refs.rf.sigmas, 1), 'gap σ₁ → σ₂ of R(F)').toBeGreaterThanOrEqual(TOLERANCES.gap);
  }
  if (kind === 'best-rank-2') {
    expect(relativeGap(refs.rf.sigmas, 2), 'gap σ₂ → σ₃ of R(F)').toBeGreaterThanOrEqual(TOLERANCES.gap);
  }
  if (kind === 'kfac-corrected') {
    expect(relativeGap(refs.residual.sigmas, 1), "gap σ₁ → σ₂ of KFAC's residual").toBeGreaterThanOrEqual(TOLERANCES.gap);
  }
}

/** `‖X − Xᵀ‖_F ≤ 1e-12 ‖X‖_F`. */
function expectSymmetric(x: Matrix, what: string): void {
  const n = x.rows;
  expect(x.cols, `${what} is square`).toBe(n);
  let asym = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      asym += (x.data[i * n + j] - x.data[j * n + i]) ** 2;
      norm += x.data[i * n + j] ** 2;
    }
  }
  expect(Math.sqrt(asym), `${what} is symmetric`).toBeLessThanOrEqual(1e-12 * Math.sqrt(norm));
}

/**
 * Check (a): the block's terms reproduce the dense target of its kind,
 * `‖Σ_k vec(A_k) vec(G_k)ᵀ − R(F̃)_ref‖_F ≤ 1e-6 ‖R(F̃)_ref‖_F`, on every fixture layer, with
 * symmetric factors of the right sizes and the leading factor's sign fixed by `tr(A₁) > 0`.
 */
export function registerTermChecks(ctx: ConformanceContext): void {
  const { kind } = ctx.spec;
  if (!isKroneckerKind(kind)) return; // kind custom: no dense target to compare terms with
  for (const index of [0, 1, 2, 3]) {
    it(`terms match the dense ${kind} reference (R(F̃) within ${TOLERANCES.terms}) on fixture layer ${index}`, () => {
      const l = ctx.layers()[index];
      const refs = ctx.references(l.batch);
      expectSeparated(kind, refs);
      const block = ctx.createBlock(l.layer, ctx.accurateOptions());
      try {
        block.updateStatistics(l.batch, 0);
        const terms: KroneckerTerm[] = block.terms();
        expect(terms.length, `${l.name}: number of Kronecker terms`).toBe(termCount(kind));
        const da = l.batch.a.cols;
        const dg = l.batch.g.cols;
        terms.forEach((t, k) => {
          expect([t.A.rows, t.A.cols, t.G.rows, t.G.cols], `term ${k} sizes`).toEqual([da, da, dg, dg]);
          expectSymmetric(t.A, `A_${k + 1}`);
          expectSymmetric(t.G, `G_${k + 1}`);
        });
        expect(traceOf(terms[0].A), 'sign gauge tr(A₁) > 0').toBeGreaterThan(0);
        const error = relativeDifference(rearrangedTerms(terms).data, referenceRearranged(kind, refs).data);
        expect(error, `${l.name}: ‖R(F̃) − reference‖ / ‖reference‖`).toBeLessThanOrEqual(TOLERANCES.terms);
        if (kind === 'kfac-corrected') {
          expect(relativeDifference(terms[0].A.data, refs.kfac.A.data), "first term is KFAC's A").toBeLessThanOrEqual(1e-12);
          expect(relativeDifference(terms[0].G.data, refs.kfac.G.data), "first term is KFAC's G").toBeLessThanOrEqual(1e-12);
        }
      } finally {
        block.dispose();
      }
    });
  }
}
