import { util, type TensorInfo } from '@tensorflow/tfjs-core';
import { backendFloat32View } from '@fisherkit/core';

/** The backends whose `BatchMatMul` kernel {@link installOnnxMatMul} can replace. */
export type SupportedBackend = 'wasm' | 'cpu';

/** Views of a product's operands and its freshly allocated output, valid until the next backend allocation. */
export interface Float32Operands {
  a: Float32Array;
  b: Float32Array;
  out: Float32Array;
  /** The output tensor, to return from the kernel once `out` is written. */
  result(): TensorInfo;
  /** Frees the output after a failed product. */
  discard(): void;
}

/** How a backend stores float32 tensors, seen from a kernel. */
export interface Float32Storage {
  /** Whether both operands hold float32 data this storage can view in place. */
  readable(backend: unknown, a: TensorInfo, b: TensorInfo): boolean;
  /** Allocates the output (`outShape`), then returns views of a, b and the output. */
  operands(backend: unknown, a: TensorInfo, b: TensorInfo, outShape: number[]): Float32Operands;
  /** Allocates an uninitialised float32 tensor of `shape` (release it with {@link Float32Storage.release} unless it is handed to tfjs). */
  allocate(backend: unknown, shape: number[]): TensorInfo;
  /** A view of a float32 tensor's values, valid until the next backend allocation. */
  view(backend: unknown, t: TensorInfo): Float32Array;
  /** Frees a tensor made by {@link Float32Storage.allocate} that was never handed to tfjs. */
  release(backend: unknown, t: TensorInfo): void;
}

/** The parts of tfjs-backend-wasm's `BackendWasm` this package uses. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** The parts of tfjs-backend-cpu's `MathBackendCPU` this package uses. */
interface CpuBackendLike {
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  disposeData(dataId: object): boolean;
}

/**
 * Float32 tensors on the wasm backend live in the WebAssembly heap at
 * `dataIdMap.get(dataId).memoryOffset`; the views alias that memory (zero copy). The heap may
 * grow (and its ArrayBuffer be replaced) on any allocation, so views are made after the output
 * is allocated, as tfjs-backend-wasm's own JS kernels do with `typedArrayFromHeap`.
 *
 * @example `wasmStorage.operands(backend, a, b, [4, 6]).out.fill(0)`
 */
export const wasmStorage: Float32Storage = {
  readable: viewable,
  operands(backend, a, b, outShape) {
    const result = this.allocate(backend, outShape);
    return {
      a: this.view(backend, a),
      b: this.view(backend, b),
      out: this.view(backend, result),
      result: () => result,
      discard: () => this.release(backend, result),
    };
  },
  allocate(backend, shape) {
    return (backend as WasmBackendLike).makeOutput(shape, 'float32');
  },
  view: (backend, t) => backendFloat32View(backend, t)!,
  release(backend, t) {
    (backend as WasmBackendLike).disposeData(t.dataId);
  },
};

/**
 * Float32 tensors on the cpu backend are plain `Float32Array`s (`data.get(dataId).values`); the
 * output is a new array handed to `makeTensorInfo` (which keeps it without copying).
 *
 * @example `cpuStorage.operands(backend, a, b, [4, 6]).result()`
 */
export const cpuStorage: Float32Storage = {
  readable: viewable,
  operands(backend, a, b, outShape) {
    const out = new Float32Array(util.sizeFromShape(outShape));
    return {
      a: this.view(backend, a),
      b: this.view(backend, b),
      out,
      result: () => (backend as CpuBackendLike).makeTensorInfo(outShape, 'float32', out),
      discard: () => undefined,
    };
  },
  allocate(backend, shape) {
    return (backend as CpuBackendLike).makeTensorInfo(shape, 'float32', new Float32Array(util.sizeFromShape(shape)));
  },
  view: (backend, t) => backendFloat32View(backend, t)!,
  release(backend, t) {
    (backend as CpuBackendLike).disposeData(t.dataId);
  },
};

/** Whether both operands hold float32 data their backend lets us view in place (core's `backendFloat32View`). */
function viewable(backend: unknown, a: TensorInfo, b: TensorInfo): boolean {
  return backendFloat32View(backend, a) !== null && backendFloat32View(backend, b) !== null;
}

/** The storage of a supported backend. */
export function float32Storage(backendName: SupportedBackend): Float32Storage {
  return backendName === 'wasm' ? wasmStorage : cpuStorage;
}
