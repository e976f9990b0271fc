import { OnnxGraph } from './onnx-graph.js';

/** What {@link denseGradientModel} builds a graph for (the same vocabulary as `@fisherkit/fisher`). */
export interface DenseGradientSpec {
  /** Layer widths from input to output. */
  sizes: readonly number[];
  /** One activation per layer; the last is the output activation. */
  activations: readonly ('relu' | 'sigmoid' | 'tanh' | 'linear')[];
  /** `bce` (sigmoid output), `mse` (linear output) or `softmax-ce` (linear output, softmax in the loss). */
  loss: 'bce' | 'mse' | 'softmax-ce';
}

/**
 * The serialised ONNX model of one full gradient pass of a dense stack, so that the forward and
 * backward pass run as one native graph:
 *
 *     s_l = x_l K_l + b_l,   x_{l+1} = act_l(s_l),                    x_0 = X
 *     L   = (1/B) Σ_b ℓ(s_out,b, Y_b)
 *     δ_out = ∂L/∂s_out,   δ_{l−1} = (δ_l K_lᵀ) ⊙ act'_{l−1}
 *     G_l = [x_lᵀ δ_l ; 𝟙ᵀ δ_l]                                      (d_in + 1) × d_out
 *
 * Inputs `X` (B × d_0), `Y` (B × d_L), `K{l}` (d_l × d_{l+1}), `b{l}` (d_{l+1}); outputs `loss`
 * (a scalar), `GK{l}` = `x_lᵀ δ_l` (d_l × d_{l+1}) and `Gb{l}` = `𝟙ᵀ δ_l` (1 × d_{l+1}): the two
 * parts of fisherkit's `[d_a, d_g]` weight layout, which a caller can fetch straight into the
 * first d_l rows and the last row of one buffer. B is symbolic. The loss conventions are `@fisherkit/fisher`'s:
 * summed over units, averaged over examples.
 *
 * @example
 * ```ts
 * const bytes = denseGradientModel({ sizes: [784, 30, 784], activations: ['relu', 'sigmoid'], loss: 'bce' });
 * session.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, options);
 * ```
 */
export function denseGradientModel({ sizes, activations, loss }: DenseGradientSpec): Uint8Array {
  const layers = sizes.length - 1;
  const g = new OnnxGraph('fisherkit_dense_gradient');
  const x = [g.input('X', 'float32', ['B', sizes[0]])];
  const y = g.input('Y', 'float32', ['B', sizes[layers]]);
  const kernels = sizes.slice(1).map((out, l) => g.input(`K${l}`, 'float32', [sizes[l], out]));
  const biases = sizes.slice(1).map((out, l) => g.input(`b${l}`, 'float32', [out]));
  const axis1 = g.constant('int64', [1], [1]);
  // Scalar constants are declared on first use: ONNX Runtime warns about unused initializers.
  const scalars = new Map<number, string>();
  const scalar = (value: number): string => scalars.get(value) ?? scalars.set(value, g.constant('float32', [], [value])).get(value)!;

  const pre: string[] = [];
  for (let l = 0; l < layers; l++) {
    pre.push(g.node('Gemm', [x[l], kernels[l], biases[l]]));
    if (l + 1 < layers) x.push(activate(g, activations[l], pre[l]));
  }
  const s = pre[layers - 1];

  // 1/B and a column of B ones from the batch's shape, so one session serves every batch size.
  const batchShape = g.node('Gather', [g.node('Shape', [x[0]]), g.constant('int64', [1], [0])]);
  const invBatch = g.node('Reciprocal', [g.node('Cast', [batchShape], { to: { i: 1 } })]);
  const onesColumn = g.node('Expand', [g.constant('float32', [1, 1], [1]), g.node('Concat', [batchShape, g.constant('int64', [1], [1])], { axis: { i: 0 } })]);

  let perUnit: string;
  let outGrad: string;
  if (loss === 'bce') {
    // softplus(s) = relu(s) − log σ(|s|): σ(|s|) ∈ [½, 1], so the log is well conditioned, and
    // ONNX Runtime's vectorised Sigmoid and Log take ≈ ⅓ of its scalar Softplus.
    const softplus = g.node('Sub', [g.node('Relu', [s]), g.node('Log', [g.node('Sigmoid', [g.node('Abs', [s])])])]);
    perUnit = g.node('Sub', [softplus, g.node('Mul', [y, s])]);
    outGrad = g.node('Sub', [g.node('Sigmoid', [s]), y]);
  } else if (loss === 'mse') {
    const r = g.node('Sub', [s, y]);
    perUnit = g.node('Mul', [g.node('Mul', [r, r]), scalar(0.5)]);
    outGrad = r;
  } else {
    perUnit = g.node('Neg', [g.node('Mul', [y, g.node('LogSoftmax', [s], { axis: { i: 1 } })])]);
    const rowMass = g.node('ReduceSum', [y, axis1], { keepdims: { i: 1 } });
    outGrad = g.node('Sub', [g.node('Mul', [g.node('Softmax', [s], { axis: { i: 1 } }), rowMass]), y]);
  }
  const perExample = g.node('ReduceSum', [perUnit, axis1], { keepdims: { i: 0 } });
  g.output(g.node('ReduceMean', [perExample], { keepdims: { i: 0 } }, 'loss'), 'float32', []);

  let delta = g.node('Mul', [outGrad, invBatch]);
  for (let l = layers - 1; l >= 0; l--) {
    // Two outputs that the caller points at the two parts of one [d_a, d_g] buffer (no concatenation).
    g.output(g.node('Gemm', [x[l], delta], { transA: { i: 1 } }, `GK${l}`), 'float32', [sizes[l], sizes[l + 1]]);
    g.output(g.node('Gemm', [onesColumn, delta], { transA: { i: 1 } }, `Gb${l}`), 'float32', [1, sizes[l + 1]]);
    if (l > 0) delta = derivative(g, activations[l - 1], g.node('Gemm', [delta, kernels[l]], { transB: { i: 1 } }), x[l], scalar);
  }
  return g.toBytes();
}

function activate(g: OnnxGraph, activation: DenseGradientSpec['activations'][number], s: string): string {
  switch (activation) {
    case 'relu':
      return g.node('Relu', [s]);
    case 'sigmoid':
      return g.node('Sigmoid', [s]);
    case 'tanh':
      return g.node('Tanh', [s]);
    case 'linear':
      return s;
  }
}

/** `back ⊙ act'(s)`, written with the activation's output `x = act(s)`. */
function derivative(
  g: OnnxGraph,
  activation: DenseGradientSpec['activations'][number],
  back: string,
  x: string,
  scalar: (value: number) => string,
): string {
  switch (activation) {
    case 'relu':
      return g.node('Where', [g.node('Greater', [x, scalar(0)]), back, scalar(0)]); // 1[s > 0] · back, as relu(s) > 0 ⇔ s > 0
    case 'sigmoid':
      return g.node('Mul', [back, g.node('Mul', [x, g.node('Sub', [scalar(1), x])])]);
    case 'tanh':
      return g.node('Mul', [back, g.node('Sub', [scalar(1), g.node('Mul', [x, x])])]);
    case 'linear':
      return back;
  }
}
