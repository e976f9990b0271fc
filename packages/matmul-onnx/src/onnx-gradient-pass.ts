import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { FisherkitError, OptionError, ShapeError } from '@fisherkit/core';
import type { DenseGradientPass, DenseLayerParams, GradientResult, LossName } from '@fisherkit/fisher';
import { denseGradientModel } from './dense-gradient-graph.js';
import { float32Storage, type SupportedBackend } from './float32-storage.js';
import { createModelSession } from './gemm-sessions.js';
import { resolveThreads } from './options.js';
import { loadOrtBinding, type OrtBinding, type OrtNativeSession, type OrtTensor } from './ort-binding.js';

/** Options of {@link createOnnxGradientPass}. */
export interface OnnxGradientPassOptions {
  /** ONNX Runtime intra-op threads of the graph (a positive integer). Default: `os.availableParallelism()`. */
  threads?: number;
  /** The tfjs backend whose tensors the pass reads and writes in place. Default: `'wasm'`. */
  backendName?: SupportedBackend;
}

/** What {@link createOnnxGradientPass} returns: a `DenseGradientPass` plus what to record. */
export interface OnnxGradientPass extends DenseGradientPass {
  readonly threads: number;
  readonly backendName: SupportedBackend;
  /** Passes run on ONNX Runtime so far. */
  readonly runs: number;
}

const KNOWN = ['threads', 'backendName'];

/**
 * A dense stack's whole gradient pass (forward, loss, backward: {@link denseGradientModel}) as
 * one ONNX Runtime graph, for `DenseStackModel.setGradientPass`. The pass reads the batch and the
 * kernel and bias variables where the backend keeps them and writes each `[d_a, d_g]` gradient
 * straight into a new tfjs tensor's memory, so nothing is copied; one `run` replaces the ≈ 60
 * tfjs kernels of a step, and ONNX Runtime's threads stay busy across its products. Passes with
 * curvature capture keep the tfjs path (they need the Fisher rows' sampled targets mid-pass).
 *
 * Values equal the tfjs pass's to float32 rounding (products are summed in another order).
 *
 * @throws {OptionError} for unknown options, bad `threads`, or a backend other than wasm/cpu.
 * @throws {ShapeError} when consecutive layers' widths do not chain.
 * @throws {OnnxRuntimeUnavailableError} when onnxruntime-node cannot load.
 * @example
 * ```ts
 * const model = createDenseNetwork({ sizes: [784, 1000, 784], activations: ['relu', 'sigmoid'], loss: 'bce', seed: 0 });
 * const pass = createOnnxGradientPass(model.denseLayers, model.loss, { threads: 2 });
 * model.setGradientPass(pass);
 * // … train …
 * model.setGradientPass(null);
 * pass.dispose();
 * ```
 */
export function createOnnxGradientPass(
  layers: readonly DenseLayerParams[],
  loss: LossName,
  options: OnnxGradientPassOptions = {},
): OnnxGradientPass {
  if (typeof options !== 'object' || options === null) {
    throw new OptionError(`createOnnxGradientPass: options must be an object like { threads: 2 }, got ${String(options)}`);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN.includes(name)) throw new OptionError(`createOnnxGradientPass: unknown option "${name}"; the options are ${KNOWN.join(', ')}`);
  }
  const threads = resolveThreads('createOnnxGradientPass', options.threads);
  const backendName = options.backendName ?? 'wasm';
  if (backendName !== 'wasm' && backendName !== 'cpu') {
    throw new OptionError(`createOnnxGradientPass: backendName must be 'wasm' or 'cpu', got ${JSON.stringify(backendName)}`);
  }
  const sizes = layerSizes(layers);
  const ort = loadOrtBinding();
  const session = createModelSession(ort, denseGradientModel({ sizes, activations: layers.map((p) => p.activation), loss }), threads);
  return new NativeGradientPass(ort, session, sizes, layers.map((p) => p.activation), loss, threads, backendName);
}

/** `[d_0, d_1, …, d_L]` of a dense stack, checking that each kernel's rows match the previous kernel's columns. */
function layerSizes(layers: readonly DenseLayerParams[]): number[] {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new ShapeError('createOnnxGradientPass: layers is empty; pass model.denseLayers of a DenseNetwork or an adapted tf.Sequential');
  }
  const sizes = [layers[0].kernel.shape[0]];
  layers.forEach((p, l) => {
    if (p.kernel.shape[0] !== sizes[l]) {
      throw new ShapeError(`createOnnxGradientPass: layer ${l} ("${p.name}") takes ${p.kernel.shape[0]} inputs but layer ${l - 1} has ${sizes[l]} outputs`);
    }
    sizes.push(p.kernel.shape[1]);
  });
  return sizes;
}

class NativeGradientPass implements OnnxGradientPass {
  readonly name = 'onnx-graph';
  runs = 0;
  private disposed = false;

  constructor(
    private readonly ort: OrtBinding,
    private readonly session: OrtNativeSession,
    private readonly sizes: readonly number[],
    private readonly activations: readonly string[],
    private readonly loss: LossName,
    readonly threads: number,
    readonly backendName: SupportedBackend,
  ) {}

  assertMatches(params: readonly DenseLayerParams[], loss: LossName): void {
    const widths = params.length > 0 ? [params[0].kernel.shape[0], ...params.map((p) => p.kernel.shape[1])] : [];
    const activations = params.map((p) => p.activation);
    if (loss !== this.loss || widths.join() !== this.sizes.join() || activations.join() !== this.activations.join()) {
      throw new ShapeError(
        `the ONNX gradient pass was built for widths [${this.sizes.join(', ')}], activations [${this.activations.join(', ')}] and loss ${this.loss}, ` +
          `but the model has [${widths.join(', ')}], [${activations.join(', ')}] and ${loss}; build it from this model: createOnnxGradientPass(model.denseLayers, model.loss)`,
      );
    }
  }

  run(params: readonly DenseLayerParams[], x: tf.Tensor2D, y: tf.Tensor2D): GradientResult {
    if (this.disposed) throw new FisherkitError('disposed', 'the ONNX gradient pass was disposed; call model.setGradientPass(null) before pass.dispose()');
    const active = tf.getBackend();
    if (active !== this.backendName) {
      throw new OptionError(
        `the ONNX gradient pass reads ${this.backendName} tensors but the active backend is ${active}; create it with { backendName: '${active}' } (wasm or cpu)`,
      );
    }
    const backend = tf.backend();
    const storage = float32Storage(this.backendName);
    if (!storage.readable(backend, x, y)) {
      throw new FisherkitError('backend', `the ONNX gradient pass needs x and y as float32 tensors of the ${this.backendName} backend; create them after the backend is selected`);
    }
    const gradients: TensorInfo[] = [];
    try {
      for (let l = 0; l + 1 < this.sizes.length; l++) gradients.push(storage.allocate(backend, [this.sizes[l] + 1, this.sizes[l + 1]]));
      // Views only after every allocation: a wasm allocation may grow the heap and detach older views.
      const tensor = (t: TensorInfo): OrtTensor => new this.ort.Tensor('float32', storage.view(backend, t), t.shape);
      const feeds: Record<string, OrtTensor> = { X: tensor(x), Y: tensor(y) };
      const fetches: Record<string, OrtTensor | null> = { loss: null };
      params.forEach((p, l) => {
        feeds[`K${l}`] = tensor(p.kernel);
        feeds[`b${l}`] = tensor(p.bias);
        // [dK; db] in one row-major buffer: dK is its first d_in rows, db its last row.
        const [rows, cols] = gradients[l].shape;
        const values = storage.view(backend, gradients[l]);
        fetches[`GK${l}`] = new this.ort.Tensor('float32', values.subarray(0, (rows - 1) * cols), [rows - 1, cols]);
        fetches[`Gb${l}`] = new this.ort.Tensor('float32', values.subarray((rows - 1) * cols), [1, cols]);
      });
      const out = this.session.run(feeds, fetches, {});
      const loss = (out.loss.data as Float32Array)[0];
      this.runs++;
      return { loss, gradients: gradients.map((info) => tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor2D) };
    } catch (e) {
      for (const info of gradients) storage.release(backend, info);
      throw e;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session.dispose();
  }
}
