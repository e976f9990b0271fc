import type { BackendInfo } from '@fisherkit/core';
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
}

/**
 * Parses `--matmul` and `--matmul-threads`: `backend` (default: the tfjs backend's own kernel) or
 * `onnx` (ONNX Runtime's CPU Gemm, ≈ 3× the wasm kernel's GFLOP per CPU second).
 * @example `parseMatMul('onnx', '1') // { kernel: 'onnx', threads: 1 }`
 */
export function parseMatMul(kernel: string | undefined, threads: string | undefined): { kernel: MatMulKernel; threads?: number } {
  const k = kernel ?? 'backend';
  if (k !== 'backend' && k !== 'onnx') throw new CliError(`--matmul must be backend or onnx, got "${k}"`);
  if (threads !== undefined && k !== 'onnx') throw new CliError('--matmul-threads applies to --matmul onnx only; add --matmul onnx or drop it');
  if (threads === undefined) return { kernel: k };
  return { kernel: k, threads: parseInteger(threads, '--matmul-threads') };
}

/** An installed matMul kernel: what to record, and how to put the backend's own kernel back. */
export interface InstalledMatMul {
  info: MatMulInfo;
  uninstall: () => void;
}

/**
 * Installs the chosen matMul kernel on the active backend and returns what to record. `onnx`
 * loads `@fisherkit/matmul-onnx` on demand, so the default path never touches ONNX Runtime.
 * @throws CliError when onnx is asked for on a backend other than wasm or cpu, or ONNX Runtime cannot load.
 * @example `const { info } = await installMatMul({ kernel: 'onnx', threads: 1 }, backend)`
 */
export async function installMatMul(choice: { kernel: MatMulKernel; threads?: number }, backend: BackendInfo): Promise<InstalledMatMul> {
  if (choice.kernel === 'backend') return { info: { kernel: 'backend' }, uninstall: () => {} };
  if (backend.name !== 'wasm' && backend.name !== 'cpu') {
    throw new CliError(`--matmul onnx replaces the wasm or cpu backend's kernel, but the backend is ${backend.name}; add --backend wasm`);
  }
  let onnx: typeof import('@fisherkit/matmul-onnx');
  try {
    onnx = await import('@fisherkit/matmul-onnx');
  } catch (e) {
    throw new CliError(`--matmul onnx needs the package @fisherkit/matmul-onnx (npm install @fisherkit/matmul-onnx): ${(e as Error).message}`);
  }
  try {
    const handle = onnx.installOnnxMatMul({ backendName: backend.name, ...(choice.threads !== undefined ? { threads: choice.threads } : {}) });
    return { info: { kernel: 'onnx', threads: handle.threads, ortVersion: handle.ortVersion }, uninstall: () => handle.uninstall() };
  } catch (e) {
    throw new CliError(`--matmul onnx: ${(e as Error).message}`);
  }
}
