import { OnnxGraph, type AttributeValue } from './onnx-graph.js';

/** Which operands a {@link gemmModel} transposes, its element type (float32 unless given), and whether it subtracts from a third input. */
export interface GemmTransposes {
  transA: boolean;
  transB: boolean;
  dtype?: 'float32' | 'float64';
  /** With a third input `C` (m × n): the output is `C − op(A) · op(B)` (Gemm `alpha = −1`, `beta = 1`). */
  subtractFromC?: boolean;
}

/**
 * The serialised ONNX model of one `Gemm` node (float32, or float64 with `dtype: 'float64'`) with symbolic dimensions, so that one
 * session serves every size:
 *
 *     C = op(A) · op(B),   op(X) = Xᵀ if the flag is set, else X
 *
 * with inputs `A` (m × k, or k × m when `transA`), `B` (k × n, or n × k when `transB`) and output
 * `C` (m × n); Gemm's `alpha = beta = 1` and no bias. With `subtractFromC` the model has a third
 * input `C` (m × n) and computes `Y = C − op(A) · op(B)`. IR version 8, default-domain opset 13.
 *
 * @example
 * ```ts
 * const bytes = gemmModel({ transA: false, transB: true }); // C = A · Bᵀ
 * session.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {});
 * ```
 */
export function gemmModel({ transA, transB, dtype = 'float32', subtractFromC = false }: GemmTransposes): Uint8Array {
  const g = new OnnxGraph('fisherkit_gemm');
  const inputs = (subtractFromC ? ['A', 'B', 'C'] : ['A', 'B']).map((name) => g.input(name, dtype, [`${name}0`, `${name}1`]));
  const output = subtractFromC ? 'Y' : 'C';
  const scaling: Record<string, AttributeValue> = subtractFromC ? { alpha: { f: -1 }, beta: { f: 1 } } : {};
  g.node('Gemm', inputs, { transA: { i: transA ? 1 : 0 }, transB: { i: transB ? 1 : 0 }, ...scaling }, output);
  g.output(output, dtype, [`${output}0`, `${output}1`]);
  return g.toBytes();
}
