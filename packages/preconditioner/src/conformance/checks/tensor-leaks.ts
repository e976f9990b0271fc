import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { meanTraceScale } from '../compare.js';
import type { ConformanceContext } from '../context.js';

/**
 * Check (g): no tfjs tensor leaks. After 30 cycles of `updateStatistics(ρ = 0.5)`,
 * `updateInverse` and `precondition` (outputs disposed), the tensor count is the same after every
 * cycle, and `dispose()` brings it back to the count before the block existed.
 */
export function registerTensorLeakChecks(ctx: ConformanceContext): void {
  it('leaks no tensors over 30 update/inverse/precondition cycles and dispose', () => {
    const l = ctx.layers()[3];
    const lambda = meanTraceScale(ctx.references(l.batch).kfac);
    const baseline = tf.memory().numTensors;
    const block = ctx.createBlock(l.layer);
    let perCycle: number | null = null;
    for (let cycle = 0; cycle < 30; cycle++) {
      block.updateStatistics(cycle % 2 === 0 ? l.batch : l.next, 0.5);
      block.updateInverse({ lambda, pi: 'tracenorm' });
      const grad = tf.randomNormal([l.batch.a.cols, l.batch.g.cols], 0, 1, 'float32', cycle) as tf.Tensor2D;
      const out = block.precondition(grad);
      expect(out, 'precondition must return a new tensor, not its input').not.toBe(grad);
      out.dispose();
      grad.dispose();
      const now = tf.memory().numTensors;
      if (perCycle === null) perCycle = now;
      expect(now, `tensor count after cycle ${cycle + 1}`).toBe(perCycle);
    }
    block.dispose();
    expect(tf.memory().numTensors, 'tensor count after dispose()').toBe(baseline);
  });
}
