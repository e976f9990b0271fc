import { OptionError } from '../errors.js';
import { samplePairCache } from './sample-pair-cache.js';
import type { Matrix } from '../matrix/matrix.js';
import type { CompressedOperator, KroneckerOperator } from './kronecker-operator.js';
import { compressRf } from './rf-compressed.js';
import { checkOperand, quadraticForms, transposeData, weightedGram } from './sample-products.js';
import { assertFisherSamples } from './validate-kronecker.js';

/** Options of {@link rfOperator}. */
export interface RfOperatorOptions {
  /**
   * Whether the operator offers {@link KroneckerOperator.compressed} (its m-dimensional isometric
   * form): `true` always, `false` never, default (undefined) when it is the cheaper one,
   * `m² ≤ 16 (d_a² + d_g²)` — its setup costs `O(m³ + m²(d_a + d_g))` once, each product `2m²`,
   * against `2m(d_a² + d_g²)` per explicit product pair, and a refresh takes tens of products.
   */
  compressed?: boolean;
}

/**
 * The matrix-free rearranged Fisher block `R(F) = (1/m) Σ_i vec(a_i a_iᵀ) vec(g_i g_iᵀ)ᵀ`
 * (MATH.md §3), whose products cost about as much as forming the KFAC factors once:
 *
 *     times(Y)          = (1/m) Σ_i (g_iᵀ Y g_i) a_i a_iᵀ = aᵀ diag(c) a / m,   c_i = g_iᵀ Y g_i
 *     transposeTimes(X) = (1/m) Σ_i (a_iᵀ X a_i) g_i g_iᵀ = gᵀ diag(c') g / m,  c'_i = a_iᵀ X a_i
 *
 * Cost per product about `m (d_a² + d_g²)/2` multiply-adds: only the upper triangles of the
 * symmetric part of the operand and of the (symmetric) result are touched. The samples are copied
 * once, transposed so that every inner loop runs contiguously over the m samples.
 *
 * Every iterate of power iteration or Lanczos after the first product lies in `span(U)` or
 * `span(V)` (`U = [vec(a_i a_iᵀ)]`, `V = [vec(g_i g_iᵀ)]`), so the operator also offers itself in
 * m-dimensional isometric coordinates, `M = P^{1/2} Q^{1/2} / m` with `P_ij = (a_iᵀa_j)²`,
 * `Q_ij = (g_iᵀg_j)²` ({@link KroneckerOperator.compressed}, computed on first access; see
 * {@link RfOperatorOptions.compressed} for when). This is exact, not an approximation.
 *
 * @param a m × d_a homogeneous layer inputs, one sample per row.
 * @param g m × d_g pre-activation gradients, one sample per row.
 * @param options `compressed`: force (true) or forbid (false) the compressed form.
 * @throws ShapeError when a and g have different row counts, or an operand has the wrong shape.
 * @throws OptionError when `options.compressed` is not a boolean.
 * @throws NonFiniteError when a, g or an operand holds NaN/±Infinity.
 *
 * @example
 * ```ts
 * const op = rfOperator(a, g);
 * const pair = leadingKroneckerPair(op); // KPSVD: F ≈ pair.term.A ⊗ pair.term.G
 * const explicit = rfOperator(a, g, { compressed: false }); // d²-sized iterates only
 * ```
 */
// Several approximations of one batch share its compressed form (two m × m eigendecompositions).
const cachedCompressed = samplePairCache<CompressedOperator>();

export function rfOperator(a: Matrix, g: Matrix, options: RfOperatorOptions = {}): KroneckerOperator {
  const { m, da, dg } = assertFisherSamples(a, g, 'rfOperator');
  const choice = options?.compressed;
  if (choice !== undefined && typeof choice !== 'boolean') {
    throw new OptionError(`rfOperator: options.compressed must be true, false or undefined, got ${String(choice)}`);
  }
  // Compressed: a one-off m³ set-up (two m × m eigendecompositions), then m² per product instead of
  // 2m(d_a² + d_g²); with the tens of products a refresh needs it wins up to m² ≈ 16 (d_a² + d_g²).
  const useCompressed = choice ?? m * m <= 16 * (da * da + dg * dg);
  const aT = transposeData(a.data, m, da);
  const gT = transposeData(g.data, m, dg);
  let compressed: CompressedOperator | undefined;
  return {
    da,
    dg,
    get compressed(): CompressedOperator | undefined {
      if (!useCompressed) return undefined;
      compressed ??= cachedCompressed(a, g, () => compressRf(aT, gT, m, da, dg));
      return compressed;
    },
    times(y: Matrix): Matrix {
      checkOperand(y, dg, 'rfOperator.times operand Y (d_g × d_g)');
      return weightedGram(aT, m, da, quadraticForms(gT, m, dg, y.data), 1 / m);
    },
    transposeTimes(x: Matrix): Matrix {
      checkOperand(x, da, 'rfOperator.transposeTimes operand X (d_a × d_a)');
      return weightedGram(gT, m, dg, quadraticForms(aT, m, da, x.data), 1 / m);
    },
  };
}
