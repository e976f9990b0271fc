import { beforeAll, describe } from 'vitest';
import { selectBackend } from '@fisherkit/core';
import type { ApproximationPlugin } from '../contract.js';
import { registerCheckpointChecks } from './checks/checkpoint.js';
import { registerDegenerateBatchChecks } from './checks/degenerate-batches.js';
import { registerDenseSolveChecks } from './checks/dense-solve.js';
import { registerErrorInequalityChecks } from './checks/error-inequalities.js';
import { registerLargeDampingChecks } from './checks/large-damping.js';
import { registerOptionChecks } from './checks/options.js';
import { registerPositiveDefiniteChecks } from './checks/positive-definite.js';
import { registerRunningAverageChecks } from './checks/running-average.js';
import { registerTensorLeakChecks } from './checks/tensor-leaks.js';
import { registerTermChecks } from './checks/terms.js';
import { conformanceContext } from './context.js';
import type { ConformanceSpec } from './spec.js';

/**
 * Registers fisherkit's conformance suite for an approximation plug-in as vitest `describe`/`it`
 * blocks (call it at the top level of a test file). On the cpu backend, with seeded synthetic
 * layers and a layer captured from a small network, it checks that:
 *
 * - (a) `terms()` reproduce the dense target of `spec.kind`, compared through
 *   `R(F̃) = Σ_k vec(A_k) vec(G_k)ᵀ` against the truncated SVD of `R(F)` (ml-matrix);
 * - (b) Error 1 `‖F − F̃‖/‖F‖` obeys the kind's inequalities against dense references;
 * - (c) `precondition` (and `preconditionExact`, if offered) equals a dense solve with
 *   `M = (A₁ + π√λ I) ⊗ (G₁ + (√λ/π) I) [+ A₂ ⊗ G₂]`;
 * - (d) the default preconditioner is symmetric positive definite;
 * - (e) `λ P(X) → X` as λ grows;
 * - (f) `validateOptions` rejects unknown and out-of-range options by name;
 * - (g) no tensors leak; (h) state survives a JSON checkpoint; (i) running averages are
 *   `ρ·old + (1 − ρ)·new`, sign-consistently; (j) degenerate batches (dead units, constant
 *   inputs, m = 1, m < width, zero gradients) give a finite, positive definite, damped
 *   preconditioner.
 *
 * For `kind: 'custom'` (an approximation that is not one or two Kronecker products: diagonal,
 * block-diagonal, …) (a) and (b) are not registered, (c) solves with the block's own
 * `dampedMatrix(damping)` when it has one (see `DenseMatrixBlock`), and λ is measured in units of
 * the batch's dense KFAC term; (d)–(j) run unchanged.
 *
 * @example
 * ```ts
 * // packages/my-plugin/src/conformance.test.ts
 * import { describeConformance } from '@fisherkit/preconditioner/conformance';
 * import myPlugin from './index.js';
 * describeConformance(myPlugin, { kind: 'best-rank-2', exactInverseOptions: { inverse: 'exact', floor: 1e-12 } });
 * ```
 */
export function describeConformance(plugin: ApproximationPlugin<any>, spec: ConformanceSpec): void {
  const ctx = conformanceContext(plugin, spec);
  describe(`${plugin.id}: fisherkit conformance (${spec.kind})`, () => {
    beforeAll(async () => {
      await selectBackend({ backend: 'cpu' });
      ctx.setUp();
    });
    registerTermChecks(ctx);
    registerErrorInequalityChecks(ctx);
    registerDenseSolveChecks(ctx);
    registerPositiveDefiniteChecks(ctx);
    registerLargeDampingChecks(ctx);
    registerOptionChecks(ctx);
    registerTensorLeakChecks(ctx);
    registerCheckpointChecks(ctx);
    registerRunningAverageChecks(ctx);
    registerDegenerateBatchChecks(ctx);
  });
}
