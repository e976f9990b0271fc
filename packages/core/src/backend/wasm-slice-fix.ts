import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's backend object that the slice kernel uses. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}

const patched = new Set<string>();

/**
 * Replaces the `Slice` kernel of tfjs-backend-wasm with one that reads its input in place from the
 * wasm heap:
 *
 *     out[i₀, …, i_{r−1}] = x[begin₀ + i₀, …, begin_{r−1} + i_{r−1}],   0 ≤ i_d < size_d
 *
 * copied one innermost run at a time (one memory copy per run; the whole slice at once when it
 * is contiguous).
 *
 * Why: tfjs-backend-wasm 4.22's `Slice` first copies the whole input out of the heap
 * (`readSync`, a fresh JS buffer) and only then copies the slice. Slicing the stacked `[dK; db]`
 * gradient of a 785 × 1000 layer thus moved and allocated ≈ 3 MB per call: 16 ms of readSync per
 * MNIST training step plus the garbage collection of ≈ 50 MB a step (measured with `--cpu-prof`).
 * Values are identical (the same elements are copied). String tensors keep the original kernel.
 * Idempotent; returns false where the backend has no `Slice` kernel.
 *
 * @example
 * ```ts
 * await tf.setBackend('wasm');
 * installWasmSliceFix();
 * tf.slice(x, [0, 0], [784, -1]); // no copy of the whole of x
 * ```
 */
export function installWasmSliceFix(backendName = 'wasm'): boolean {
  if (patched.has(backendName)) return true;
  const original = tf.getKernel('Slice', backendName);
  if (original == null) return false;
  const kernelFunc: tf.KernelFunc = (args) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    if (x.dtype === 'string') return original.kernelFunc(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [from, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
    const backend = args.backend as unknown as WasmHeapBackend;
    const out = backend.makeOutput(extent, x.dtype);
    const total = extent.reduce((p, q) => p * q, 1);
    if (total === 0) return out;
    const source = backend.typedArrayFromHeap(x);
    const target = backend.typedArrayFromHeap(out);
    const strides = tf.util.computeStrides(x.shape);
    if (tf.slice_util.isSliceContinous(x.shape, from, extent)) {
      const offset = tf.slice_util.computeFlatOffset(from, strides);
      target.set(source.subarray(offset, offset + total));
      return out;
    }
    copyRuns(source, x.shape, strides, from, extent, target);
    return out;
  };
  tf.unregisterKernel('Slice', backendName);
  tf.registerKernel({ ...original, kernelFunc });
  patched.add(backendName);
  return true;
}

/** Copies the slice `from … from + extent` of `source` (row-major, `strides`) into `target`, one innermost run at a time. */
function copyRuns(
  source: tf.TypedArray,
  shape: number[],
  strides: number[],
  from: number[],
  extent: number[],
  target: tf.TypedArray,
): void {
  const rank = shape.length;
  const run = extent[rank - 1];
  const outer = extent.slice(0, rank - 1);
  const index = new Array<number>(rank - 1).fill(0);
  const runs = outer.reduce((p, q) => p * q, 1);
  for (let r = 0, written = 0; r < runs; r++, written += run) {
    let offset = from[rank - 1];
    for (let d = 0; d < rank - 1; d++) offset += (from[d] + index[d]) * strides[d];
    target.set(source.subarray(offset, offset + run), written);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < outer[d]) break;
      index[d] = 0;
    }
  }
}
