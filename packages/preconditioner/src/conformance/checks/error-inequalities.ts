import { expect, it } from 'vitest';
import { relativeFisherError } from '@fisherkit/core';
import { errorsFromReferences } from '../approximation-errors.js';
import type { ConformanceContext } from '../context.js';
import { isKroneckerKind } from '../spec.js';
import { TOLERANCES } from '../tolerances.js';

/**
 * Check (b): with the plug-in's own (default) options, its Error 1 = `relativeFisherError(a, g,
 * terms)` sits where the mathematics puts it among the dense reference errors:
 * - kfac: equal to the dense KFAC error, and ≥ the best rank-1 error;
 * - best-rank-1: ≤ KFAC, ≥ best rank-2, equal to the dense best rank-1 within 1e-4 (relative);
 * - best-rank-2: ≤ best rank-1, ≤ KFAC-corrected, equal to the dense best rank-2 within 1e-4;
 * - kfac-corrected: ≤ KFAC, ≥ best rank-2, equal to the dense reference within 1e-4;
 * - custom: not registered.
 */
export function registerErrorInequalityChecks(ctx: ConformanceContext): void {
  const { kind } = ctx.spec;
  if (!isKroneckerKind(kind)) return; // kind custom: no inequality is implied by the mathematics
  const slack = TOLERANCES.errorRoundOff;
  const match = TOLERANCES.errorMatch;
  it(`Error 1 respects the ${kind} inequalities against dense references on every fixture layer`, () => {
    for (const l of ctx.layers()) {
      const ref = errorsFromReferences(ctx.references(l.batch));
      const block = ctx.createBlock(l.layer);
      let error: number;
      try {
        block.updateStatistics(l.batch, 0);
        error = relativeFisherError(l.batch.a, l.batch.g, block.terms());
      } finally {
        block.dispose();
      }
      const at = `${l.name}: error ${error}, references ${JSON.stringify(ref)}`;
      switch (kind) {
        case 'kfac':
          expect(Math.abs(error - ref.kfac), `${at}: equals the KFAC error`).toBeLessThanOrEqual(1e-8 * ref.kfac);
          expect(error, `${at}: ≥ best rank-1`).toBeGreaterThanOrEqual(ref.bestRank1 - slack);
          break;
        case 'best-rank-1':
          expect(error, `${at}: ≤ KFAC`).toBeLessThanOrEqual(ref.kfac + slack);
          expect(error, `${at}: ≥ best rank-2`).toBeGreaterThanOrEqual(ref.bestRank2 - slack);
          expect(Math.abs(error - ref.bestRank1), `${at}: equals best rank-1`).toBeLessThanOrEqual(match * ref.bestRank1);
          break;
        case 'best-rank-2':
          expect(error, `${at}: ≤ best rank-1`).toBeLessThanOrEqual(ref.bestRank1 + slack);
          expect(error, `${at}: ≤ KFAC-corrected`).toBeLessThanOrEqual(ref.kfacCorrected + slack);
          expect(Math.abs(error - ref.bestRank2), `${at}: equals best rank-2`).toBeLessThanOrEqual(match * ref.bestRank2);
          break;
        case 'kfac-corrected':
          expect(error, `${at}: ≤ KFAC`).toBeLessThanOrEqual(ref.kfac + slack);
          expect(error, `${at}: ≥ best rank-2`).toBeGreaterThanOrEqual(ref.bestRank2 - slack);
          expect(Math.abs(error - ref.kfacCorrected), `${at}: equals the KFAC-corrected reference`).toBeLessThanOrEqual(
            match * ref.kfacCorrected,
          );
          break;
      }
    }
  });
}
