import os from 'node:os';
import { OptionError } from '@fisherkit/core';
import type { SupportedBackend } from './float32-storage.js';

/**
 * Products below this many floating-point operations (2·batch·m·k·n) go to the backend's own
 * kernel: 2·128³ ≈ 4.2 MFLOP. A call through ONNX Runtime has a fixed cost of ≈ 25 µs of CPU
 * (≈ 13 µs of it inside the native `run`: input/output wrappers, the executor, the binding's copy
 * of the output into the value it returns) against ≈ 6–8 µs for a small wasm product, and MLAS
 * reaches its full speed only from ~128 on a side. Measured with `bench/small-products.ts` (see
 * the README): for square n³ products ONNX Runtime with 1 thread takes less CPU than the wasm
 * kernel from n ≈ 64 with transposeB (the wasm kernel then pays an explicit transpose) and from
 * n ≈ 80 for plain products, with 2 threads from n ≈ 96 / 110; from 128³ on it takes 1.6–3.2×
 * less CPU in every case.
 */
export const DEFAULT_MIN_FLOPS = 2 * 128 ** 3;

/** Options of {@link installOnnxMatMul}. */
export interface OnnxMatMulOptions {
  /** ONNX Runtime intra-op threads per product (a positive integer). Default: `os.availableParallelism()`. */
  threads?: number;
  /** The tfjs backend whose `BatchMatMul` kernel is replaced. Default: `'wasm'`. */
  backendName?: SupportedBackend;
  /** Products with fewer floating-point operations (2·batch·m·k·n) use the original kernel. Default: {@link DEFAULT_MIN_FLOPS}. */
  minFlops?: number;
}

/** {@link OnnxMatMulOptions} with every default filled in. */
export type ResolvedOnnxMatMulOptions = Required<OnnxMatMulOptions>;

const KNOWN = ['threads', 'backendName', 'minFlops'];

/**
 * Validates {@link OnnxMatMulOptions} and fills in the defaults.
 *
 * @throws {OptionError} for an unknown option name, threads that is not a positive integer, a
 *   backend other than wasm/cpu, or a negative / non-finite minFlops.
 * @example `resolveOptions({ threads: 1 }) // { threads: 1, backendName: 'wasm', minFlops: 4194304 }`
 */
export function resolveOptions(options: OnnxMatMulOptions = {}): ResolvedOnnxMatMulOptions {
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`installOnnxMatMul: options must be an object like { threads: 2 }, got ${String(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.includes(name)) {
      throw new OptionError(`installOnnxMatMul: unknown option "${name}"; the options are ${KNOWN.join(', ')}`);
    }
  }
  const threads = resolveThreads('installOnnxMatMul', options.threads);
  const backendName = options.backendName ?? 'wasm';
  if (backendName !== 'wasm' && backendName !== 'cpu') {
    throw new OptionError(`installOnnxMatMul: backendName must be 'wasm' or 'cpu', got ${JSON.stringify(backendName)}`);
  }
  const minFlops = options.minFlops ?? DEFAULT_MIN_FLOPS;
  if (typeof minFlops !== 'number' || !Number.isFinite(minFlops) || minFlops < 0) {
    throw new OptionError(
      `installOnnxMatMul: minFlops must be a finite number ≥ 0 (0 sends every float32 product to ONNX Runtime), got ${String(options.minFlops)}`,
    );
  }
  return { threads, backendName, minFlops };
}

/**
 * The ONNX Runtime intra-op threads of an install: `threads`, or `os.availableParallelism()` when
 * it is left out.
 *
 * @throws {OptionError} naming `owner` when `threads` is not a positive integer.
 * @example `resolveThreads('installOnnxMatMul', undefined) // 2 on a 2-core machine`
 */
export function resolveThreads(owner: string, threads: number | undefined): number {
  const resolved = threads ?? os.availableParallelism();
  if (!Number.isInteger(resolved) || resolved < 1) {
    throw new OptionError(
      `${owner}: threads must be a positive integer (ONNX Runtime intra-op threads), got ${String(threads)}; ` +
        `leave it out for os.availableParallelism() (${os.availableParallelism()} here)`,
    );
  }
  return resolved;
}
