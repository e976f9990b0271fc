/**
 * The tolerances of the conformance suite, in one place so that they are never loosened ad hoc.
 */
export const TOLERANCES = {
  /** Relative Frobenius distance of `R(F̃)` to the dense reference (accurate options). */
  terms: 1e-6,
  /** Smallest relative singular-value gap the fixtures must have for a reference to be well defined. */
  gap: 0.1,
  /** Round-off allowance of the matrix-free relative error in the inequalities (absolute). */
  errorRoundOff: 1e-9,
  /** `|error(plug-in) − error(reference)| / error(reference)` for the truncated-SVD targets. */
  errorMatch: 1e-4,
  /** Float32 preconditioning against the dense Float64 solve (relative). */
  float32: 1e-3,
  /** Float64 `preconditionExact` against the dense solve (relative). */
  float64: 1e-8,
  /** Symmetry `⟨X, P(Y)⟩ ≈ ⟨P(X), Y⟩`, relative to `‖X‖‖P(Y)‖`: Float64 / float32 paths. */
  symmetry64: 1e-10,
  symmetry32: 1e-4,
  /** `‖λ P(X) − X‖ / ‖X‖` at `λ = 1e6 · trace scale`. */
  largeDamping: 1e-3,
  /** Running-average factors against `ρ old + (1 − ρ) new` of the iterative kinds (relative). */
  runningAverage: 1e-6,
  /** Float64 `preconditionExact` after a checkpoint round trip (relative). */
  checkpoint64: 1e-12,
} as const;
