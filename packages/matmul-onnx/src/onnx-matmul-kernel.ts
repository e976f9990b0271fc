import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { OptionError } from '@fisherkit/core';
import { float32Storage, type SupportedBackend } from './float32-storage.js';
import { GemmSessions } from './gemm-sessions.js';
import { matMulGeometry } from './matmul-geometry.js';
import { resolveOptions, type OnnxMatMulOptions } from './options.js';
import { loadOrtBinding } from './ort-binding.js';

/** Counters of an installed ONNX matMul kernel, since it was installed. */
export interface OnnxMatMulStats {
  /** Products answered by this kernel: run on ONNX Runtime, or empty (a zero dimension) and filled directly. */
  calls: number;
  /** Floating-point operations of those products, Σ 2·batch·m·k·n. */
  flops: number;
  /** Products handed to the original kernel: not float32, or below `minFlops`. */
  fallbacks: number;
}

/** What {@link installOnnxMatMul} returns. */
export interface OnnxMatMulHandle {
  /** The backend whose kernel was replaced. */
  readonly backendName: SupportedBackend;
  /** ONNX Runtime intra-op threads per product. */
  readonly threads: number;
  /** Products below this many floating-point operations use the original kernel. */
  readonly minFlops: number;
  /** The onnxruntime-node version in use. */
  readonly ortVersion: string;
  /** A snapshot of the counters. */
  stats(): OnnxMatMulStats;
  /** Re-registers the original kernel and releases the ONNX Runtime sessions. Idempotent. */
  uninstall(): void;
}

const BATCH_MAT_MUL = 'BatchMatMul';
const installed = new Set<SupportedBackend>();

/**
 * Replaces the `BatchMatMul` kernel of a tfjs backend (wasm by default) with one that computes
 * float32 products with ONNX Runtime's CPU `Gemm` (MLAS), multi-threaded, reading the operands in
 * place and writing into the output tensor's memory:
 *
 *     out[i] = op(a[iₐ]) · op(b[i_b]),   op(x) = xᵀ when transposeA / transposeB,
 *
 * for every output batch index i, the operand indices following numpy broadcasting of the batch
 * dimensions. Every tfjs caller benefits, autodiff's matMul gradients included. Products that are
 * not float32 or have fewer than `minFlops` floating-point operations (2·batch·m·k·n) go to the
 * kernel that was registered before (for wasm after `selectBackend()`, core's transposed-matMul
 * fix). Install after the backend's package is imported; the kernel takes effect at once.
 *
 * @throws {OptionError} for invalid options, a backend without a registered `BatchMatMul` kernel,
 *   or a second install on the same backend.
 * @throws {OnnxRuntimeUnavailableError} when onnxruntime-node or its native binary cannot load.
 * @example
 * ```ts
 * import { selectBackend } from '@fisherkit/core';
 * import { installOnnxMatMul } from '@fisherkit/matmul-onnx';
 *
 * await selectBackend({ backend: 'wasm' });
 * const onnx = installOnnxMatMul({ threads: 2 });
 * tf.matMul(x, w);             // runs on ONNX Runtime
 * console.log(onnx.stats());   // { calls: 1, flops: …, fallbacks: 0 }
 * onnx.uninstall();            // the wasm kernel again
 * ```
 */
export function installOnnxMatMul(options: OnnxMatMulOptions = {}): OnnxMatMulHandle {
  const { threads, backendName, minFlops } = resolveOptions(options);
  if (installed.has(backendName)) {
    throw new OptionError(
      `installOnnxMatMul: the ONNX matMul kernel is already installed on backend '${backendName}'; call uninstall() on its handle before installing again`,
    );
  }
  const original = tf.getKernel(BATCH_MAT_MUL, backendName);
  if (original == null) {
    throw new OptionError(
      `installOnnxMatMul: backend '${backendName}' has no ${BATCH_MAT_MUL} kernel registered; import '@tensorflow/tfjs-backend-${backendName}' ` +
        `(or call selectBackend() from @fisherkit/core) before installOnnxMatMul()`,
    );
  }
  const ort = loadOrtBinding();
  const sessions = new GemmSessions(ort, threads);
  const storage = float32Storage(backendName);
  const stats: OnnxMatMulStats = { calls: 0, flops: 0, fallbacks: 0 };
  let active = true;

  const fallback: KernelFunc = (args) => {
    if (active) stats.fallbacks++;
    return original.kernelFunc(args);
  };

  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    // A caller that captured this function (e.g. a kernel wrapper) may still call it after uninstall.
    if (!active || a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(args);
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const tA = Boolean(transposeA);
    const tB = Boolean(transposeB);
    const g = matMulGeometry(a.shape, b.shape, tA, tB);
    const empty = g.batch * g.m * g.n === 0 || g.k === 0;
    if ((!empty && g.flops < minFlops) || !storage.readable(backend, a, b)) return fallback(args);

    const ops = storage.operands(backend, a, b, g.outShape);
    try {
      if (empty) {
        ops.out.fill(0); // k = 0: a sum over nothing
      } else {
        const { m, k, n } = g;
        for (let i = 0; i < g.batch; i++) {
          const ai = g.aIndex(i) * m * k;
          const bi = g.bIndex(i) * k * n;
          sessions.gemm(tA, tB, ops.a.subarray(ai, ai + m * k), ops.b.subarray(bi, bi + k * n), ops.out.subarray(i * m * n, (i + 1) * m * n), m, k, n);
        }
      }
    } catch (e) {
      ops.discard();
      throw e;
    }
    stats.calls++;
    stats.flops += g.flops;
    return ops.result();
  };

  tf.unregisterKernel(BATCH_MAT_MUL, backendName);
  // Keep setupFunc/disposeFunc: a backend initialised later still sets up the original kernel.
  tf.registerKernel({ ...original, kernelFunc } as KernelConfig);
  installed.add(backendName);

  return {
    backendName,
    threads,
    minFlops,
    ortVersion: ort.version,
    stats: () => ({ ...stats }),
    uninstall() {
      if (!active) return;
      active = false;
      if (tf.getKernel(BATCH_MAT_MUL, backendName) != null) tf.unregisterKernel(BATCH_MAT_MUL, backendName);
      tf.registerKernel(original);
      sessions.release();
      installed.delete(backendName);
    },
  };
}
