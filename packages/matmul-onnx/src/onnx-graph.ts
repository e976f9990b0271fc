import { float32Field, messageField, stringField, varintField } from './protobuf-writer.js';

/** A tensor dimension: a fixed size or a symbolic name shared by every input that uses it. */
export type Dim = number | string;

/** Element types an {@link OnnxGraph} declares (TensorProto.DataType codes). */
export type ElemType = 'float32' | 'int64' | 'float64';

/** A node attribute: an integer, a float or a list of integers. */
export type AttributeValue = { i: number } | { f: number } | { ints: readonly number[] };

// Field numbers from onnx.proto (ONNX IR version 8).
const MODEL = { irVersion: 1, graph: 7, opsetImport: 8 } as const;
const OPSET = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 } as const;
const ATTRIBUTE = { name: 1, f: 2, i: 3, ints: 8, type: 20 } as const;
const ATTRIBUTE_TYPE = { float: 1, int: 2, ints: 7 } as const;
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE = { tensorType: 1 } as const;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE = { dim: 1 } as const;
const DIMENSION = { dimValue: 1, dimParam: 2 } as const;
const ELEM_TYPE: Record<ElemType, number> = { float32: 1, int64: 7, float64: 11 };

function valueInfo(name: string, elemType: ElemType, dims: readonly Dim[]): number[] {
  const shape = dims.flatMap((d) =>
    messageField(SHAPE.dim, typeof d === 'number' ? varintField(DIMENSION.dimValue, d) : stringField(DIMENSION.dimParam, d)),
  );
  const tensorType = [...varintField(TENSOR_TYPE.elemType, ELEM_TYPE[elemType]), ...messageField(TENSOR_TYPE.shape, shape)];
  return [...stringField(VALUE_INFO.name, name), ...messageField(VALUE_INFO.type, messageField(TYPE.tensorType, tensorType))];
}

function attribute(name: string, value: AttributeValue): number[] {
  const head = stringField(ATTRIBUTE.name, name);
  if ('i' in value) return [...head, ...varintField(ATTRIBUTE.i, value.i), ...varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.int)];
  if ('f' in value) return [...head, ...float32Field(ATTRIBUTE.f, value.f), ...varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.float)];
  return [...head, ...value.ints.flatMap((v) => varintField(ATTRIBUTE.ints, v)), ...varintField(ATTRIBUTE.type, ATTRIBUTE_TYPE.ints)];
}

/**
 * A small builder for ONNX models: declare inputs, constants and nodes in order, name the
 * outputs, and {@link OnnxGraph.toBytes} serialises the model (IR version 8, default-domain
 * opset 13) ready for `session.loadModel`. Node outputs get fresh names (`t0`, `t1`, …) unless
 * given, so a graph reads like straight-line code:
 *
 *     y = Relu(Gemm(x, w, b))
 *
 * Only non-negative integer attributes and constants are supported (varint encoding), which is
 * all the graphs here need.
 *
 * @example
 * ```ts
 * const g = new OnnxGraph('dense');
 * const x = g.input('X', 'float32', ['B', 4]);
 * const w = g.input('W', 'float32', [4, 3]);
 * g.output(g.node('Relu', [g.node('MatMul', [x, w])], {}, 'Y'), 'float32', ['B', 3]);
 * const bytes = g.toBytes();
 * ```
 */
export class OnnxGraph {
  private readonly nodes: number[][] = [];
  private readonly initializers: number[][] = [];
  private readonly inputs: number[][] = [];
  private readonly outputs: number[][] = [];
  private fresh = 0;

  constructor(private readonly name: string) {}

  /** Declares a graph input; returns its name. */
  input(name: string, elemType: ElemType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares a constant (an initializer) holding `values` with shape `dims`; returns its name. */
  constant(elemType: 'float32' | 'int64', dims: readonly number[], values: readonly number[]): string {
    const name = `c${this.initializers.length}`;
    const raw = new Uint8Array(values.length * (elemType === 'int64' ? 8 : 4));
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => (elemType === 'int64' ? view.setBigInt64(i * 8, BigInt(v), true) : view.setFloat32(i * 4, v, true)));
    this.initializers.push([
      ...dims.flatMap((d) => varintField(TENSOR.dims, d)),
      ...varintField(TENSOR.dataType, ELEM_TYPE[elemType]),
      ...stringField(TENSOR.name, name),
      ...messageField(TENSOR.rawData, [...raw]),
    ]);
    return name;
  }

  /** Appends one node `opType(inputs)` and returns the name of its (first) output. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    const out = output ?? `t${this.fresh++}`;
    this.nodes.push([
      ...inputs.flatMap((i) => stringField(NODE.input, i)),
      ...stringField(NODE.output, out),
      ...stringField(NODE.opType, opType),
      ...Object.entries(attributes).flatMap(([k, v]) => messageField(NODE.attribute, attribute(k, v))),
    ]);
    return out;
  }

  /** Declares `name` (an input or a node output) as a graph output. */
  output(name: string, elemType: ElemType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** The serialised `ModelProto`. */
  toBytes(): Uint8Array {
    const graph = [
      ...this.nodes.flatMap((n) => messageField(GRAPH.node, n)),
      ...stringField(GRAPH.name, this.name),
      ...this.initializers.flatMap((t) => messageField(GRAPH.initializer, t)),
      ...this.inputs.flatMap((i) => messageField(GRAPH.input, i)),
      ...this.outputs.flatMap((o) => messageField(GRAPH.output, o)),
    ];
    return Uint8Array.from([
      ...varintField(MODEL.irVersion, 8),
      ...messageField(MODEL.opsetImport, [...stringField(OPSET.domain, ''), ...varintField(OPSET.version, 13)]),
      ...messageField(MODEL.graph, graph),
    ]);
  }
}
