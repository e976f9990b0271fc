import { expect, it } from 'vitest';
import type { Damping } from '../../contract.js';
import { meanTraceScale, relativeDifference } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { denseDampedMatrix, denseSolvePreconditioned } from '../dense-preconditioner.js';
import { termCount } from '../spec.js';
import { preconditionFloat32, randomMatrix } from '../tensors.js';
import { TOLERANCES } from '../tolerances.js';

/**
 * Check (c): the preconditioned gradient equals a dense solve with the damped matrix
 * `M = (A₁ + π√λ I) ⊗ (G₁ + (√λ/π) I) [+ A₂ ⊗ G₂]` built from `block.terms()`:
 * `precondition` (float32) within 1e-3 and `preconditionExact` (Float64, when offered) within
 * 1e-8, relative. Two-term plug-ins run with `spec.exactInverseOptions` and a λ (the mean-trace
 * scale of the first term) at which no entry is indefinite, so `M` is SPD and its inverse exact.
 */
export function registerDenseSolveChecks(ctx: ConformanceContext): void {
  const twoTerm = termCount(ctx.spec.kind) === 2;
  it(`precondition equals the dense solve with the damped ${twoTerm ? 'two-term' : 'one-term'} matrix`, () => {
    const extra = twoTerm ? (ctx.spec.exactInverseOptions ?? {}) : {};
    ctx.layers().forEach((l, index) => {
      const block = ctx.createBlock(l.layer, extra);
      try {
        block.updateStatistics(l.batch, 0);
        const terms = block.terms();
        for (const pi of ['tracenorm', 'one'] as const) {
          const damping: Damping = { lambda: meanTraceScale(terms[0]), pi };
          block.updateInverse(damping);
          if (twoTerm) expect(block.diagnostics().indefiniteEntries, `${l.name}: indefinite entries at λ`).toBe(0);
          const m = denseDampedMatrix(terms, damping);
          const grad = randomMatrix(500 + index, l.batch.a.cols, l.batch.g.cols);
          const expected = denseSolvePreconditioned(m, grad);
          const at = `${l.name}, pi ${pi}`;
          expect(relativeDifference(preconditionFloat32(block, grad).data, expected.data), `${at}: float32`).toBeLessThanOrEqual(
            TOLERANCES.float32,
          );
          if (typeof block.preconditionExact === 'function') {
            expect(relativeDifference(block.preconditionExact(grad).data, expected.data), `${at}: Float64`).toBeLessThanOrEqual(
              TOLERANCES.float64,
            );
          }
        }
      } finally {
        block.dispose();
      }
    });
  });
}
