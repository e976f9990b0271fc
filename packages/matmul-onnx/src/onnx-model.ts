import { float32Field, messageField, stringField, varintField } from './protobuf-writer.js';

/** Which operands a {@link gemmModel} transposes, its element type (float32 unless given), and whether it subtracts from a third input. */
export interface GemmTransposes {
  transA: boolean;
  transB: boolean;
  dtype?: 'float32' | 'float64';
  /** With a third input `C` (m × n): the output is `C − op(A) · op(B)` (Gemm `alpha = −1`, `beta = 1`). */
  subtractFromC?: boolean;
}

// Field numbers from onnx.proto (ONNX IR version 8, opset 13).
const MODEL = { irVersion: 1, graph: 7, opsetImport: 8 } as const;
const OPSET = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, name: 2, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, f: 2, i: 3, type: 20 } as const;
const ATTRIBUTE_FLOAT = 1;
const ATTRIBUTE_INT = 2;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE = { tensorType: 1 } as const;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE = { dim: 1 } as const;
const DIMENSION = { dimParam: 2 } as const;
const ELEM_TYPE = { float32: 1, float64: 11 } as const;

/** A matrix input or output whose two dimensions are symbolic (`${name}0`, `${name}1`). */
function matrixValueInfo(name: string, elemType: number): number[] {
  const dims = [0, 1].flatMap((d) => messageField(SHAPE.dim, stringField(DIMENSION.dimParam, `${name}${d}`)));
  const tensorType = [...varintField(TENSOR_TYPE.elemType, elemType), ...messageField(TENSOR_TYPE.shape, dims)];
  return [...stringField(VALUE_INFO.name, name), ...messageField(VALUE_INFO.type, messageField(TYPE.tensorType, tensorType))];
}

function floatAttribute(name: string, value: number): number[] {
  return [...stringField(ATTRIBUTE.name, name), ...float32Field(ATTRIBUTE.f, value), ...varintField(ATTRIBUTE.type, ATTRIBUTE_FLOAT)];
}

function intAttribute(name: string, value: number): number[] {
  return [...stringField(ATTRIBUTE.name, name), ...varintField(ATTRIBUTE.i, value), ...varintField(ATTRIBUTE.type, ATTRIBUTE_INT)];
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
  const elemType = ELEM_TYPE[dtype];
  const inputs = subtractFromC ? ['A', 'B', 'C'] : ['A', 'B'];
  const output = subtractFromC ? 'Y' : 'C';
  const node = [
    ...inputs.flatMap((name) => stringField(NODE.input, name)),
    ...stringField(NODE.output, output),
    ...stringField(NODE.opType, 'Gemm'),
    ...messageField(NODE.attribute, intAttribute('transA', transA ? 1 : 0)),
    ...messageField(NODE.attribute, intAttribute('transB', transB ? 1 : 0)),
    ...(subtractFromC ? [...messageField(NODE.attribute, floatAttribute('alpha', -1)), ...messageField(NODE.attribute, floatAttribute('beta', 1))] : []),
  ];
  const graph = [
    ...messageField(GRAPH.node, node),
    ...stringField(GRAPH.name, 'fisherkit_gemm'),
    ...inputs.flatMap((name) => messageField(GRAPH.input, matrixValueInfo(name, elemType))),
    ...messageField(GRAPH.output, matrixValueInfo(output, elemType)),
  ];
  return Uint8Array.from([
    ...varintField(MODEL.irVersion, 8),
    ...messageField(MODEL.opsetImport, [...stringField(OPSET.domain, ''), ...varintField(OPSET.version, 13)]),
    ...messageField(MODEL.graph, graph),
  ]);
}
