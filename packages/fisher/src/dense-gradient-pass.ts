import type * as tf from '@tensorflow/tfjs-core';
import type { DenseLayerParams } from './dense-layer-params.js';
import type { GradientResult, LossName } from './model.js';

/**
 * Another engine for a dense stack's gradient pass without curvature capture (the hot path of
 * every training step): the same `L = (1/B) Σ_b ℓ_b` and `[d_a, d_g]` gradients
 * `[x_lᵀ δ_l ; 𝟙ᵀ δ_l]` as `computeDenseGradients`, computed elsewhere (e.g. as one ONNX Runtime
 * graph by `@fisherkit/matmul-onnx`). Plug one in with `DenseStackModel.setGradientPass`.
 *
 * @example
 * ```ts
 * const pass: DenseGradientPass = createOnnxGradientPass(model.denseLayers, model.loss);
 * model.setGradientPass(pass);
 * ```
 */
export interface DenseGradientPass {
  /** Recorded in results (e.g. `'onnx-graph'`). */
  readonly name: string;
  /** Throws a `ShapeError` unless the pass was built for these layers' widths and activations and this loss. */
  assertMatches(params: readonly DenseLayerParams[], loss: LossName): void;
  /** Loss and gradients of one validated batch (`x` `[B, d_0]`, `y` `[B, d_L]`, float32, finite); the caller owns the gradients. */
  run(params: readonly DenseLayerParams[], x: tf.Tensor2D, y: tf.Tensor2D): GradientResult;
  /** Releases native resources; later runs throw. */
  dispose(): void;
}
