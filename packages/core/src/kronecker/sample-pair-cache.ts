import type { Matrix } from '../matrix/matrix.js';

/**
 * A memo keyed by the identity of a Fisher batch's sample matrices `(a, g)`. Several approximations
 * of one batch (experiment 1 runs five) then share the batch's expensive by-products — the
 * compressed operator's eigendecompositions, ‖F‖_F² — computed once. Sample matrices are never
 * mutated after capture; entries die with them (weak keys).
 *
 * @example
 * ```ts
 * const memo = samplePairCache<number>();
 * const normF2 = memo(a, g, () => expensive(a, g));
 * ```
 */
export function samplePairCache<T>(): (a: Matrix, g: Matrix, build: () => T) => T {
  const byA = new WeakMap<Matrix, WeakMap<Matrix, T>>();
  return (a, g, build) => {
    let byG = byA.get(a);
    if (!byG) byA.set(a, (byG = new WeakMap()));
    if (!byG.has(g)) byG.set(g, build());
    return byG.get(g) as T;
  };
}
