import type * as tf from '@tensorflow/tfjs-core';
import type { KroneckerTerm, Matrix } from '@fisherkit/core';
import type { LayerBatch, LayerSpec, TrainableModel } from '@fisherkit/fisher';

/**
 * Factored Tikhonov damping for one inverse update: the first Kronecker term becomes
 * `(A + π√λ I) ⊗ (G + (√λ/π) I)` with `π = sqrt((tr A / d_a) / (tr G / d_g))` (`tracenorm`) or 1.
 */
export interface Damping {
  lambda: number;
  pi: 'tracenorm' | 'one';
}

/** Plain-data state of a block (Float64 matrices and numbers), for checkpoints. */
export type BlockState = Record<string, Matrix | number | boolean | null | Matrix[]>;

/**
 * One layer's curvature approximation. A block owns its tfjs tensors (release them in `dispose`).
 * Gradients are in the `[d_a, d_g]` weight layout (`DWᵀ`), so for a term `A ⊗ G` the product
 * `(A ⊗ G) vec(DW)` is `A · DWᵀ · G` in that layout.
 */
export interface CurvatureBlock {
  readonly layer: LayerSpec;
  /**
   * New statistics from a Fisher mini-batch, averaged into the current ones:
   * `X ← ρ X + (1 − ρ) X_new` for every factor (ρ = 0 on the first update).
   */
  updateStatistics(batch: LayerBatch, rho: number): void;
  /** Recomputes the damped inverse from the current statistics (or starts doing so, see `finishInverse`). */
  updateInverse(damping: Damping): void;
  /**
   * Optional: completes an inverse refresh that `updateInverse` started elsewhere (e.g. on a
   * worker thread, so that several blocks refresh at once). The driver calls it for every block
   * after all of a step's `updateInverse` calls and before any `precondition`; it throws what
   * `updateInverse` would have thrown had it computed the inverse itself.
   */
  finishInverse?(): void;
  /** `≈ (F̃ + damping)⁻¹ grad` for a `[d_a, d_g]` gradient; returns a new tensor owned by the caller. */
  precondition(grad: tf.Tensor2D): tf.Tensor2D;
  /**
   * Optional Float64 twin of {@link CurvatureBlock.precondition} for a `[d_a, d_g]` matrix: the exact
   * reference used by tests, the conformance suite and `fisherkit approx`.
   */
  preconditionExact?(grad: Matrix): Matrix;
  /** The current undamped approximation `F̃ = Σ_k A_k ⊗ G_k`. */
  terms(): KroneckerTerm[];
  /** Counters for the run's diagnostics (e.g. power-iteration counts, capped iterations). */
  diagnostics(): Record<string, number>;
  getState(): BlockState;
  setState(state: BlockState): void;
  dispose(): void;
}

/**
 * An approximation plug-in: a named factory of per-layer blocks. Packages marked
 * `"fisherkit": {"kind": "approximation"}` in their package.json default-export one.
 */
export interface ApproximationPlugin<O extends object = Record<string, unknown>> {
  /** Short CLI name, e.g. `kfac`, `kpsvd`. */
  id: string;
  title: string;
  /** The paper the mathematics comes from. */
  reference: string;
  defaults: O;
  /** Validates user options merged over the defaults; throws OptionError naming the bad option. */
  validateOptions?(options: O): void;
  createBlock(layer: LayerSpec, options: O): CurvatureBlock;
}

/** Plain-data optimiser state for checkpoints (tensors downloaded to arrays). */
export type OptimizerState = Record<string, unknown>;

/**
 * The optimiser interface shared by the first-order baselines and `naturalGradient(plugin)`, so the
 * training loop and the bench treat every method alike.
 */
export interface Optimizer {
  readonly name: string;
  /** One training step on a mini-batch; returns the mini-batch loss before the update. */
  step(model: TrainableModel, x: tf.Tensor2D, y: tf.Tensor2D, context: StepContext): number;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
  /** Counters for the run's diagnostics. */
  diagnostics(): Record<string, number>;
  dispose(): void;
}

/** Where the training loop is: global step (0-based) and epoch (0-based). */
export interface StepContext {
  step: number;
  epoch: number;
}
