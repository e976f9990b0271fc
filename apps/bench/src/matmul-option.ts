import type { BackendInfo } from '@fisherkit/core';
import type { DenseStackModel } from '@fisherkit/fisher';
import { setInverseWorkerPreload } from '@fisherkit/preconditioner';
import { CliError } from './cli-error.js';
import { parseInteger } from './cli-numbers.js';

/** Which kernel runs tfjs' float32 matMuls: the backend's own, or ONNX Runtime's (`@fisherkit/matmul-onnx`). */
export type MatMulKernel = 'backend' | 'onnx';

/** What a results file records about the matMul kernel. */
export interface MatMulInfo {
  kernel: MatMulKernel;
  /** ONNX Runtime intra-op threads per product (onnx only). */
  threads?: number;
  /** onnxruntime-node version (onnx only). */
  ortVersion?: string;
  /**
   * Where the large Float64 products of the curvature linear algebra run (onnx only): ONNX
   * Runtime's DGEMM on the main thread with `threads` threads and in the inverse worker with 1.
   */
  float64Products?: string;
  /**
   * What computes the gradient passes without curvature capture: `tfjs` (kernel by kernel) or
   * `onnx-graph (N threads)` (the whole forward/backward pass as one ONNX Runtime graph).
   */
  gradientPass?: string;
}

/** Which engine runs the plain gradient passes: tfjs kernel by kernel, or one ONNX Runtime graph. */
export type GradientPassEngine = 'tfjs' | 'onnx';

/** What `--matmul`, `--matmul-threads` and `--gradient-pass` chose. */
export interface MatMulChoice {
  kernel: MatMulKernel;
  threads?: number;
  gradientPass: GradientPassEngine;
}

/**
 * Parses `--matmul`, `--matmul-threads` and `--gradient-pass`: `backend` (default: the tfjs
 * backend's own kernel and core's WebAssembly Float64 kernels) or `onnx` (ONNX Runtime's CPU Gemm
 * for the float32 matMuls, ≈ 3× the wasm kernel's GFLOP per CPU second, its DGEMM for the
 * curvature's Float64 products, and by default the whole plain gradient pass as one graph;
 * `--gradient-pass tfjs` keeps that pass on tfjs kernels).
 * @example `parseMatMul('onnx', '1') // { kernel: 'onnx', threads: 1, gradientPass: 'onnx' }`
 */
export function parseMatMul(kernel: string | undefined, threads: string | undefined, gradientPass?: string): MatMulChoice {
  const k = kernel ?? 'backend';
  if (k !== 'backend' && k !== 'onnx') throw new CliError(`--matmul must be backend or onnx, got "${k}"`);
  if (threads !== undefined && k !== 'onnx') throw new CliError('--matmul-threads applies to --matmul onnx only; add --matmul onnx or drop it');
  const pass = gradientPass ?? (k === 'onnx' ? 'onnx' : 'tfjs');
  if (pass !== 'tfjs' && pass !== 'onnx') throw new CliError(`--gradient-pass must be tfjs or onnx, got "${pass}"`);
  if (pass === 'onnx' && k !== 'onnx') throw new CliError('--gradient-pass onnx runs on ONNX Runtime: add --matmul onnx, or drop --gradient-pass');
  return { kernel: k, gradientPass: pass, ...(threads === undefined ? {} : { threads: parseInteger(threads, '--matmul-threads') }) };
}

/** An installed matMul kernel: what to record, and how to put the backend's own kernel back. */
export interface InstalledMatMul {
  info: MatMulInfo;
  uninstall: () => void;
  /**
   * Plugs the chosen gradient pass into a freshly built model (a no-op for `tfjs`) and returns
   * what puts the tfjs pass back and releases the native one.
   */
  attachGradientPass: (model: DenseStackModel) => () => void;
}

const TFJS_PASS = (): (() => void) => () => {};

/**
 * Installs the chosen matMul kernel on the active backend and returns what to record. `onnx`
 * loads `@fisherkit/matmul-onnx` on demand, so the default path never touches ONNX Runtime, and
 * sends every large product to ONNX Runtime: tfjs' float32 matMuls (`installOnnxMatMul`), the
 * main thread's Float64 linear algebra (`installOnnxFloat64Products`, same threads) and the
 * inverse worker's (one thread, through `setInverseWorkerPreload`); with `gradientPass: 'onnx'`,
 * `attachGradientPass` runs each plain forward/backward pass as one graph (`createOnnxGradientPass`).
 * @throws CliError when onnx is asked for on a backend other than wasm or cpu, or ONNX Runtime cannot load.
 * @example `const { info } = await installMatMul({ kernel: 'onnx', threads: 1 }, backend)`
 */
export async function installMatMul(choice: MatMulChoice, backend: BackendInfo): Promise<InstalledMatMul> {
  if (choice.kernel === 'backend') return { info: { kernel: 'backend', gradientPass: 'tfjs' }, uninstall: () => {}, attachGradientPass: TFJS_PASS };
  if (backend.name !== 'wasm' && backend.name !== 'cpu') {
    throw new CliError(`--matmul onnx replaces the wasm or cpu backend's kernel, but the backend is ${backend.name}; add --backend wasm`);
  }
  const specifier = '@fisherkit/matmul-onnx';
  let onnx: typeof import('@fisherkit/matmul-onnx');
  try {
    onnx = await import('@fisherkit/matmul-onnx');
  } catch (e) {
    throw new CliError(`--matmul onnx needs the package ${specifier} (npm install ${specifier}): ${(e as Error).message}`);
  }
  const threads = choice.threads !== undefined ? { threads: choice.threads } : {};
  let matMul: ReturnType<typeof onnx.installOnnxMatMul> | undefined;
  let float64: ReturnType<typeof onnx.installOnnxFloat64Products> | undefined;
  try {
    matMul = onnx.installOnnxMatMul({ backendName: backend.name, ...threads });
    float64 = onnx.installOnnxFloat64Products(threads);
    setInverseWorkerPreload({ module: import.meta.resolve(specifier), exportName: 'installOnnxFloat64Products', options: { threads: 1 } });
    return {
      info: {
        kernel: 'onnx',
        threads: matMul.threads,
        ortVersion: matMul.ortVersion,
        float64Products: `ONNX Runtime DGEMM: ${float64.threads} thread(s) on the main thread, 1 in the inverse worker`,
        gradientPass: choice.gradientPass === 'onnx' ? `onnx-graph (${matMul.threads} thread(s))` : 'tfjs',
      },
      attachGradientPass:
        choice.gradientPass === 'onnx'
          ? (model) => {
              const pass = onnx.createOnnxGradientPass(model.denseLayers, model.loss, { backendName: backend.name as 'wasm' | 'cpu', ...threads });
              model.setGradientPass(pass);
              return () => {
                model.setGradientPass(null);
                pass.dispose();
              };
            }
          : TFJS_PASS,
      uninstall: () => {
        matMul?.uninstall();
        float64?.uninstall();
        setInverseWorkerPreload(null);
      },
    };
  } catch (e) {
    matMul?.uninstall();
    float64?.uninstall();
    throw new CliError(`--matmul onnx: ${(e as Error).message}`);
  }
}
