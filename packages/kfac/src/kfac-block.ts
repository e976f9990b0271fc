import * as tf from '@tensorflow/tfjs-core';
import { clone, combine, FisherkitError, ShapeError, spdInverse, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import { kfacStatistics, type LayerBatch, type LayerSpec } from '@fisherkit/fisher';
import { dampedFactors, type BlockState, type CurvatureBlock, type Damping } from '@fisherkit/preconditioner';

/**
 * One layer's KFAC block (Martens & Grosse 2015): `F ≈ A ⊗ G` with running averages of
 * `A = (1/m) Σ a_i a_iᵀ` and `G = (1/m) Σ g_i g_iᵀ`, inverted with factored Tikhonov damping:
 *
 *     Δ (weight layout [d_a, d_g]) = (A + π√λ I)⁻¹ · DWᵀ · (G + (√λ/π) I)⁻¹
 *
 * The inverses are computed in Float64 (`spdInverse`) and held on the tfjs backend as float32
 * tensors owned by the block.
 */
export class KfacBlock implements CurvatureBlock {
  readonly layer: LayerSpec;
  private readonly dA: number;
  private readonly dG: number;
  private A: Matrix | null = null;
  private G: Matrix | null = null;
  private aInverse: Matrix | null = null;
  private gInverse: Matrix | null = null;
  private pi = 1;
  private lambda = 0;
  private statisticsUpdates = 0;
  private inverseUpdates = 0;
  private aInverseTensor: tf.Tensor2D | null = null;
  private gInverseTensor: tf.Tensor2D | null = null;

  constructor(layer: LayerSpec) {
    this.layer = layer;
    this.dA = layer.inputSize + 1;
    this.dG = layer.outputSize;
  }

  updateStatistics(batch: LayerBatch, rho: number): void {
    if (!(rho >= 0 && rho < 1)) throw new FisherkitError('option', `kfac: running-average weight ρ must be in [0, 1), got ${rho}`);
    const { A, G } = kfacStatistics(batch);
    if (A.rows !== this.dA || G.rows !== this.dG) {
      throw new ShapeError(
        `kfac layer "${this.layer.name}": captured a_i, g_i give factors ${A.rows}² and ${G.rows}² but the layer needs d_a = ${this.dA}, d_g = ${this.dG}`,
      );
    }
    if (this.A === null || this.G === null || rho === 0) {
      this.A = A;
      this.G = G;
    } else {
      this.A = combine(rho, this.A, 1 - rho, A);
      this.G = combine(rho, this.G, 1 - rho, G);
    }
    this.statisticsUpdates += 1;
  }

  updateInverse(damping: Damping): void {
    if (this.A === null || this.G === null) {
      throw new FisherkitError('state', `kfac layer "${this.layer.name}": updateInverse called before any statistics`);
    }
    const damped = dampedFactors(this.A, this.G, damping);
    this.aInverse = spdInverse(damped.A);
    this.gInverse = spdInverse(damped.G);
    this.pi = damped.pi;
    this.lambda = damping.lambda;
    this.upload();
    this.inverseUpdates += 1;
  }

  precondition(grad: tf.Tensor2D): tf.Tensor2D {
    if (this.aInverseTensor === null || this.gInverseTensor === null) {
      throw new FisherkitError('state', `kfac layer "${this.layer.name}": precondition called before updateInverse`);
    }
    if (grad.rank !== 2 || grad.shape[0] !== this.dA || grad.shape[1] !== this.dG) {
      throw new ShapeError(`kfac layer "${this.layer.name}": gradient must be [${this.dA}, ${this.dG}] ([d_a, d_g]), got [${grad.shape.join(', ')}]`);
    }
    const aInv = this.aInverseTensor;
    const gInv = this.gInverseTensor;
    return tf.tidy(() => tf.matMul(tf.matMul(aInv, grad), gInv));
  }

  terms(): KroneckerTerm[] {
    return this.A && this.G ? [{ A: clone(this.A), G: clone(this.G) }] : [];
  }

  diagnostics(): Record<string, number> {
    return { statisticsUpdates: this.statisticsUpdates, inverseUpdates: this.inverseUpdates };
  }

  getState(): BlockState {
    return {
      A: this.A && clone(this.A),
      G: this.G && clone(this.G),
      aInverse: this.aInverse && clone(this.aInverse),
      gInverse: this.gInverse && clone(this.gInverse),
      pi: this.pi,
      lambda: this.lambda,
      statisticsUpdates: this.statisticsUpdates,
      inverseUpdates: this.inverseUpdates,
    };
  }

  setState(state: BlockState): void {
    const m = (key: string, n: number): Matrix | null => {
      const v = state[key] as Matrix | null | undefined;
      if (v === null || v === undefined) return null;
      if (typeof v !== 'object' || v.rows !== n || v.cols !== n || !(v.data instanceof Float64Array || Array.isArray(v.data))) {
        throw new ShapeError(`kfac layer "${this.layer.name}": saved ${key} must be a ${n} × ${n} matrix`);
      }
      return { rows: n, cols: n, data: Float64Array.from(v.data) };
    };
    this.A = m('A', this.dA);
    this.G = m('G', this.dG);
    this.aInverse = m('aInverse', this.dA);
    this.gInverse = m('gInverse', this.dG);
    this.pi = Number(state.pi ?? 1);
    this.lambda = Number(state.lambda ?? 0);
    this.statisticsUpdates = Number(state.statisticsUpdates ?? 0);
    this.inverseUpdates = Number(state.inverseUpdates ?? 0);
    this.upload();
  }

  dispose(): void {
    this.aInverseTensor?.dispose();
    this.gInverseTensor?.dispose();
    this.aInverseTensor = null;
    this.gInverseTensor = null;
  }

  /** Replaces the float32 copies of the inverses (old tensors disposed). */
  private upload(): void {
    this.dispose();
    if (this.aInverse && this.gInverse) {
      this.aInverseTensor = tf.tensor2d(Float32Array.from(this.aInverse.data), [this.dA, this.dA]);
      this.gInverseTensor = tf.tensor2d(Float32Array.from(this.gInverse.data), [this.dG, this.dG]);
    }
  }
}
