import { describe, expect, it } from 'vitest';
import { ShapeError } from '@fisherkit/core';
import { matMulGeometry } from './matmul-geometry.js';

describe('matMulGeometry', () => {
  it('reads m, k, n through the transposes', () => {
    const g = matMulGeometry([5, 3], [4, 5], true, true);
    expect([g.m, g.k, g.n, g.batch, g.outShape, g.flops]).toEqual([3, 5, 4, 1, [3, 4], 2 * 3 * 5 * 4]);
  });

  it('broadcasts batch dimensions like numpy', () => {
    const g = matMulGeometry([2, 1, 4, 5], [3, 5, 6], false, false);
    expect(g.outShape).toEqual([2, 3, 4, 6]);
    expect(g.batch).toBe(6);
    expect([...Array(6).keys()].map(g.aIndex)).toEqual([0, 0, 0, 1, 1, 1]);
    expect([...Array(6).keys()].map(g.bIndex)).toEqual([0, 1, 2, 0, 1, 2]);
    const h = matMulGeometry([3, 4, 5], [5, 6], false, false);
    expect([...Array(3).keys()].map(h.aIndex)).toEqual([0, 1, 2]);
    expect([...Array(3).keys()].map(h.bIndex)).toEqual([0, 0, 0]);
  });

  it('rejects mismatched inner shapes, rank 1 and batches that do not broadcast', () => {
    expect(() => matMulGeometry([2, 3], [4, 5], false, false)).toThrow(/inner shapes \(3\) and \(4\)/);
    expect(() => matMulGeometry([3], [3, 5], false, false)).toThrow(ShapeError);
    expect(() => matMulGeometry([2, 3, 4], [3, 4, 5], false, false)).toThrow(/do not broadcast/);
  });
});
