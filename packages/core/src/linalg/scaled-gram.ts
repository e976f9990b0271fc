import { ShapeError } from '../errors.js';
import { fromData, type Matrix } from '../matrix/matrix.js';
import { gemmNTLower } from './gemm-kernel.js';

/**
 * The scaled Gram matrix of the columns of an m × n matrix,
 *
 *     scale · Xᵀ X        (n × n, exactly symmetric)
 *
 * as one symmetric rank-m update on the shared matrix-product kernel (the lower triangle of
 * `0 − (−scale · Xᵀ)(Xᵀ)ᵀ`, then mirrored), so it runs on the WebAssembly SIMD kernel or on a
 * Float64 product provider (`useFloat64Products`). Cost `n² m / 2` multiply-adds.
 *
 * @throws {ShapeError} when `x.data` does not hold `rows · cols` entries.
 * @example
 * ```ts
 * const A = scaledGram(activations, 1 / activations.rows); // (1/m) aᵀa, the KFAC factor
 * ```
 */
export function scaledGram(x: Matrix, scale: number): Matrix {
  const m = x.rows;
  const n = x.cols;
  if (m * n !== x.data.length) throw new ShapeError(`scaledGram: a ${m} × ${n} matrix needs ${m * n} entries, got ${x.data.length}`);
  const d = x.data;
  // Xᵀ (n × m, sample index contiguous) and its scaled negative, the two operands of C −= A Bᵀ.
  const xt = new Float64Array(n * m);
  const scaled = new Float64Array(n * m);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < n; p++) {
      const v = d[i * n + p];
      xt[p * m + i] = v;
      scaled[p * m + i] = -scale * v;
    }
  }
  const out = new Float64Array(n * n);
  gemmNTLower(n, n, m, scaled, 0, m, xt, 0, m, out, 0, n, 0);
  for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) out[p * n + q] = out[q * n + p];
  return fromData(n, n, out);
}
