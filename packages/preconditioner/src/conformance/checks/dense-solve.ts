import { expect, it } from 'vitest';
import type { CurvatureBlock, Damping } from '../../contract.js';
import { meanTraceScale, relativeDifference } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { denseDampedMatrix, denseSolvePreconditioned } from '../dense-preconditioner.js';
import { kron, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import { isKroneckerKind, termCount, type BlockWithDenseMatrix } from '../spec.js';
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
  if (!isKroneckerKind(ctx.spec.kind)) {
    registerOwnMatrixChecks(ctx);
    return;
  }
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
          expectDenseSolve(block, grad, expected, at);
        }
      } finally {
        block.dispose();
      }
    });
  });
}

/**
 * Check (c) for kind `custom`: when the block offers `dampedMatrix(damping)` (see
 * {@link BlockWithDenseMatrix}), its undamped matrix equals `Σ_k A_k ⊗ G_k` of `terms()` (1e-12,
 * relative), and `precondition` (float32, 1e-3) and `preconditionExact` (Float64, 1e-8) equal the
 * dense solve with `dampedMatrix` at λ = the dense KFAC mean-trace scale, both π rules. Skipped
 * (reported as skipped) when the block has no `dampedMatrix`.
 */
function registerOwnMatrixChecks(ctx: ConformanceContext): void {
  it('precondition equals the dense solve with the block\'s own damped matrix (dampedMatrix)', (test) => {
    const probe = ctx.createBlock(ctx.layers()[0].layer) as BlockWithDenseMatrix;
    const offered = typeof probe.dampedMatrix === 'function';
    probe.dispose();
    if (!offered) {
      test.skip('the block has no dampedMatrix(damping) to solve against');
      return;
    }
    ctx.layers().forEach((l, index) => {
      const block = ctx.createBlock(l.layer) as BlockWithDenseMatrix;
      try {
        block.updateStatistics(l.batch, 0);
        const undamped = block.dampedMatrix!({ lambda: 0, pi: 'one' });
        expect(relativeDifference(undamped.data, kroneckerSum(block.terms(), undamped.rows).data), `${l.name}: dampedMatrix(λ = 0) = Σ A_k ⊗ G_k`).toBeLessThanOrEqual(
          1e-12,
        );
        for (const pi of ['tracenorm', 'one'] as const) {
          const damping: Damping = { lambda: meanTraceScale(ctx.references(l.batch).kfac), pi };
          block.updateInverse(damping);
          const grad = randomMatrix(500 + index, l.batch.a.cols, l.batch.g.cols);
          const expected = denseSolvePreconditioned(block.dampedMatrix!(damping), grad);
          const at = `${l.name}, pi ${pi}`;
          expectDenseSolve(block, grad, expected, at);
        }
      } finally {
        block.dispose();
      }
    });
  });
}

/** `Σ_k A_k ⊗ G_k` as a dense n × n matrix (zero when there are no terms). */
function kroneckerSum(terms: readonly KroneckerTerm[], n: number): Matrix {
  const out: Matrix = { rows: n, cols: n, data: new Float64Array(n * n) };
  for (const t of terms) {
    const k = kron(t.A, t.G);
    for (let e = 0; e < out.data.length; e++) out.data[e] += k.data[e];
  }
  return out;
}

/** Both application paths of a block against the dense solution: float32 (1e-3), Float64 (1e-8). */
function expectDenseSolve(block: CurvatureBlock, grad: Matrix, expected: Matrix, at: string): void {
  expect(relativeDifference(preconditionFloat32(block, grad).data, expected.data), `${at}: float32`).toBeLessThanOrEqual(
    TOLERANCES.float32,
  );
  if (typeof block.preconditionExact === 'function') {
    expect(relativeDifference(block.preconditionExact(grad).data, expected.data), `${at}: Float64`).toBeLessThanOrEqual(
      TOLERANCES.float64,
    );
  }
}
