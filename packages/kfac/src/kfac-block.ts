import { kfacStatistics, type LayerSpec } from '@fisherkit/fisher';
import { kroneckerBlock, type KroneckerEstimator } from '@fisherkit/preconditioner';

/**
 * The KFAC estimator (Martens & Grosse 2015): one Kronecker product of the second moments of the
 * layer inputs and of the pre-activation gradients,
 *
 *     F ≈ A ⊗ G,   A = (1/m) Σ a_i a_iᵀ,   G = (1/m) Σ g_i g_iᵀ.
 *
 * @example `kfacEstimator()(batch, null).terms[0] // { A, G }`
 */
export function kfacEstimator(): KroneckerEstimator {
  return (batch) => ({ terms: [kfacStatistics(batch)] });
}

/**
 * One layer's KFAC block: running averages of A and G, inverted with factored Tikhonov damping,
 * `Δ (weight layout [d_a, d_g]) = (A + π√λ I)⁻¹ · DWᵀ · (G + (√λ/π) I)⁻¹`, in Float64 and applied
 * on the tfjs backend as two matMuls.
 *
 * @example `const block = createKfacBlock({ index: 0, name: 'dense', inputSize: 784, outputSize: 1000 })`
 */
export function createKfacBlock(layer: LayerSpec) {
  return kroneckerBlock(layer, 'kfac', kfacEstimator());
}

/** The block type KFAC creates. */
export type KfacBlock = ReturnType<typeof createKfacBlock>;
