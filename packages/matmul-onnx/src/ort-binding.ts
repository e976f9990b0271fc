import { createRequire } from 'node:module';
import { OnnxRuntimeUnavailableError } from './errors.js';

/** The onnxruntime-node version whose internal binding path and calling convention this package was written against. */
export const ORT_VERSION = '1.30.0';

/** An ONNX Runtime tensor as the native binding reads it (an onnxruntime-common `Tensor`). */
export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** The onnxruntime-common `Tensor` constructor, float32 and float64 overloads only. */
export interface OrtTensorConstructor {
  new (type: 'float32', data: Float32Array, dims: readonly number[]): OrtTensor;
  new (type: 'float64', data: Float64Array, dims: readonly number[]): OrtTensor;
}

/** Session options as the native `loadModel` parses them (see onnxruntime-common `InferenceSession.SessionOptions`). */
export interface OrtSessionOptions {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  executionMode: 'sequential' | 'parallel';
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  enableCpuMemArena: boolean;
  /** Flat session config entries (`AddConfigEntry(key, value)`); values must be strings. */
  extra: Record<string, string>;
}

/** One native inference session: `run` is synchronous (onnxruntime-node's public API only wraps it in a Promise). */
export interface OrtNativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: OrtSessionOptions): void;
  run(
    feeds: Record<string, OrtTensor>,
    fetches: Record<string, OrtTensor | null>,
    options: Record<string, never>,
  ): Record<string, OrtTensor>;
  dispose(): void;
}

/** What {@link loadOrtBinding} returns. */
export interface OrtBinding {
  createSession(): OrtNativeSession;
  Tensor: OrtTensorConstructor;
  version: string;
}

let cached: OrtBinding | undefined;

/**
 * Loads onnxruntime-node's native binding synchronously (`onnxruntime-node/dist/binding.js`,
 * an internal path of version {@link ORT_VERSION}), initialises the ORT environment once and
 * returns a session factory plus the matching onnxruntime-common `Tensor` class. The result is
 * cached; `resolver` (a `require` that resolves from elsewhere) is a seam for tests and is not cached.
 *
 * @throws {OnnxRuntimeUnavailableError} when the package is missing, has another version, or its
 *   binary does not load on this platform; the message names the fix.
 * @example
 * ```ts
 * const ort = loadOrtBinding();
 * const session = ort.createSession();
 * ```
 */
export function loadOrtBinding(resolver?: NodeJS.Require): OrtBinding {
  if (cached && !resolver) return cached;
  const require = resolver ?? createRequire(import.meta.url);
  const keepsWorking =
    'tfjs kernels are untouched, so the default wasm backend keeps working: skip installOnnxMatMul() (or call handle.uninstall()) on this machine.';
  let bindingPath: string;
  let version: string;
  try {
    bindingPath = require.resolve('onnxruntime-node/dist/binding.js');
    version = (require('onnxruntime-node/package.json') as { version: string }).version;
  } catch (e) {
    throw new OnnxRuntimeUnavailableError(
      `onnxruntime-node is not installed (${(e as Error).message.split('\n')[0]}): run \`npm install onnxruntime-node@${ORT_VERSION}\` ` +
        `with the npm config onnxruntime-node-install=skip (in .npmrc) so that its postinstall does not try to download CUDA binaries. ${keepsWorking}`,
    );
  }
  if (version !== ORT_VERSION) {
    throw new OnnxRuntimeUnavailableError(
      `onnxruntime-node ${version} is installed, but @fisherkit/matmul-onnx uses its internal binding (dist/binding.js) as of ${ORT_VERSION}: ` +
        `install onnxruntime-node@${ORT_VERSION} exactly. ${keepsWorking}`,
    );
  }
  try {
    const mod = require(bindingPath) as {
      binding: { InferenceSession: new () => OrtNativeSession };
      initOrt: () => void;
    };
    // The same onnxruntime-common instance that initOrt() hands to the native side.
    const common = createRequire(bindingPath)('onnxruntime-common') as { Tensor: OrtTensorConstructor };
    mod.initOrt();
    const loaded: OrtBinding = { createSession: () => new mod.binding.InferenceSession(), Tensor: common.Tensor, version };
    if (!resolver) cached = loaded;
    return loaded;
  } catch (e) {
    throw new OnnxRuntimeUnavailableError(
      `onnxruntime-node ${version}'s native binary could not be loaded on ${process.platform}/${process.arch} (Node ${process.versions.node}): ` +
        `${(e as Error).message.split('\n')[0]}. onnxruntime-node ships binaries for linux, darwin and win32 on x64/arm64 only; reinstall it (npm ci) ` +
        `if the files under node_modules/onnxruntime-node/bin are missing. ${keepsWorking}`,
    );
  }
}
