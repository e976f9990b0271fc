import { OptionError, useFloat64Products, type Float64ProductProvider } from '@fisherkit/core';
import { createGemmSession } from './gemm-sessions.js';
import { resolveThreads } from './options.js';
import { loadOrtBinding, type OrtNativeSession } from './ort-binding.js';

/**
 * Float64 products below this many multiply-adds (m·n·k) stay on core's WebAssembly SIMD kernel:
 * 48³ ≈ 110,000. A call costs ≈ 25 µs of CPU besides the product (packing, wrappers, `run`),
 * and core's kernel runs ≈ 4–5 G multiply-adds per CPU second here against ≈ 15 for ONNX
 * Runtime's DGEMM, so the two break even near 10⁵; measured with `npm run bench:linalg`.
 */
export const DEFAULT_FLOAT64_MIN_WORK = 48 ** 3;

/** Options of {@link installOnnxFloat64Products}. */
export interface OnnxFloat64ProductsOptions {
  /** ONNX Runtime intra-op threads per product (a positive integer). Default: `os.availableParallelism()`. */
  threads?: number;
  /** Products with fewer multiply-adds (m·n·k) stay on core's kernels. Default: {@link DEFAULT_FLOAT64_MIN_WORK}. */
  minWork?: number;
}

/** What {@link installOnnxFloat64Products} returns. */
export interface OnnxFloat64ProductsHandle {
  /** ONNX Runtime intra-op threads per product. */
  readonly threads: number;
  /** Products below this many multiply-adds stay on core's kernels. */
  readonly minWork: number;
  /** The onnxruntime-node version in use. */
  readonly ortVersion: string;
  /** Products run on ONNX Runtime since the install, and their multiply-adds Σ m·n·k. */
  stats(): { calls: number; multiplyAdds: number };
  /** Gives the products back to core's kernels and releases the sessions. Idempotent. */
  uninstall(): void;
}

const KNOWN = ['threads', 'minWork'];

function resolveFloat64Options(options: OnnxFloat64ProductsOptions): Required<OnnxFloat64ProductsOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`installOnnxFloat64Products: options must be an object like { threads: 1 }, got ${String(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.includes(name)) throw new OptionError(`installOnnxFloat64Products: unknown option "${name}"; the options are ${KNOWN.join(', ')}`);
  }
  const threads = resolveThreads('installOnnxFloat64Products', options.threads);
  const minWork = options.minWork ?? DEFAULT_FLOAT64_MIN_WORK;
  if (typeof minWork !== 'number' || !Number.isFinite(minWork) || minWork < 0) {
    throw new OptionError(
      `installOnnxFloat64Products: minWork must be a finite number ≥ 0 (multiply-adds m·n·k; 0 sends every product to ONNX Runtime), got ${String(options.minWork)}`,
    );
  }
  return { threads, minWork };
}

/**
 * Runs the large Float64 matrix products of `@fisherkit/core`'s linear algebra (Cholesky,
 * triangular solves, `spdInverse`, `symmetricEigen`, `generalizedSymmetricEigen`, the compressed
 * R(F) products) on ONNX Runtime's CPU `Gemm` (MLAS DGEMM), via core's `useFloat64Products`:
 *
 *     C ← C − A · Bᵀ   (one Gemm, alpha = −1, beta = 1)
 *
 * for every product with at least `minWork` multiply-adds. Results agree with core's own kernels
 * to rounding; the accuracy of the decompositions is unchanged (residuals ≈ 1e-15 relative). It
 * affects the calling thread only (each worker thread installs its own).
 *
 * @throws {OptionError} for invalid options, or when another Float64 product provider is set.
 * @throws {OnnxRuntimeUnavailableError} when onnxruntime-node or its native binary cannot load.
 * @example
 * ```ts
 * import { symmetricEigen } from '@fisherkit/core';
 * import { installOnnxFloat64Products } from '@fisherkit/matmul-onnx';
 *
 * const onnx = installOnnxFloat64Products({ threads: 1 });
 * const { values, vectors } = symmetricEigen(a); // ≈ 2× faster at n = 1001
 * onnx.uninstall();
 * ```
 */
export function installOnnxFloat64Products(options: OnnxFloat64ProductsOptions = {}): OnnxFloat64ProductsHandle {
  const { threads, minWork } = resolveFloat64Options(options);
  const ort = loadOrtBinding();
  const load = (transB: boolean): OrtNativeSession =>
    createGemmSession(ort, { transA: false, transB, dtype: 'float64', subtractFromC: true }, threads);
  let sessions: { nt: OrtNativeSession; nn: OrtNativeSession } | undefined = { nt: load(true), nn: load(false) };
  const stats = { calls: 0, multiplyAdds: 0 };
  const { Tensor } = ort;
  /** `out = c − a · op(b)` on one session; `bDims` is b's shape ([n, k] for Bᵀ, [k, n] for B). */
  const subtract = (session: OrtNativeSession, m: number, n: number, k: number, a: Float64Array, b: Float64Array, bDims: number[], c: Float64Array, out: Float64Array): void => {
    session.run(
      { A: new Tensor('float64', a, [m, k]), B: new Tensor('float64', b, bDims), C: new Tensor('float64', c, [m, n]) },
      { Y: new Tensor('float64', out, [m, n]) },
      {},
    );
    stats.calls++;
    stats.multiplyAdds += m * n * k;
  };
  const provider: Float64ProductProvider = {
    name: `onnxruntime-node ${ort.version} DGEMM, ${threads} thread${threads === 1 ? '' : 's'}`,
    minWork,
    subtractProductNT: (m, n, k, a, b, c, out) => subtract(sessions!.nt, m, n, k, a, b, [n, k], c, out),
    subtractProductNN: (m, n, k, a, b, c, out) => subtract(sessions!.nn, m, n, k, a, b, [k, n], c, out),
  };
  let restore: () => void;
  try {
    restore = useFloat64Products(provider);
  } catch (e) {
    sessions.nt.dispose();
    sessions.nn.dispose();
    throw e;
  }
  return {
    threads,
    minWork,
    ortVersion: ort.version,
    stats: () => ({ ...stats }),
    uninstall() {
      if (sessions === undefined) return;
      restore();
      sessions.nt.dispose();
      sessions.nn.dispose();
      sessions = undefined;
    },
  };
}
