import { expect, it } from 'vitest';
import type { Matrix } from '@fisherkit/core';
import type { BlockState, CurvatureBlock } from '../../contract.js';
import { meanTraceScale, relativeDifference } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { preconditionFloat32, randomMatrix, type BlockWithExact } from '../tensors.js';
import { TOLERANCES } from '../tolerances.js';

/**
 * A block state as it comes back from a JSON file: typed arrays become `number[]`, everything
 * passes through `JSON.stringify` / `JSON.parse`.
 *
 * @example `restored.setState(throughJsonFile(block.getState()));`
 */
export function throughJsonFile(state: BlockState): BlockState {
  const plain = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    if (Array.isArray(v)) return v.map(plain);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
  };
  return JSON.parse(JSON.stringify(plain(state))) as BlockState;
}

/**
 * Check (h): `getState` → JSON file → `setState` on a new block restores it exactly: identical
 * `terms()`, bit-identical float32 `precondition`, `preconditionExact` within 1e-12; and both blocks
 * stay identical through one more statistics/inverse update (exact resume).
 */
export function registerCheckpointChecks(ctx: ConformanceContext): void {
  it('state survives a JSON checkpoint round trip and resumes identically', () => {
    for (const index of [1, 3]) {
      const l = ctx.layers()[index];
      const damping = { lambda: 0.1 * meanTraceScale(ctx.references(l.batch).kfac), pi: 'tracenorm' as const };
      const grad = randomMatrix(3000 + index, l.batch.a.cols, l.batch.g.cols);
      const original = ctx.createBlock(l.layer);
      const restored = ctx.createBlock(l.layer);
      try {
        original.updateStatistics(l.batch, 0);
        original.updateStatistics(l.next, 0.5);
        original.updateInverse(damping);
        restored.setState(throughJsonFile(original.getState()));
        expectSameBlocks(original, restored, grad, `${l.name}, restored`);
        original.updateStatistics(l.batch, 0.5);
        restored.updateStatistics(l.batch, 0.5);
        original.updateInverse(damping);
        restored.updateInverse(damping);
        expectSameBlocks(original, restored, grad, `${l.name}, after one more update`);
      } finally {
        original.dispose();
        restored.dispose();
      }
    }
  });
}

function expectSameBlocks(a: BlockWithExact, b: BlockWithExact, grad: Matrix, at: string): void {
  const flat = (block: CurvatureBlock): number[][] => block.terms().flatMap((t) => [Array.from(t.A.data), Array.from(t.G.data)]);
  expect(flat(b), `${at}: terms()`).toEqual(flat(a));
  expect(Array.from(preconditionFloat32(b, grad).data), `${at}: float32 precondition`).toEqual(
    Array.from(preconditionFloat32(a, grad).data),
  );
  if (typeof a.preconditionExact === 'function') {
    expect(typeof b.preconditionExact).toBe('function');
    expect(relativeDifference(b.preconditionExact!(grad).data, a.preconditionExact(grad).data), `${at}: Float64 precondition`).toBeLessThanOrEqual(
      TOLERANCES.checkpoint64,
    );
  }
}
