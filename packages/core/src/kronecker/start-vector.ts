import { createRng } from '../random/rng.js';
import { normalizeInPlace } from './vector-ops.js';

/** Fixed seed of the deterministic perturbation added to start vectors. */
const START_SEED = 0x6b707376; // "kpsv"

/**
 * Deterministic unit-norm start vector for power and Lanczos iterations on a d × d factor space
 * (row-major data of a d × d matrix): `I/√d + w·S`, normalised, where S is a seeded random
 * symmetric matrix of unit Frobenius norm and `w` a small weight. The identity has a large
 * component along the (PSD) leading factor of a Fisher block; the perturbation makes sure no
 * singular vector is missed because it happens to be traceless (e.g. of a deflated operator).
 *
 * @example
 * ```ts
 * const y0 = defaultStartVector(4, 0.1); // Float64Array(16), ‖y0‖ = 1
 * ```
 */
export function defaultStartVector(d: number, weight: number, seed = START_SEED): Float64Array {
  const s = symmetricRandom(d, seed);
  const v = new Float64Array(d * d);
  const diag = 1 / Math.sqrt(d);
  for (let e = 0; e < v.length; e++) v[e] = weight * s[e];
  for (let i = 0; i < d; i++) v[i * d + i] += diag;
  normalizeInPlace(v);
  return v;
}

/**
 * A seeded random symmetric d × d matrix (row-major) of unit Frobenius norm.
 *
 * @example
 * ```ts
 * const s = symmetricRandom(3, 7); // Float64Array(9), symmetric, ‖s‖ = 1
 * ```
 */
export function symmetricRandom(d: number, seed: number): Float64Array {
  const rng = createRng(seed >>> 0);
  const s = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const x = rng.normal();
      s[i * d + j] = x;
      s[j * d + i] = x;
    }
  }
  normalizeInPlace(s);
  return s;
}
