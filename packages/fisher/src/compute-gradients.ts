import * as tf from '@tensorflow/tfjs-core';
import { fromData, type Matrix } from '@fisherkit/core';
import { backwardPass, disposeTrace, forwardTrace, type ForwardTrace } from './dense-pass.js';
import type { DenseLayerParams } from './dense-layer-params.js';
import { chooseFisherRows } from './fisher-rows.js';
import { batchLoss, outputGradient, predictiveParameters } from './loss.js';
import type { CaptureOptions, GradientResult, LayerBatch, LossName } from './model.js';
import { sampleTargets } from './sample-targets.js';
import { assertBatch } from './validate-batch.js';

/**
 * One forward and one backward pass of a dense stack: the mean mini-batch loss, every layer's
 * `[d_a, d_g]` gradient of `L = (1/B) Σ_b ℓ_b` and, with `capture`, the Fisher rows' `a_i`
 * (layer input with a trailing 1) and `g_i = ∂ℓ_i/∂s` (per-example, not divided by B) for targets
 * sampled from the model (or observed ones for the empirical Fisher). The Fisher rows' output
 * gradients are stacked under the batch's, so a single backward pass serves both.
 *
 * @example
 * ```ts
 * const r = computeDenseGradients(params, 'bce', x, y, { fisherBatchSize: 64, fisher: 'sampled', rng });
 * tf.dispose(r.gradients);
 * ```
 */
export function computeDenseGradients(
  params: readonly DenseLayerParams[],
  loss: LossName,
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  capture?: CaptureOptions,
): GradientResult {
  const inputs = params[0].kernel.shape[0];
  const outputs = params[params.length - 1].kernel.shape[1];
  const batchSize = assertBatch(x, y, inputs, outputs);
  const rows = capture ? chooseFisherRows(batchSize, capture) : null;
  const owned: tf.Tensor[] = [];
  const trace: ForwardTrace = tf.tidy(() => forwardTrace(params, x));
  try {
    const logits = trace.pre[trace.pre.length - 1];
    const lossValue = readScalar(tf.tidy(() => batchLoss(loss, logits, y)));
    let deltaOut: tf.Tensor2D;
    let rowIndex: tf.Tensor1D | null = null;
    let fisherTargets: Matrix | undefined;
    if (rows && capture) {
      rowIndex = keep(owned, tf.tensor1d(rows, 'int32'));
      const targets = keep(owned, fisherTargetTensor(loss, logits, y, rowIndex, capture));
      fisherTargets = fromData(rows.length, outputs, Float64Array.from(targets.dataSync()));
      const idx = rowIndex;
      deltaOut = keep(
        owned,
        tf.tidy(() =>
          tf.concat([
            tf.div(outputGradient(loss, logits, y), batchSize) as tf.Tensor2D,
            outputGradient(loss, tf.gather(logits, idx), targets),
          ]),
        ),
      );
    } else {
      deltaOut = keep(owned, tf.tidy(() => tf.div(outputGradient(loss, logits, y), batchSize) as tf.Tensor2D));
    }
    const idx = rowIndex;
    const { gradients, fisherG } = tf.tidy(() => backwardPass(params, trace, deltaOut, batchSize, idx));
    owned.push(...fisherG);
    const result: GradientResult = { loss: lossValue, gradients };
    if (rows && idx) {
      result.captures = params.map((_, l) => ({ a: readInputs(trace.inputs[l], idx), g: readMatrix(fisherG[l]) }) satisfies LayerBatch);
      result.fisherRows = rows;
      result.fisherTargets = fisherTargets;
    }
    return result;
  } finally {
    tf.dispose(owned);
    disposeTrace(trace);
  }
}

/** The Fisher rows' targets: observed (`empirical`) or drawn from the predictive distribution (`sampled`). */
function fisherTargetTensor(
  loss: LossName,
  logits: tf.Tensor2D,
  y: tf.Tensor2D,
  rowIndex: tf.Tensor1D,
  capture: CaptureOptions,
): tf.Tensor2D {
  if (capture.fisher === 'empirical') return tf.gather(y, rowIndex);
  const m = rowIndex.shape[0];
  const units = logits.shape[1];
  const distribution = tf.tidy(() => predictiveParameters(loss, tf.gather(logits, rowIndex)));
  const parameters = distribution.dataSync();
  distribution.dispose();
  return tf.tensor2d(sampleTargets(loss, parameters, m, units, capture.rng), [m, units]);
}

/** The chosen rows of a layer input with a trailing 1 column, as a Float64 matrix (`a_i = [x_i; 1]`). */
function readInputs(input: tf.Tensor2D, rowIndex: tf.Tensor1D): Matrix {
  const rows = tf.gather(input, rowIndex);
  const values = rows.dataSync();
  rows.dispose();
  const m = rowIndex.shape[0];
  const features = input.shape[1];
  const da = features + 1;
  const data = new Float64Array(m * da);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < features; j++) data[i * da + j] = values[i * features + j];
    data[i * da + features] = 1;
  }
  return fromData(m, da, data);
}

function readMatrix(t: tf.Tensor2D): Matrix {
  return fromData(t.shape[0], t.shape[1], Float64Array.from(t.dataSync()));
}

/**
 * Reads a scalar tensor into a number and disposes it.
 *
 * @example
 * ```ts
 * const loss = readScalar(tf.tidy(() => batchLoss('mse', s, y)));
 * ```
 */
export function readScalar(t: tf.Tensor): number {
  const value = t.dataSync()[0];
  t.dispose();
  return value;
}

function keep<T extends tf.Tensor>(owned: tf.Tensor[], t: T): T {
  owned.push(t);
  return t;
}
