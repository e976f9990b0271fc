import { FisherkitError } from '@fisherkit/core';

/**
 * onnxruntime-node, or its native binary for this platform, could not be loaded. The message
 * says why and what to do; tfjs' own kernels are untouched, so the default wasm backend keeps
 * working without this package.
 *
 * @example
 * ```ts
 * try { installOnnxMatMul(); } catch (e) { if (e instanceof OnnxRuntimeUnavailableError) console.warn(e.message); }
 * ```
 */
export class OnnxRuntimeUnavailableError extends FisherkitError {
  constructor(message: string) {
    super('onnx-runtime-unavailable', message);
  }
}
