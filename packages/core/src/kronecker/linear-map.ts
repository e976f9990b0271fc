/**
 * Flat-vector views of a {@link KroneckerOperator} (internal): the iterations of
 * {@link leadingKroneckerPair} and {@link topKroneckerPairs} run on a {@link LinearMap}, either the
 * explicit one (vectors = row-major d × d matrix data) or the compressed one (isometric
 * m-dimensional coordinates); inner products mean the same in both.
 */
import { ShapeError } from '../errors.js';
import { fromData, type Matrix } from '../matrix/matrix.js';
import { assertFiniteNorm } from './iteration-options.js';
import type { CompressedOperator, KroneckerOperator } from './kronecker-operator.js';
import { norm2 } from './vector-ops.js';

/** A linear map between flat vector spaces: `apply: R^nIn → R^nOut`, `applyT` its transpose. */
export interface LinearMap {
  nIn: number;
  nOut: number;
  apply(v: Float64Array): Float64Array;
  applyT(u: Float64Array): Float64Array;
}

/**
 * How the iteration's vectors stand for d × d matrices: `encodeLeft/Right` map matrix data to
 * coordinates (the identity, or the projection onto the operator's spans), `liftLeft/Right` back.
 */
export interface FactorCoordinates {
  encodeLeft(data: Float64Array): Float64Array;
  encodeRight(data: Float64Array): Float64Array;
  liftLeft(x: Float64Array): Matrix;
  liftRight(y: Float64Array): Matrix;
}

/** An operator as a flat map with coordinates: `apply = times` (right → left) unless transposed. */
export interface OperatorView {
  map: LinearMap;
  coordinates: FactorCoordinates;
  /** Whether the view is the compressed (isometric coordinates) one. */
  compressed: boolean;
}

/** The compressed view when `op.compressed` exists, else the explicit one. */
export function operatorView(op: KroneckerOperator, transposed: boolean, where: string): OperatorView {
  const c = op.compressed;
  return c != null ? compressedView(op, c, transposed, where) : explicitView(op, transposed, where);
}

function orient(times: (v: Float64Array) => Float64Array, transposeTimes: (u: Float64Array) => Float64Array, nRight: number, nLeft: number, transposed: boolean): LinearMap {
  return transposed
    ? { nIn: nLeft, nOut: nRight, apply: transposeTimes, applyT: times }
    : { nIn: nRight, nOut: nLeft, apply: times, applyT: transposeTimes };
}

function explicitView(op: KroneckerOperator, transposed: boolean, where: string): OperatorView {
  const { da, dg } = op;
  const times = (v: Float64Array): Float64Array => product(op.times(fromData(dg, dg, v.slice())), da, 'op.times', where);
  const transposeTimes = (u: Float64Array): Float64Array =>
    product(op.transposeTimes(fromData(da, da, u.slice())), dg, 'op.transposeTimes', where);
  return {
    map: orient(times, transposeTimes, dg * dg, da * da, transposed),
    coordinates: {
      encodeLeft: (data) => data,
      encodeRight: (data) => data,
      liftLeft: (x) => fromData(da, da, x.slice()),
      liftRight: (y) => fromData(dg, dg, y.slice()),
    },
    compressed: false,
  };
}

function compressedView(op: KroneckerOperator, c: CompressedOperator, transposed: boolean, where: string): OperatorView {
  const { da, dg } = op;
  const { leftDim, rightDim } = c;
  const times = (v: Float64Array): Float64Array => coordinates(c.times(v.slice()), leftDim, 'op.compressed.times', where);
  const transposeTimes = (u: Float64Array): Float64Array =>
    coordinates(c.transposeTimes(u.slice()), rightDim, 'op.compressed.transposeTimes', where);
  return {
    map: orient(times, transposeTimes, rightDim, leftDim, transposed),
    coordinates: {
      encodeLeft: (data) => coordinates(c.encodeLeft(fromData(da, da, data)), leftDim, 'op.compressed.encodeLeft', where),
      encodeRight: (data) => coordinates(c.encodeRight(fromData(dg, dg, data)), rightDim, 'op.compressed.encodeRight', where),
      liftLeft: (x) => fromData(da, da, product(c.liftLeft(x), da, 'op.compressed.liftLeft', where)),
      liftRight: (y) => fromData(dg, dg, product(c.liftRight(y), dg, 'op.compressed.liftRight', where)),
    },
    compressed: true,
  };
}

/** Checks a d × d product and returns a copy of its data (finite). */
function product(result: Matrix, d: number, what: string, where: string): Float64Array {
  if (result == null || result.rows !== d || result.cols !== d) {
    throw new ShapeError(`${where}: ${what} returned ${result == null ? String(result) : `${result.rows} × ${result.cols}`}, expected ${d} × ${d}`);
  }
  const out = result.data.slice();
  assertFiniteNorm(norm2(out), where);
  return out;
}

/** Checks a coordinate vector of length n (finite). */
function coordinates(result: Float64Array, n: number, what: string, where: string): Float64Array {
  if (result == null || result.length !== n) {
    throw new ShapeError(`${where}: ${what} returned ${result == null ? String(result) : `length ${result.length}`}, expected ${n}`);
  }
  assertFiniteNorm(norm2(result), where);
  return result;
}
