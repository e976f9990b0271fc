import { addIdentity, assertFinite, assertSquare, NonFiniteError, OptionError, trace, type Matrix } from '@fisherkit/core';
import type { Damping } from './contract.js';

/**
 * The trace-norm ratio of factored Tikhonov damping (Martens & Grosse 2015, §6.3):
 *
 *     π = sqrt( (tr(A) / d_a) / (tr(G) / d_g) )
 *
 * It splits the damping `λ` between the two factors so that both are damped in proportion to
 * their average eigenvalue. When either mean trace is not positive (e.g. a layer whose output
 * gradients are all zero, so `G = 0`), the ratio is undefined and the function returns the
 * documented fallback `π = 1` (plain `√λ` on each factor). NaN/Infinity entries throw.
 *
 * @example
 * ```ts
 * tracenormPi(identity(3, 4), identity(2, 1)); // sqrt(4 / 1) = 2
 * ```
 */
export function tracenormPi(A: Matrix, G: Matrix): number {
  assertSquare(A, 'A');
  assertSquare(G, 'G');
  const ta = trace(A) / A.rows;
  const tg = trace(G) / G.rows;
  if (!Number.isFinite(ta) || !Number.isFinite(tg)) {
    throw new NonFiniteError(
      `tracenormPi: the factors have non-finite traces (tr A/d_a = ${ta}, tr G/d_g = ${tg}); ` +
        'the statistics contain NaN/Infinity — lower the learning rate or raise the damping',
    );
  }
  if (ta <= 0 || tg <= 0) return 1;
  return Math.sqrt(ta / tg);
}

/** The two damped KFAC-style factors and the π used to split the damping. */
export interface DampedFactors {
  /** `A + π√λ I` */
  A: Matrix;
  /** `G + (√λ/π) I` */
  G: Matrix;
  /** The π used (1 for `pi: 'one'`). */
  pi: number;
}

/**
 * Factored Tikhonov damping of a Kronecker term `A ⊗ G` (MATH.md §2):
 *
 *     Ā = A + π√λ I,   Ḡ = G + (√λ/π) I,   π = tracenormPi(A, G) or 1
 *
 * so that `Ā ⊗ Ḡ ≈ A ⊗ G + λ I` (up to the cross terms). Throws an {@link OptionError} for a
 * non-positive or non-finite λ and a {@link NonFiniteError} for NaN/Infinity in the factors.
 *
 * @example
 * ```ts
 * const { A, G, pi } = dampedFactors(a, g, { lambda: 1e-3, pi: 'tracenorm' });
 * const aInv = spdInverse(A), gInv = spdInverse(G);
 * ```
 */
export function dampedFactors(A: Matrix, G: Matrix, damping: Damping): DampedFactors {
  const { lambda } = damping;
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda <= 0) {
    throw new OptionError(`damping λ must be a finite number > 0, got ${lambda}`);
  }
  if (damping.pi !== 'tracenorm' && damping.pi !== 'one') {
    throw new OptionError(`damping pi must be 'tracenorm' or 'one', got ${String(damping.pi)}`);
  }
  assertFinite(A, 'factor A');
  assertFinite(G, 'factor G');
  const pi = damping.pi === 'tracenorm' ? tracenormPi(A, G) : 1;
  const root = Math.sqrt(lambda);
  return { A: addIdentity(A, pi * root), G: addIdentity(G, root / pi), pi };
}
