import { gemmModel, type GemmTransposes } from './onnx-model.js';
import type { OrtBinding, OrtNativeSession } from './ort-binding.js';

/**
 * A native session running the serialised ONNX model `bytes` on `threads` intra-op threads, with
 * the options every session of this package uses (the matMul kernel, the Float64 products and the
 * gradient pass).
 * @example `const s = createModelSession(loadOrtBinding(), gemmModel({ transA: false, transB: true }), 1)`
 */
export function createModelSession(ort: OrtBinding, bytes: Uint8Array, threads: number): OrtNativeSession {
  const session = ort.createSession();
  session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    // Idle pool threads sleep instead of spinning: on a shared machine spinning burns CPU time
    // that other work (and the caller's own JS between products) needs, and inside one graph it
    // gains nothing (measured: 62 ms sleeping vs 66 ms spinning per MNIST gradient pass, 2 threads).
    extra: { 'session.intra_op.allow_spinning': '0' },
  });
  return session;
}

/**
 * A native session running the one-node {@link gemmModel} `model` on `threads` intra-op threads
 * (shared by the float32 matMul kernel and the Float64 products).
 * @example `const s = createGemmSession(loadOrtBinding(), { transA: false, transB: true }, 1)`
 */
export function createGemmSession(ort: OrtBinding, model: GemmTransposes, threads: number): OrtNativeSession {
  return createModelSession(ort, gemmModel(model), threads);
}

/**
 * One ONNX Runtime session per transpose pair (at most four), each created on first use and
 * all released by {@link GemmSessions.release}. {@link GemmSessions.gemm} runs
 *
 *     out = op(a) · op(b)        (m × k times k × n, op = transpose when the flag is set)
 *
 * synchronously, reading `a` and `b` where they lie and writing straight into `out`
 * (a pre-allocated fetch), so views into the wasm heap need no copies.
 *
 * @example
 * ```ts
 * const sessions = new GemmSessions(loadOrtBinding(), 2);
 * sessions.gemm(false, true, a, b, out, 3, 4, 5); // out (3×5) = a (3×4) · bᵀ, b is 5×4
 * sessions.release();
 * ```
 */
export class GemmSessions {
  private readonly sessions = new Map<number, OrtNativeSession>();

  constructor(
    private readonly ort: OrtBinding,
    private readonly threads: number,
  ) {}

  /** The session for one transpose pair, created (model bytes → native session) on first use. */
  private session(transA: boolean, transB: boolean): OrtNativeSession {
    const key = (transA ? 2 : 0) + (transB ? 1 : 0);
    let s = this.sessions.get(key);
    if (!s) {
      s = createGemmSession(this.ort, { transA, transB }, this.threads);
      this.sessions.set(key, s);
    }
    return s;
  }

  /**
   * `out ← op(a) · op(b)` for one matrix: `a` holds m·k values (row-major m × k, or k × m when
   * `transA`), `b` k·n values (k × n, or n × k when `transB`), `out` m·n values (m × n).
   */
  gemm(transA: boolean, transB: boolean, a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void {
    const { Tensor } = this.ort;
    this.session(transA, transB).run(
      { A: new Tensor('float32', a, transA ? [k, m] : [m, k]), B: new Tensor('float32', b, transB ? [n, k] : [k, n]) },
      { C: new Tensor('float32', out, [m, n]) },
      {},
    );
  }

  /** Releases every native session; a later {@link GemmSessions.gemm} creates them again. */
  release(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }
}
