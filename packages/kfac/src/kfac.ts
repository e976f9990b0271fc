import { OptionError } from '@fisherkit/core';
import type { LayerSpec } from '@fisherkit/fisher';
import type { ApproximationPlugin } from '@fisherkit/preconditioner';
import { createKfacBlock, type KfacBlock } from './kfac-block.js';

/** KFAC has no options of its own (damping, π and the cadence belong to the driver). */
export type KfacOptions = Record<string, never>;

/**
 * KFAC (Martens & Grosse 2015) as a fisherkit approximation plug-in: every dense layer's Fisher
 * block is approximated by one Kronecker product of the input and output-gradient second moments,
 *
 *     F ≈ A ⊗ G,   A = (1/m) Σ a_i a_iᵀ,   G = (1/m) Σ g_i g_iᵀ,
 *
 * and the preconditioned gradient (in the `[d_a, d_g]` weight layout, i.e. `DWᵀ`) is
 *
 *     Δ = (A + π√λ I)⁻¹ · DWᵀ · (G + (√λ/π) I)⁻¹.
 *
 * @example
 * ```ts
 * import { naturalGradient, train } from '@fisherkit/preconditioner';
 * import kfac from '@fisherkit/kfac';
 * const optimizer = naturalGradient(kfac, { learningRate: 0.1, damping: 3e-3 });
 * await train(model, optimizer, { x, y }, { epochs: 10, batchSize: 256, seed: 0 });
 * ```
 */
export const kfac: ApproximationPlugin<KfacOptions> = {
  id: 'kfac',
  title: 'KFAC — Kronecker-factored approximate curvature',
  reference: 'Martens & Grosse 2015, ICML',
  defaults: {},
  validateOptions(options: KfacOptions): void {
    const names = Object.keys(options);
    if (names.length > 0) {
      throw new OptionError(
        `kfac has no plug-in options, got ${names.map((n) => `"${n}"`).join(', ')}; set damping, pi, tCov and tInv on naturalGradient instead`,
      );
    }
  },
  createBlock(layer: LayerSpec): KfacBlock {
    return createKfacBlock(layer);
  },
};

export default kfac;
