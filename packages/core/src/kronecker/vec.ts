import { ShapeError } from '../errors.js';
import { fromData, type Matrix } from '../matrix/matrix.js';

/**
 * Column-major vectorisation: stacks the columns of `v` into one vector,
 * `vec(V)[i + j·rows] = V_ij`. This is the `vec` of MATH.md, for which
 * `vec(g aᵀ) = a ⊗ g` and `(A ⊗ G) vec(V) = vec(G V Aᵀ)`.
 *
 * @example
 * ```ts
 * vec(fromRows([[1, 2], [3, 4]])); // Float64Array [1, 3, 2, 4]
 * ```
 */
export function vec(v: Matrix): Float64Array {
  const { rows, cols, data } = v;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const ri = i * cols;
    for (let j = 0; j < cols; j++) out[i + j * rows] = data[ri + j];
  }
  return out;
}

/**
 * Inverse of {@link vec}: reads a column-major vector back into a rows × cols matrix,
 * `unvec(x)_ij = x[i + j·rows]`.
 *
 * @throws ShapeError when `x.length !== rows · cols`.
 *
 * @example
 * ```ts
 * unvec([1, 3, 2, 4], 2, 2); // [[1, 2], [3, 4]]
 * unvec(vec(m), m.rows, m.cols); // equals m
 * ```
 */
export function unvec(x: ArrayLike<number>, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new ShapeError(`unvec: size must be non-negative integers, got ${rows} × ${cols}`);
  }
  if (x.length !== rows * cols) {
    throw new ShapeError(`unvec: vector has ${x.length} entries but ${rows} × ${cols} = ${rows * cols} are needed`);
  }
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const cj = j * rows;
    for (let i = 0; i < rows; i++) out[i * cols + j] = x[cj + i];
  }
  return fromData(rows, cols, out);
}
