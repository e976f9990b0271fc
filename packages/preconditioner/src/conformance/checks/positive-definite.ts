import { expect, it } from 'vitest';
import { dot, norm } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { preconditionBest, preconditionFloat32, randomMatrix } from '../tensors.js';
import { TOLERANCES } from '../tolerances.js';
import { dampingUnit } from './scale.js';

/**
 * Check (d): with the plug-in's default options the preconditioner P is symmetric positive
 * definite: `⟨X, P(X)⟩ > 0` for 20 random X, and `⟨X, P(Y)⟩ = ⟨P(X), Y⟩` (Float64 path when the
 * block offers it, else float32 with a looser tolerance). A small λ (1e-3 × the mean-trace scale)
 * lets an indefinite second term show through unless the inverse rule guards against it.
 */
export function registerPositiveDefiniteChecks(ctx: ConformanceContext): void {
  it('the default preconditioner is symmetric positive definite', () => {
    ctx.layers().forEach((l, index) => {
      const block = ctx.createBlock(l.layer);
      try {
        block.updateStatistics(l.batch, 0);
        block.updateInverse({ lambda: 1e-3 * dampingUnit(ctx, l.batch, block), pi: 'tracenorm' });
        const da = l.batch.a.cols;
        const dg = l.batch.g.cols;
        const xs = Array.from({ length: 20 }, (_, k) => randomMatrix(1000 * (index + 1) + k, da, dg));
        const applied = xs.map((x) => preconditionBest(block, x));
        applied.forEach(({ result }, k) => {
          expect(dot(xs[k].data, result.data), `${l.name}: ⟨X_${k}, P(X_${k})⟩`).toBeGreaterThan(0);
          const p32 = preconditionFloat32(block, xs[k]);
          expect(dot(xs[k].data, p32.data), `${l.name}: float32 ⟨X_${k}, P(X_${k})⟩`).toBeGreaterThan(0);
        });
        for (let k = 0; k + 1 < xs.length; k++) {
          const [x, y] = [xs[k], xs[k + 1]];
          const [px, py] = [applied[k].result, applied[k + 1].result];
          const tol = applied[k].exact ? TOLERANCES.symmetry64 : TOLERANCES.symmetry32;
          expect(Math.abs(dot(x.data, py.data) - dot(px.data, y.data)), `${l.name}: symmetry`).toBeLessThanOrEqual(
            tol * norm(x.data) * norm(py.data),
          );
        }
      } finally {
        block.dispose();
      }
    });
  });
}
