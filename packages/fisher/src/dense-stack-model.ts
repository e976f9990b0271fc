import * as tf from '@tensorflow/tfjs-core';
import { emptyFloat32, FisherkitError, float32View, ShapeError } from '@fisherkit/core';
import { computeDenseGradients, readScalar } from './compute-gradients.js';
import { disposeTrace, forwardOutput, forwardTrace } from './dense-pass.js';
import type { DenseLayerParams } from './dense-layer-params.js';
import type { DenseGradientPass } from './dense-gradient-pass.js';
import { batchLoss } from './loss.js';
import type { CaptureOptions, GradientResult, LayerSpec, LayerWeightViews, LossName, TrainableModel, WeightRewrite } from './model.js';
import { assertBatch, assertInput } from './validate-batch.js';
import { joinWeights, splitWeights } from './weight-layout.js';

/**
 * A {@link TrainableModel} over a list of dense layers (kernel and bias variables plus an
 * activation). `DenseNetwork` owns its variables; the `tf.Sequential` adapter borrows the user's.
 * Parameters are read and written in the `[d_a, d_g]` weight layout (kernel, bias as last row).
 *
 * @example
 * ```ts
 * const model = new DenseStackModel(params, 'mse', true);
 * const { gradients } = model.computeGradients(x, y);
 * ```
 */
export class DenseStackModel implements TrainableModel {
  readonly layers: readonly LayerSpec[];
  readonly loss: LossName;
  protected readonly params: readonly DenseLayerParams[];
  private readonly ownsVariables: boolean;
  private disposed = false;
  private gradientPass: DenseGradientPass | null = null;

  constructor(params: readonly DenseLayerParams[], loss: LossName, ownsVariables: boolean) {
    this.params = params;
    this.loss = loss;
    this.ownsVariables = ownsVariables;
    this.layers = params.map((p, index) => ({
      index,
      name: p.name,
      inputSize: p.kernel.shape[0],
      outputSize: p.kernel.shape[1],
    }));
  }

  /** Number of input features. */
  get inputSize(): number {
    return this.layers[0].inputSize;
  }

  /** Number of output units. */
  get outputSize(): number {
    return this.layers[this.layers.length - 1].outputSize;
  }

  /**
   * One forward and one backward pass (see `computeDenseGradients`): mean loss, `[d_a, d_g]`
   * gradients of `L = (1/B) Σ_b Σ_j ℓ_bj` and, with `capture`, each layer's `a_i`, `g_i`.
   *
   * @example
   * ```ts
   * const r = model.computeGradients(x, y, { fisherBatchSize: 32, fisher: 'sampled', rng });
   * tf.dispose(r.gradients);
   * ```
   */
  computeGradients(x: tf.Tensor2D, y: tf.Tensor2D, capture?: CaptureOptions): GradientResult {
    this.assertAlive();
    if (this.gradientPass && !capture) {
      assertBatch(x, y, this.inputSize, this.outputSize);
      return this.gradientPass.run(this.params, x, y);
    }
    return computeDenseGradients(this.params, this.loss, x, y, capture);
  }

  /**
   * Runs the passes without curvature capture on `pass` (e.g. one native graph) instead of the
   * tfjs kernels; passes with capture keep the tfjs path. `null` restores the tfjs path. The
   * model does not take ownership: dispose the pass after the model stops using it.
   *
   * @throws {ShapeError} when the pass was built for other layer widths, activations or loss.
   * @example
   * ```ts
   * model.setGradientPass(createOnnxGradientPass(model.denseLayers, model.loss));
   * ```
   */
  setGradientPass(pass: DenseGradientPass | null): void {
    if (pass) {
      this.assertAlive();
      pass.assertMatches(this.params, this.loss);
    }
    this.gradientPass = pass;
  }

  /** The name of the pass set with {@link DenseStackModel.setGradientPass}, or `'tfjs'`. */
  get gradientPassName(): string {
    return this.gradientPass?.name ?? 'tfjs';
  }

  /** The dense layers (variables borrowed, not copies), for building a {@link DenseGradientPass}. */
  get denseLayers(): readonly DenseLayerParams[] {
    return this.params;
  }

  /**
   * Mean mini-batch loss `(1/B) Σ_b ℓ_b` without gradients.
   *
   * @example
   * ```ts
   * const validationLoss = model.evaluate(xVal, yVal);
   * ```
   */
  evaluate(x: tf.Tensor2D, y: tf.Tensor2D): number {
    this.assertAlive();
    assertBatch(x, y, this.inputSize, this.outputSize);
    return readScalar(
      tf.tidy(() => {
        const trace = forwardTrace(this.params, x);
        const value = batchLoss(this.loss, trace.pre[trace.pre.length - 1], y);
        disposeTrace(trace);
        return value;
      }),
    );
  }

  /**
   * Model outputs after the output activation (sigmoid probabilities for bce, linear outputs for
   * mse, logits for softmax-ce). The caller disposes the result.
   *
   * @example
   * ```ts
   * const out = model.predict(x);
   * ```
   */
  predict(x: tf.Tensor2D): tf.Tensor2D {
    this.assertAlive();
    assertInput(x, this.inputSize, 'x');
    return forwardOutput(this.params, x);
  }

  /**
   * Every layer's parameters as new `[d_a, d_g]` tensors (kernel with the bias as last row).
   *
   * @example
   * ```ts
   * const ws = model.getWeights(); tf.dispose(ws);
   * ```
   */
  getWeights(): tf.Tensor2D[] {
    this.assertAlive();
    return this.params.map((p) => joinWeights(p.kernel, p.bias));
  }

  /**
   * `W_l ← W_l + delta_l` for every layer, in place (the variables stay the same objects).
   * The deltas are not disposed.
   *
   * @example
   * ```ts
   * model.applyDeltas(steps); // steps[l] has shape [d_in + 1, d_out]
   * ```
   */
  applyDeltas(deltas: readonly tf.Tensor2D[]): void {
    this.assertAlive();
    this.assertLayout(deltas, 'applyDeltas');
    tf.tidy(() => {
      this.params.forEach((p, l) => {
        const { kernel, bias } = splitWeights(deltas[l], p.kernel.shape[0]);
        p.kernel.assign(tf.add(p.kernel, kernel));
        p.bias.assign(tf.add(p.bias, bias));
      });
    });
  }

  /**
   * Starts a {@link WeightRewrite}: fresh tensors for every layer's kernel and bias, seen in place
   * beside the current ones, for a fused optimiser update
   *
   *     next_l[i] = f(current_l[i], …)   then   W_l ← next_l   for the committed layers
   *
   * New tensors rather than writes into the variables, because tfjs-backend-wasm caches packed
   * matMul weights per tensor. Null when any parameter cannot be viewed (a backend other than
   * wasm/cpu). Every `beginWeightRewrite` must end with `commit` (with all false to abandon it).
   *
   * @example
   * ```ts
   * const rewrite = model.beginWeightRewrite();
   * if (rewrite) {
   *   rewrite.current.forEach((w, l) => rewrite.next[l].kernel.set(w.kernel.map((v) => 0.9 * v)));
   *   rewrite.current.forEach((w, l) => rewrite.next[l].bias.set(w.bias));
   *   rewrite.commit(rewrite.current.map(() => true)); // every weight shrunk by 10%, biases kept
   * }
   * ```
   */
  beginWeightRewrite(): WeightRewrite | null {
    this.assertAlive();
    const tensors = this.params.map((p) => ({ kernel: emptyFloat32(p.kernel.shape), bias: emptyFloat32(p.bias.shape) }));
    const current: LayerWeightViews[] = [];
    const next: LayerWeightViews[] = [];
    for (let l = 0; l < this.params.length; l++) {
      const c = { kernel: float32View(this.params[l].kernel, 'read'), bias: float32View(this.params[l].bias, 'read') };
      const n = { kernel: float32View(tensors[l].kernel, 'write'), bias: float32View(tensors[l].bias, 'write') };
      if (!c.kernel || !c.bias || !n.kernel || !n.bias) {
        tensors.forEach((t) => tf.dispose([t.kernel, t.bias]));
        return null;
      }
      current.push(c as LayerWeightViews);
      next.push(n as LayerWeightViews);
    }
    let done = false;
    return {
      current,
      next,
      commit: (written) => {
        if (done) throw new FisherkitError('state', 'beginWeightRewrite: this rewrite was already committed; begin a new one');
        done = true;
        this.params.forEach((p, l) => {
          if (written[l]) {
            p.kernel.assign(tensors[l].kernel as tf.Tensor2D);
            p.bias.assign(tensors[l].bias as tf.Tensor1D);
          }
        });
        tensors.forEach((t) => tf.dispose([t.kernel, t.bias]));
      },
    };
  }

  /**
   * Replaces every layer's parameters with `weights[l]` (`[d_a, d_g]` layout), in place.
   * The tensors are copied, not taken over.
   *
   * @example
   * ```ts
   * other.setWeights(model.getWeights());
   * ```
   */
  setWeights(weights: readonly tf.Tensor2D[]): void {
    this.assertAlive();
    this.assertLayout(weights, 'setWeights');
    tf.tidy(() => {
      this.params.forEach((p, l) => {
        const { kernel, bias } = splitWeights(weights[l], p.kernel.shape[0]);
        p.kernel.assign(kernel);
        p.bias.assign(bias);
      });
    });
  }

  /**
   * Releases the variables this model owns (a `DenseNetwork`'s); an adapted `tf.Sequential`'s
   * variables stay with the user's model. Further calls throw.
   *
   * @example
   * ```ts
   * model.dispose();
   * ```
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsVariables) for (const p of this.params) tf.dispose([p.kernel, p.bias]);
  }

  private assertAlive(): void {
    if (this.disposed) throw new FisherkitError('disposed', 'this model was disposed; create a new one');
  }

  private assertLayout(tensors: readonly tf.Tensor2D[], op: string): void {
    if (!Array.isArray(tensors) || tensors.length !== this.layers.length) {
      throw new ShapeError(`${op} needs one tensor per layer (${this.layers.length}), got ${tensors?.length}`);
    }
    this.layers.forEach((layer, l) => {
      const t = tensors[l];
      const want = [layer.inputSize + 1, layer.outputSize];
      if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.shape[0] !== want[0] || t.shape[1] !== want[1]) {
        throw new ShapeError(
          `${op}: tensor ${l} (layer "${layer.name}") has shape [${t instanceof tf.Tensor ? t.shape.join(', ') : typeof t}] ` +
            `but the weight layout is [d_in + 1, d_out] = [${want.join(', ')}] (kernel with the bias as last row)`,
        );
      }
    });
  }
}
