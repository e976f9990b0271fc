import { NonFiniteError, OptionError, ShapeError } from '../errors.js';
import type { Matrix } from '../matrix/matrix.js';
import type { KroneckerOperator } from './kronecker-operator.js';

/** Throws unless `op` looks like a {@link KroneckerOperator} with positive integer sides. */
export function assertOperator(op: KroneckerOperator, where: string): void {
  if (op == null || typeof op.times !== 'function' || typeof op.transposeTimes !== 'function') {
    throw new ShapeError(`${where} needs a KroneckerOperator { da, dg, times, transposeTimes }, e.g. rfOperator(a, g)`);
  }
  if (!Number.isInteger(op.da) || !Number.isInteger(op.dg) || op.da < 1 || op.dg < 1) {
    throw new ShapeError(`${where}: operator sides must be positive integers, got d_a = ${op.da}, d_g = ${op.dg}`);
  }
}

/** Returns `value ?? fallback` after checking it is a finite number > 0. */
export function positiveOption(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new OptionError(`${name} must be a finite number > 0, got ${String(value)}`);
  }
  return v;
}

/** Returns `value ?? fallback` after checking it is an integer ≥ `min`. */
export function integerOption(value: number | undefined, fallback: number, min: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) {
    throw new OptionError(`${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return v;
}

/** Checks that a warm start is a finite d × d matrix and returns a copy of its data. */
export function warmStartData(warm: Matrix, d: number, name: string): Float64Array {
  if (warm == null || warm.rows !== d || warm.cols !== d) {
    throw new ShapeError(`${name} must be a ${d} × ${d} matrix (a previous G), got ${warm == null ? String(warm) : `${warm.rows} × ${warm.cols}`}`);
  }
  for (let e = 0; e < warm.data.length; e++) {
    if (!Number.isFinite(warm.data[e])) throw new NonFiniteError(`${name} has a non-finite entry ${warm.data[e]}`);
  }
  return warm.data.slice();
}

/** Throws a {@link NonFiniteError} when an operator product has a non-finite norm. */
export function assertFiniteNorm(value: number, where: string): void {
  if (!Number.isFinite(value)) {
    throw new NonFiniteError(`${where}: an operator product is not finite (NaN/Infinity); check the layer statistics`);
  }
}
