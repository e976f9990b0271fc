import { expect, it } from 'vitest';
import type { Matrix } from '@fisherkit/core';
import { relativeDifference } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { preconditionBest, randomMatrix, type BlockWithExact } from '../tensors.js';
import { TOLERANCES } from '../tolerances.js';
import { largeDampingScale } from './scale.js';

/**
 * Check (e): damping dominates as it grows, `λ P(X) → X`. With the trace scale
 * `s = (tr A₁/π + π tr G₁)²` of the damped first term, `‖λ P(X) − X‖ ≤ 1e-3 ‖X‖` at `λ = 1e6 s`,
 * and that error is smaller than at `λ = 1e2 s` (the trend), default options, `pi: 'tracenorm'`.
 * Kind `custom` uses the larger of the dense KFAC trace scale and `tr F` ({@link largeDampingScale}).
 */
export function registerLargeDampingChecks(ctx: ConformanceContext): void {
  it('λ·P(grad) tends to grad as the damping λ grows', () => {
    ctx.layers().forEach((l, index) => {
      const block = ctx.createBlock(l.layer);
      try {
        block.updateStatistics(l.batch, 0);
        const s = largeDampingScale(ctx, l.batch, block);
        const grad = randomMatrix(2000 + index, l.batch.a.cols, l.batch.g.cols);
        const errorAt = (lambda: number): number => {
          block.updateInverse({ lambda, pi: 'tracenorm' });
          return relativeDifference(scaled(preconditionBest(block as BlockWithExact, grad).result, lambda), grad.data);
        };
        const moderate = errorAt(1e2 * s);
        const large = errorAt(1e6 * s);
        expect(large, `${l.name}: ‖λP(X) − X‖/‖X‖ at λ = 1e6·s`).toBeLessThanOrEqual(TOLERANCES.largeDamping);
        expect(large, `${l.name}: error shrinks from λ = 1e2·s (${moderate}) to 1e6·s`).toBeLessThan(moderate);
      } finally {
        block.dispose();
      }
    });
  });
}

function scaled(m: Matrix, s: number): Float64Array {
  return m.data.map((v) => v * s);
}
