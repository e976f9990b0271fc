import * as tf from '@tensorflow/tfjs-core';
import { NonFiniteError, ShapeError } from '@fisherkit/core';

/**
 * Downloads 2-D tensors to plain arrays (row-major `number[]` per tensor) for a checkpoint.
 * float32 → number → float32 is exact, so a restored tensor is bit-identical.
 *
 * @example
 * ```ts
 * const saved = tensorsToArrays(model.getWeights()); // number[][]
 * ```
 */
export function tensorsToArrays(tensors: readonly tf.Tensor[]): number[][] {
  return tensors.map((t) => Array.from(t.dataSync()));
}

/**
 * Uploads plain arrays saved by {@link tensorsToArrays} as float32 tensors of the given shapes
 * (new tensors owned by the caller); a length mismatch or a non-finite entry throws.
 *
 * @example
 * ```ts
 * const ws = arraysToTensors(saved, model.layers.map((l) => [l.inputSize + 1, l.outputSize]), 'weights');
 * ```
 */
export function arraysToTensors(
  arrays: readonly (readonly number[])[],
  shapes: readonly (readonly [number, number])[],
  what: string,
): tf.Tensor2D[] {
  if (!Array.isArray(arrays) || arrays.length !== shapes.length) {
    throw new ShapeError(`${what}: expected ${shapes.length} arrays (one per layer), got ${Array.isArray(arrays) ? arrays.length : typeof arrays}`);
  }
  arrays.forEach((a, l) => {
    const [r, c] = shapes[l];
    if (!Array.isArray(a) || a.length !== r * c) {
      throw new ShapeError(`${what}: layer ${l} needs ${r} × ${c} = ${r * c} numbers, got ${Array.isArray(a) ? a.length : typeof a}`);
    }
    for (let k = 0; k < a.length; k++) {
      if (!Number.isFinite(a[k])) throw new NonFiniteError(`${what}: layer ${l} entry ${k} is ${a[k]}; the saved state is corrupt`);
    }
  });
  return arrays.map((a, l) => tf.tensor2d(a as number[], shapes[l] as [number, number], 'float32'));
}
