import type { Matrix } from '../matrix/matrix.js';

/**
 * One Kronecker product `A ⊗ G` of a Fisher-block approximation `F̃ = Σ_k A_k ⊗ G_k`:
 * `A` is d_a × d_a (input side), `G` is d_g × d_g (output-gradient side).
 * It acts on a gradient matrix V (d_g × d_a) as `(A ⊗ G) vec(V) = vec(G V A)` (column-major vec).
 */
export interface KroneckerTerm {
  A: Matrix;
  G: Matrix;
}
