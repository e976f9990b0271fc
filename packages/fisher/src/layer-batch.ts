import { ShapeError, type Matrix } from '@fisherkit/core';
import type { LayerBatch } from './model.js';

/**
 * Throws a {@link ShapeError} unless `batch.a` (m × d_a) and `batch.g` (m × d_g) have the same
 * number of rows m ≥ 1 and consistent data lengths. Returns m.
 *
 * @example
 * ```ts
 * const m = assertLayerBatch(captures[3], 'captures[3]');
 * ```
 */
export function assertLayerBatch(batch: LayerBatch, what = 'layer batch'): number {
  const check = (x: Matrix | undefined, name: string): void => {
    if (x == null || x.data == null || x.data.length !== x.rows * x.cols) {
      throw new ShapeError(`${what}.${name} is not a matrix with rows × cols entries; pass the Float64 matrices captured by computeGradients`);
    }
  };
  check(batch?.a, 'a');
  check(batch?.g, 'g');
  if (batch.a.rows !== batch.g.rows || batch.a.rows < 1) {
    throw new ShapeError(
      `${what}: a has ${batch.a.rows} rows and g has ${batch.g.rows}; both must hold the same m ≥ 1 Fisher examples`,
    );
  }
  return batch.a.rows;
}
