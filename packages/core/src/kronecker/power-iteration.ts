/**
 * Power iteration for the leading singular triplet of a flat {@link LinearMap} (internal core of
 * {@link leadingKroneckerPair}, shared by its explicit and compressed paths).
 */
import type { LinearMap } from './linear-map.js';
import { assertFiniteNorm } from './iteration-options.js';
import { axpy, norm2 } from './vector-ops.js';

/** Outcome of {@link powerIteration}; `x`, `y` are null when the map annihilated the iteration. */
export interface PowerIterationOutcome {
  /** Unit output-side vector X (null: σ = 0). */
  x: Float64Array | null;
  /** Unit input-side vector Y (null: σ = 0). */
  y: Float64Array | null;
  sigma: number;
  iterations: number;
  converged: boolean;
  /** `‖apply(y) − σx‖ / σ` of the returned pair (0 when σ = 0). */
  residual: number;
}

/**
 * Alternates `x ← apply(y)/‖apply(y)‖`, `z = applyT(x)`, `σ = ‖z‖`, `y ← z/σ` until
 * `‖apply(y) − σx‖ ≤ tol·σ` or `maxIterations` iterations. The first start (in order) that is
 * nonzero and not annihilated by `apply` is used, normalised; the starts are produced lazily.
 *
 * @example
 * ```ts
 * const out = powerIteration(map, [start], 1e-6, 100, 'leadingKroneckerPair');
 * ```
 */
export function powerIteration(
  map: LinearMap,
  starts: Iterable<Float64Array>,
  tol: number,
  maxIterations: number,
  where: string,
): PowerIterationOutcome {
  let y: Float64Array | undefined;
  let w: Float64Array | undefined;
  for (const s of starts) {
    const n = norm2(s);
    if (n === 0) continue;
    const candidate = s.map((v) => v / n);
    const product = map.apply(candidate);
    const pn = norm2(product);
    assertFiniteNorm(pn, where);
    if (pn > 0) {
      y = candidate;
      w = product;
      break;
    }
  }
  if (y === undefined || w === undefined) return zeroOutcome(0);

  let x: Float64Array = new Float64Array(map.nOut);
  let sigma = 0;
  let residual = Infinity;
  let converged = false;
  let iterations = 0;
  while (iterations < maxIterations) {
    iterations++;
    const wn = norm2(w);
    assertFiniteNorm(wn, where);
    if (wn === 0) return zeroOutcome(iterations);
    x = w.map((v) => v / wn);
    const z = map.applyT(x);
    sigma = norm2(z);
    assertFiniteNorm(sigma, where);
    if (sigma === 0) return zeroOutcome(iterations);
    y = z.map((v) => v / sigma);
    w = map.apply(y);
    const r = w.slice();
    axpy(-sigma, x, r);
    residual = norm2(r) / sigma;
    if (residual <= tol) {
      converged = true;
      break;
    }
  }
  return { x, y, sigma, iterations, converged, residual };
}

function zeroOutcome(iterations: number): PowerIterationOutcome {
  return { x: null, y: null, sigma: 0, iterations, converged: true, residual: 0 };
}
