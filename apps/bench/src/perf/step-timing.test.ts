import { describe, expect, it } from 'vitest';
import { applicationMatMuls, flops, parameterCount, stepMatMuls, summariseSteps } from './step-timing.js';

describe('step-timing bookkeeping (no timing)', () => {
  it('counts the dense pass matMuls: ≈ 6 × parameters × batch less the first input gradient', () => {
    const sizes = [4, 3, 2];
    expect(parameterCount(sizes)).toBe(5 * 3 + 4 * 2);
    // forward 2·B·(4·3 + 3·2), kernel gradients the same, δ·Kᵀ only for the second layer: 2·B·3·2
    expect(flops(stepMatMuls(sizes, 10))).toBe(2 * 10 * (2 * (12 + 6) + 6));
    expect(flops(applicationMatMuls(sizes, 1))).toBe(2 * 5 * 3 * (5 + 3) + 2 * 4 * 2 * (4 + 2));
    expect(flops(applicationMatMuls(sizes, 2))).toBe(2 * flops(applicationMatMuls(sizes, 1)));
  });

  it('charges a refresh with its whole period and the final flush, excluding the step after it from plain', () => {
    // refreshes at 0 and 4; plain steps 2, 3, 6 (step 1 and 5 follow a refresh)
    const ms = [50, 14, 10, 10, 30, 13, 10];
    const s = summariseSteps(ms, ms, 4, 1, { ms: 5, cpuMs: 5 });
    expect(s.refreshSteps).toEqual([0, 4]);
    expect(s.plainMs).toBe(10);
    expect(s.coldRefreshMs).toBe(40 + 4 + 0 + 0);
    expect(s.warmRefreshMs).toBe(20 + 3 + 0 + 5);
    expect(summariseSteps(ms, ms, 0, 1).coldRefreshMs).toBeNull();
  });
});
