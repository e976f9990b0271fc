import { relativeFisherError, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import { ERROR2_MAX_SIZE, singularValueError } from './singular-value-error.js';

/** The paper's two accuracy measures of one approximation of one Fisher block. */
export interface BlockErrors {
  /** Error 1 = ‖F − F̃‖_F / ‖F‖_F (exact, from the sample identities; any layer size). */
  error1: number;
  /** Error 2 = ‖σ(F) − σ(F̃)‖₂ / ‖σ(F)‖₂ (sorted), or null when d_a·d_g exceeds `error2MaxSize`. */
  error2: number | null;
}

/**
 * Error 1 and Error 2 of `F̃ = Σ A_k ⊗ G_k` against `F = (1/m) Σ (a_i a_iᵀ) ⊗ (g_i g_iᵀ)`:
 * Error 1 = `‖F − F̃‖_F / ‖F‖_F` (`relativeFisherError`), Error 2 = `‖σ(F) − σ(F̃)‖₂ / ‖σ(F)‖₂`
 * (`singularValueError`: exact products for one term; for two, a block Lanczos for the rank(F)
 * largest |λ(F̃)| plus the Frobenius tail `‖F̃‖_F² − Σ_{i≤r} σ_i(F̃)²`). Error 2 is null when
 * `d_a · d_g > error2MaxSize` (default {@link ERROR2_MAX_SIZE} = 32768; about 0.65 s of CPU per
 * two-term method at the MNIST experiment-1 block 31 × 250 with m = 128).
 *
 * @example `blockErrors(capture.a, capture.g, block.terms()) // { error1: 0.21, error2: 0.08 }`
 */
export function blockErrors(a: Matrix, g: Matrix, terms: KroneckerTerm[], error2MaxSize = ERROR2_MAX_SIZE): BlockErrors {
  return { error1: relativeFisherError(a, g, terms), error2: singularValueError(a, g, terms, error2MaxSize) };
}
