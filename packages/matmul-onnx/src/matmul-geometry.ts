import { broadcast_util, util } from '@tensorflow/tfjs-core';
import { ShapeError } from '@fisherkit/core';

/** Sizes of a (batched) product `op(a) · op(b)` as the `BatchMatMul` kernel sees it. */
export interface MatMulGeometry {
  /** Rows of op(a) and of the output. */
  m: number;
  /** The contracted dimension. */
  k: number;
  /** Columns of op(b) and of the output. */
  n: number;
  /** Number of output matrices: the product of the broadcast batch dimensions. */
  batch: number;
  /** Output shape: broadcast batch dimensions, then [m, n]. */
  outShape: number[];
  /** Floating-point operations of the whole product, 2·batch·m·k·n. */
  flops: number;
  /** Which matrix of `a` (0 … batchA − 1) output matrix `i` reads. */
  aIndex(i: number): number;
  /** Which matrix of `b` (0 … batchB − 1) output matrix `i` reads. */
  bIndex(i: number): number;
}

/** Maps output batch index `i` to the index into an operand whose batch dims broadcast to `outDims`. */
function broadcastIndexer(inDims: number[], outDims: number[]): (i: number) => number {
  const inSize = util.sizeFromShape(inDims);
  const outSize = util.sizeFromShape(outDims);
  if (inSize === outSize) return (i) => i;
  if (inSize === 1) return () => 0;
  const offset = outDims.length - inDims.length;
  const inStrides = inDims.map((_, d) => util.sizeFromShape(inDims.slice(d + 1)));
  return (i) => {
    // Walk the output multi-index from the last dimension; dimensions of size 1 in the
    // operand (and leading ones it lacks) contribute nothing.
    let rest = i;
    let index = 0;
    for (let d = outDims.length - 1; d >= 0; d--) {
      const coord = rest % outDims[d];
      rest = Math.floor(rest / outDims[d]);
      const dIn = d - offset;
      if (dIn >= 0 && inDims[dIn] !== 1) index += coord * inStrides[dIn];
    }
    return index;
  };
}

/**
 * Checks the operands of tfjs' `BatchMatMul` and returns the product's sizes, mirroring
 * tfjs-backend-wasm's kernel: the last two dimensions are the matrices (swapped by
 * `transposeA`/`transposeB`), leading dimensions are batch dimensions that broadcast
 * (numpy rules, e.g. [3, m, k] · [k, n] or [2, 1, m, k] · [3, k, n]).
 *
 *     a: [...batchA, m, k] (or [..., k, m]),  b: [...batchB, k, n] (or [..., n, k])
 *     out: [...broadcast(batchA, batchB), m, n]
 *
 * @throws {ShapeError} for a rank below 2, mismatched inner dimensions (tfjs' message) or batch
 *   dimensions that do not broadcast.
 * @example
 * ```ts
 * matMulGeometry([3, 4, 5], [5, 6], false, false); // { m: 4, k: 5, n: 6, batch: 3, outShape: [3, 4, 6], ... }
 * ```
 */
export function matMulGeometry(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): MatMulGeometry {
  const aRank = aShape.length;
  const bRank = bShape.length;
  if (aRank < 2 || bRank < 2) {
    throw new ShapeError(
      `Error in matMul: both operands need rank ≥ 2, got shapes [${aShape}] and [${bShape}]; reshape a vector to [1, n] or [n, 1] first`,
    );
  }
  const innerA = transposeA ? aShape[aRank - 2] : aShape[aRank - 1];
  const innerB = transposeB ? bShape[bRank - 1] : bShape[bRank - 2];
  const m = transposeA ? aShape[aRank - 1] : aShape[aRank - 2];
  const n = transposeB ? bShape[bRank - 2] : bShape[bRank - 1];
  if (innerA !== innerB) {
    throw new ShapeError(
      `Error in matMul: inner shapes (${innerA}) and (${innerB}) of Tensors with shapes ${aShape} and ${bShape} and ` +
        `transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const aOuter = aShape.slice(0, -2);
  const bOuter = bShape.slice(0, -2);
  let outOuter: number[];
  try {
    outOuter = broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  } catch (e) {
    throw new ShapeError(`Error in matMul: batch dimensions [${aOuter}] and [${bOuter}] do not broadcast (${(e as Error).message})`);
  }
  const batch = util.sizeFromShape(outOuter);
  return {
    m,
    k: innerA,
    n,
    batch,
    outShape: [...outOuter, m, n],
    flops: 2 * batch * m * innerA * n,
    aIndex: broadcastIndexer(aOuter, outOuter),
    bIndex: broadcastIndexer(bOuter, outOuter),
  };
}
