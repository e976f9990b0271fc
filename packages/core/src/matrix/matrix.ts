import { ShapeError } from '../errors.js';

/**
 * A dense Float64 matrix in row-major order: entry (i, j) is `data[i * cols + j]`.
 * Plain data, so it can be posted to worker threads and serialised without conversion.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * A rows × cols matrix of zeros.
 * @example `zeros(2, 3).data.length === 6`
 */
export function zeros(rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new ShapeError(`matrix size must be non-negative integers, got ${rows} × ${cols}`);
  }
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/**
 * The n × n identity matrix, scaled by `scale` (default 1): `scale · I`.
 * @example `identity(3, 0.5)` is `diag(0.5, 0.5, 0.5)`.
 */
export function identity(n: number, scale = 1): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = scale;
  return m;
}

/**
 * Wraps a row-major Float64Array (not copied) as a rows × cols matrix.
 * @example `fromData(2, 2, new Float64Array([1, 2, 3, 4]))`
 */
export function fromData(rows: number, cols: number, data: Float64Array): Matrix {
  if (data.length !== rows * cols) {
    throw new ShapeError(`data has ${data.length} entries but ${rows} × ${cols} = ${rows * cols} are needed`);
  }
  return { rows, cols, data };
}

/**
 * Builds a matrix from nested arrays; every row must have the same length.
 * @example `fromRows([[1, 2], [3, 4]])`
 */
export function fromRows(rows: ArrayLike<ArrayLike<number>>, what = 'matrix'): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const m = zeros(r, c);
  for (let i = 0; i < r; i++) {
    const row = rows[i];
    if (row == null || row.length !== c) {
      throw new ShapeError(`${what} is ragged: row 0 has ${c} entries but row ${i} has ${row?.length ?? 0}`);
    }
    for (let j = 0; j < c; j++) m.data[i * c + j] = row[j];
  }
  return m;
}

/**
 * Converts a matrix to nested arrays (for JSON output and tests).
 * @example `toRows(identity(2))` is `[[1, 0], [0, 1]]`.
 */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/**
 * A deep copy of a matrix.
 * @example `const b = clone(a); b.data[0] = 1; // a unchanged`
 */
export function clone(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

/**
 * The diagonal matrix with the given entries.
 * @example `diag([1, 2])` is `[[1, 0], [0, 2]]`.
 */
export function diag(values: ArrayLike<number>): Matrix {
  const n = values.length;
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = values[i];
  return m;
}
