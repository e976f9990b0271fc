import type * as tf from '@tensorflow/tfjs-core';
import type { Matrix, Rng } from '@fisherkit/core';

/** Activation functions of dense layers. */
export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'linear';

/**
 * Losses. Convention (fixed across fisherkit, damping values are tied to it): the per-example
 * loss is SUMMED over output units and the mini-batch loss is the MEAN over examples.
 * - `bce`: binary cross-entropy on a sigmoid output, ℓ = −Σ_j [y_j log p_j + (1 − y_j) log(1 − p_j)]
 * - `mse`: squared error on a linear output, ℓ = ½ Σ_j (o_j − y_j)²  (Gaussian, unit variance)
 * - `softmax-ce`: softmax cross-entropy, ℓ = −Σ_j y_j log softmax(o)_j
 */
export type LossName = 'bce' | 'mse' | 'softmax-ce';

/**
 * One dense layer as fisherkit sees it: `s = W a` with `a = [x; 1]`,
 * `d_a = inputSize + 1` (bias folded in) and `d_g = outputSize`.
 */
export interface LayerSpec {
  /** Position among the dense layers, 0-based. */
  index: number;
  /** Human-readable name (the tfjs layer name for adapted models). */
  name: string;
  inputSize: number;
  outputSize: number;
}

/**
 * Per-sample curvature data of one layer on a Fisher mini-batch of m samples (Float64):
 * `a` (m × d_a) the homogeneous inputs (trailing 1), `g` (m × d_g) the pre-activation gradients of
 * the per-example loss with sampled targets (or observed targets for the empirical Fisher).
 * The Fisher block is `F = (1/m) Σ_i (a_i a_iᵀ) ⊗ (g_i g_iᵀ)`.
 */
export interface LayerBatch {
  a: Matrix;
  g: Matrix;
}

/** How to capture curvature data during a gradient pass. */
export interface CaptureOptions {
  /** Number of rows of the batch used for the Fisher (the first `fisherBatchSize` rows of a random permutation). */
  fisherBatchSize: number;
  /** `sampled` ("true" Fisher, targets drawn from the model) or `empirical` (observed targets). */
  fisher: 'sampled' | 'empirical';
  /** Source of the permutation and of the sampled targets. */
  rng: Rng;
}

/**
 * The result of one forward/backward pass. Tensors are owned by the caller (dispose them).
 * Gradients use the "weight layout" `[d_a, d_g]`: the kernel gradient (d_in × d_out) with the
 * bias gradient appended as the last row, i.e. `DWᵀ` in MATH.md's notation.
 */
export interface GradientResult {
  /** Mean mini-batch loss (see {@link LossName} for the convention). */
  loss: number;
  /** One `[d_a, d_g]` gradient per dense layer. */
  gradients: tf.Tensor2D[];
  /** Per-layer curvature data, present when capture options were given. */
  captures?: LayerBatch[];
  /**
   * With capture: the batch rows used for the Fisher, in capture order (row i of every
   * `captures[l].a` / `.g` is batch row `fisherRows[i]`). Optional; for diagnostics and tests.
   */
  fisherRows?: number[];
  /**
   * With capture: the targets the Fisher rows' `g_i` were computed with (m × d_out, Float64 copy of
   * the float32 values): sampled from the model for `fisher: 'sampled'`, observed for `'empirical'`.
   * Optional; lets a caller recompute `g_i` independently.
   */
  fisherTargets?: Matrix;
}

/**
 * A model fisherkit can train: a stack of dense layers whose parameters can be read and updated
 * in the `[d_a, d_g]` weight layout. Implemented by `DenseNetwork` and by the `tf.Sequential`
 * adapter.
 */
export interface TrainableModel {
  readonly layers: readonly LayerSpec[];
  readonly loss: LossName;
  /** One forward/backward pass: gradients, loss and (optionally) captured a_i, g_i. */
  computeGradients(x: tf.Tensor2D, y: tf.Tensor2D, capture?: CaptureOptions): GradientResult;
  /** Mean loss without gradients (validation). */
  evaluate(x: tf.Tensor2D, y: tf.Tensor2D): number;
  /** Current parameters of every layer, `[d_a, d_g]` each (new tensors, caller disposes). */
  getWeights(): tf.Tensor2D[];
  /** `W_l ← W_l + delta_l` for every layer (delta in `[d_a, d_g]` layout; not disposed). */
  applyDeltas(deltas: readonly tf.Tensor2D[]): void;
  /** Replaces every layer's parameters (checkpoint restore). */
  setWeights(weights: readonly tf.Tensor2D[]): void;
  /** Model outputs (after the output activation). */
  predict(x: tf.Tensor2D): tf.Tensor2D;
  /**
   * Optional: starts a {@link WeightRewrite}, fresh parameter tensors for a fused optimiser update
   * to write, or returns null when the backend cannot give in-place views. Optimisers fall back to
   * `getWeights`/`applyDeltas` otherwise.
   */
  beginWeightRewrite?(): WeightRewrite | null;
  dispose(): void;
}

/**
 * One layer's parameters seen in place (no copy): `kernel` is the d_in × d_out kernel row-major
 * and `bias` its d_out biases, so that `[...kernel, ...bias]` is the layer's `[d_a, d_g]` weight
 * layout. Valid until the next tfjs allocation (a growing wasm heap replaces its buffer).
 */
export interface LayerWeightViews {
  kernel: Float32Array;
  bias: Float32Array;
}

/**
 * New parameters being written for every layer: read `current`, write `next` (uninitialised),
 * then `commit`. The views are valid until the next tfjs allocation, so take any other views a
 * loop needs after `beginWeightRewrite` and make no tfjs call before `commit`.
 */
export interface WeightRewrite {
  current: LayerWeightViews[];
  next: LayerWeightViews[];
  /** Installs `next` for every layer with `written[l]` true (the others keep their parameters) and frees the rest. */
  commit(written: readonly boolean[]): void;
}
