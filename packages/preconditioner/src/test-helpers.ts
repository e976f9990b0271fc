// Test-only helpers (not exported from index.ts).
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type KroneckerTerm } from '@fisherkit/core';
import type { LayerBatch, LayerSpec } from '@fisherkit/fisher';
import type { ApproximationPlugin, BlockState, CurvatureBlock, Damping } from './contract.js';

/** A call a {@link spyPlugin} block received. */
export interface SpyCall {
  layer: number;
  kind: 'statistics' | 'inverse' | 'precondition';
  rho?: number;
  damping?: Damping;
  m?: number;
}

/**
 * A plug-in whose blocks precondition with the identity (Δ = DW) and log every call; with
 * `klClip: null` the driver is then plain SGD with momentum and weight decay.
 */
export function spyPlugin(log: SpyCall[] = []): ApproximationPlugin<{ scale: number }> {
  return {
    id: 'spy',
    title: 'Identity preconditioner that records calls',
    reference: 'test',
    defaults: { scale: 1 },
    createBlock(layer: LayerSpec, options: { scale: number }): CurvatureBlock {
      let stats = 0;
      return {
        layer,
        updateStatistics(batch: LayerBatch, rho: number) {
          stats += 1;
          log.push({ layer: layer.index, kind: 'statistics', rho, m: batch.a.rows });
        },
        updateInverse(damping: Damping) {
          log.push({ layer: layer.index, kind: 'inverse', damping });
        },
        precondition(grad: tf.Tensor2D) {
          log.push({ layer: layer.index, kind: 'precondition' });
          return options.scale === 1 ? grad.clone() : (tf.mul(grad, options.scale) as tf.Tensor2D);
        },
        terms(): KroneckerTerm[] {
          return [];
        },
        diagnostics() {
          return { statistics: stats };
        },
        getState(): BlockState {
          return { stats };
        },
        setState(state: BlockState) {
          stats = state.stats as number;
        },
        dispose() {},
      };
    },
  };
}

export { lowRankData } from './conformance/fixtures.js';

/** Every weight of a model as one flat array. */
export function flatWeights(model: { getWeights(): tf.Tensor2D[] }): number[] {
  const ws = model.getWeights();
  const out = ws.flatMap((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return out;
}
