import * as tf from '@tensorflow/tfjs-core';
import { FisherkitError } from '../errors.js';

/** The parts of tfjs-backend-wasm's and tfjs-backend-cpu's backend objects that views use. */
interface ViewableBackend {
  refCount(dataId: object): number;
  /** tfjs-backend-wasm: the heap and where each tensor lives in it. */
  wasm?: { HEAPU8: Uint8Array };
  dataIdMap?: { get(dataId: object): { memoryOffset: number | null } | undefined };
  /** tfjs-backend-cpu: each tensor's values. */
  data?: { get(dataId: object): { values?: unknown } | undefined };
}

/**
 * A `Float32Array` that aliases a float32 tensor's values where the backend keeps them (the
 * WebAssembly heap of tfjs-backend-wasm, the value array of tfjs-backend-cpu), or null where that
 * is not possible (another backend, another dtype). With `'write'` it is also null unless the
 * tensor is the only owner of its data (backend `refCount` 1), because writing through the view
 * would change every tensor sharing it (clones and reshapes share data in tfjs).
 *
 *     view[i] = t.dataSync()[i]   (row-major), with no copy
 *
 * The view is valid until the next tfjs allocation: a wasm heap that grows replaces its buffer.
 * So take every view a loop needs at once, after the last tfjs call, and write nothing but the
 * view's own values. Use it for fused elementwise loops that would otherwise be many tfjs kernels.
 * Do not write a tensor that matMuls use as weights (see {@link emptyFloat32}).
 *
 * @throws FisherkitError when `t` is disposed.
 *
 * @example
 * ```ts
 * const w = float32View(weights, 'write');
 * const g = float32View(grad, 'read');
 * if (w && g) for (let i = 0; i < w.length; i++) w[i] -= 0.1 * g[i];
 * ```
 */
export function float32View(t: tf.Tensor, mode: 'read' | 'write'): Float32Array | null {
  if (t.isDisposed) throw new FisherkitError('disposed', 'float32View: the tensor was disposed; take views of live tensors only');
  if (t.dtype !== 'float32') return null;
  const backend = ownerBackend(t);
  if (mode === 'write' && backend.refCount(t.dataId) !== 1) return null;
  return backendFloat32View(backend, t);
}

/**
 * The storage half of {@link float32View}, for kernels that hold a backend and a `TensorInfo`
 * rather than a tensor: the float32 values of `info` where `backend` keeps them (the wasm heap at
 * the tensor's offset, the cpu backend's value array), or null for another backend or a tensor
 * without float32 data there. No ownership check and no disposal check: the caller knows both.
 *
 * @example `const a = backendFloat32View(args.backend, args.inputs.a)` // inside a kernel
 */
export function backendFloat32View(backend: unknown, info: tf.TensorInfo): Float32Array | null {
  const b = backend as ViewableBackend;
  const size = info.shape.reduce((p, q) => p * q, 1);
  if (b.wasm?.HEAPU8 && b.dataIdMap) {
    const offset = b.dataIdMap.get(info.dataId)?.memoryOffset;
    return offset == null ? null : new Float32Array(b.wasm.HEAPU8.buffer, offset, size);
  }
  const values = b.data?.get(info.dataId)?.values;
  return values instanceof Float32Array && values.length === size ? values : null;
}

/** The backend that holds `t`'s data (a tensor stays on the backend it was made on). */
function ownerBackend(t: tf.Tensor): ViewableBackend {
  const state = (tf.engine() as unknown as { state: { tensorInfo: WeakMap<object, { backend: unknown }> } }).state;
  return (state.tensorInfo.get(t.dataId)?.backend ?? tf.backend()) as ViewableBackend;
}

/**
 * A new float32 tensor of `shape` whose values are to be written through {@link float32View}:
 * uninitialised on tfjs-backend-wasm (heap memory straight from its allocator), zeros elsewhere.
 * The caller owns it. Fused updates write new values into such a tensor instead of writing a
 * variable in place, because tfjs-backend-wasm caches packed matMul weights per tensor (XNNPACK),
 * so a variable changed in place would keep multiplying with its old values.
 *
 * @example
 * ```ts
 * const next = emptyFloat32([3, 2]);
 * float32View(next, 'write')!.fill(1);
 * variable.assign(next);
 * next.dispose();
 * ```
 */
export function emptyFloat32(shape: number[]): tf.Tensor {
  const backend = tf.backend() as unknown as ViewableBackend & { makeOutput?(shape: number[], dtype: 'float32'): tf.TensorInfo };
  if (backend.wasm?.HEAPU8 && typeof backend.makeOutput === 'function') {
    return tf.engine().makeTensorFromTensorInfo(backend.makeOutput(shape, 'float32'));
  }
  return tf.zeros(shape, 'float32');
}
