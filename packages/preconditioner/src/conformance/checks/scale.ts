import type { LayerBatch } from '@fisherkit/fisher';
import type { CurvatureBlock } from '../../contract.js';
import { meanTraceScale } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { dampingTraceScale } from '../dense-preconditioner.js';
import { isKroneckerKind } from '../spec.js';

/**
 * The unit of the damping λ in the checks: the mean-trace scale of the block's first term for the
 * Kronecker kinds (as before), and of the dense KFAC term of the batch for kind `custom`, whose
 * `terms()` need not have a meaningful first term.
 *
 * @example `block.updateInverse({ lambda: 1e-3 * dampingUnit(ctx, l.batch, block), pi: 'tracenorm' })`
 */
export function dampingUnit(ctx: ConformanceContext, batch: LayerBatch, block: CurvatureBlock): number {
  return isKroneckerKind(ctx.spec.kind) ? meanTraceScale(block.terms()[0]) : meanTraceScale(ctx.references(batch).kfac);
}

/**
 * The scale `s` of the large-damping check (`λ = 1e6·s` makes `λP(X) ≈ X`): the trace scale of the
 * damped first term for the Kronecker kinds; for kind `custom`, the larger of the dense KFAC term's
 * trace scale (factored damping) and `tr F = (1/m) Σ_i ‖a_i‖² ‖g_i‖² ≥ ‖F‖₂` (plain Tikhonov damping).
 *
 * @example `const s = largeDampingScale(ctx, l.batch, block);`
 */
export function largeDampingScale(ctx: ConformanceContext, batch: LayerBatch, block: CurvatureBlock): number {
  if (isKroneckerKind(ctx.spec.kind)) return dampingTraceScale(block.terms()[0], 'tracenorm');
  return Math.max(dampingTraceScale(ctx.references(batch).kfac, 'tracenorm'), fisherTrace(batch));
}

/** `tr F = (1/m) Σ_i ‖a_i‖² ‖g_i‖²` of a Fisher mini-batch. */
export function fisherTrace(batch: LayerBatch): number {
  const { a, g } = batch;
  let t = 0;
  for (let i = 0; i < a.rows; i++) {
    let na = 0;
    let ng = 0;
    for (let p = 0; p < a.cols; p++) na += a.data[i * a.cols + p] ** 2;
    for (let q = 0; q < g.cols; q++) ng += g.data[i * g.cols + q] ** 2;
    t += na * ng;
  }
  return t / a.rows;
}
