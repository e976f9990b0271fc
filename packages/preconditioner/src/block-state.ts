import type { Matrix } from '@fisherkit/core';
import type { BlockState } from './contract.js';

/** A matrix as it survives `JSON.stringify`: the Float64 data as a plain number array. */
export interface PlainMatrix {
  rows: number;
  cols: number;
  data: number[];
}

function plainMatrix(m: Matrix): PlainMatrix {
  return { rows: m.rows, cols: m.cols, data: Array.from(m.data) };
}

function isMatrix(v: unknown): v is Matrix {
  return typeof v === 'object' && v !== null && 'rows' in v && 'data' in v && ArrayBuffer.isView((v as Matrix).data);
}

/**
 * Converts a block state to JSON-safe plain data (Float64Array → number[]), so a checkpoint written
 * with `JSON.stringify` restores bit-identical factors: every double survives JSON's shortest
 * round-trip decimal form exactly. Blocks' `setState` accept either form.
 *
 * @example `writeFileSync(file, JSON.stringify(plainBlockState(block.getState())))`
 */
export function plainBlockState(state: BlockState): BlockState {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) {
    if (isMatrix(v)) out[k] = plainMatrix(v);
    else if (Array.isArray(v)) out[k] = v.map((x) => (isMatrix(x) ? plainMatrix(x) : x));
    else out[k] = v;
  }
  return out as BlockState;
}
