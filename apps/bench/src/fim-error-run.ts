import * as tf from '@tensorflow/tfjs-core';
import { createRng, type BackendInfo } from '@fisherkit/core';
import type { Dataset } from '@fisherkit/datasets';
import { createDenseNetwork } from '@fisherkit/fisher';
import type { CurvatureBlock } from '@fisherkit/preconditioner';
import { APPROXIMATIONS } from './approximations.js';
import { blockErrors, type BlockErrors } from './block-errors.js';
import { CliError } from './cli-error.js';
import { machineInfo, packageVersions, type MachineInfo } from './machine.js';
import { createProgress } from './progress.js';
import { writeJsonAtomic } from './results-file.js';
import { createOptimizer, type TrainConfig } from './train-config.js';

/** Settings of experiment 1 (beyond the Adam training config). */
export interface FimErrorConfig {
  problem: string;
  /** 0-based index of the dense layer whose Fisher block is approximated. */
  layer: number;
  iterations: number;
  batchSize: number;
  /** Rows of the current mini-batch used for the Fisher (default: all of them). */
  fisherBatchSize: number;
  error2MaxSize: number;
  /** Error 2 at iterations 1, 1 + k, 1 + 2k, … (null in between); Error 1 at every iteration. */
  error2Every: number;
  seed: number;
  /** The Adam run that moves the weights (lr 1e-3: Adam is invariant to the loss scale). */
  training: TrainConfig;
}

/** The JSON written by `fisherkit fim-error`. */
export interface FimErrorFile {
  kind: 'fim-error';
  problem: string;
  layer: number;
  /** `{index, inputSize, outputSize, d_a, d_g}` of the approximated block. */
  block: { index: number; name: string; dA: number; dG: number };
  complete: boolean;
  config: FimErrorConfig;
  data: { title: string; source: string; train: number };
  backend: BackendInfo;
  machine: MachineInfo;
  versions: Record<string, string>;
  methods: string[];
  iterations: { iteration: number; loss: number; errors: Record<string, BlockErrors> }[];
}

/**
 * Experiment 1 of the paper (MATH.md §7): trains with Adam and, at every iteration, captures the
 * chosen layer's `a_i`, `g_i` on the current mini-batch with targets sampled from the model, then
 * computes each approximation of that block afresh (`updateStatistics(batch, 0)`: no running
 * average) and records Error 1 `‖F − F̃‖_F/‖F‖_F` and Error 2 (sorted singular values). The
 * capture happens before the Adam update of the same mini-batch. The results file is rewritten
 * atomically every 50 iterations and at the end.
 *
 * @example `await runFimError({ config, data, backend, out: 'fim-curves.json' })`
 */
export async function runFimError(options: { config: FimErrorConfig; data: Dataset; backend: BackendInfo; out: string }): Promise<FimErrorFile> {
  const { config, data, out } = options;
  const t = config.training;
  const model = createDenseNetwork({ sizes: t.sizes, activations: t.activations, loss: t.loss, seed: config.seed });
  if (config.layer < 0 || config.layer >= model.layers.length) {
    model.dispose();
    throw new CliError(`--layer ${config.layer} is out of range: ${config.problem}'s network has layers 0 to ${model.layers.length - 1}`);
  }
  const spec = model.layers[config.layer];
  const optimizer = createOptimizer(t, null);
  const blocks: [string, CurvatureBlock][] = [];
  const result: FimErrorFile = {
    kind: 'fim-error',
    problem: config.problem,
    layer: config.layer,
    block: { index: spec.index, name: spec.name, dA: spec.inputSize + 1, dG: spec.outputSize },
    complete: false,
    config,
    data: { title: data.title, source: data.source, train: data.train.n },
    backend: options.backend,
    machine: machineInfo(),
    versions: packageVersions(),
    methods: APPROXIMATIONS.map((p) => p.id),
    iterations: [],
  };
  const x = tf.tensor2d(data.train.x, [data.train.n, data.inputSize]);
  const y = data.train.y === data.train.x ? x : tf.tensor2d(data.train.y, [data.train.n, data.outputSize]);
  const progress = createProgress({ unit: 'iterations', total: config.iterations, label: `fim-error ${config.problem} layer ${config.layer}` });
  try {
    for (const plugin of APPROXIMATIONS) {
      const pluginOptions = { ...plugin.defaults };
      plugin.validateOptions?.(pluginOptions);
      blocks.push([plugin.id, plugin.createBlock(spec, pluginOptions)]);
    }
    const shuffle = createRng(config.seed);
    const capture = createRng(config.seed + 1);
    const n = data.train.n;
    const perEpoch = Math.ceil(n / config.batchSize);
    let order = new Int32Array(0);
    for (let it = 0; it < config.iterations; it++) {
      const epoch = Math.floor(it / perEpoch);
      const inEpoch = it % perEpoch;
      if (inEpoch === 0) {
        order = Int32Array.from({ length: n }, (_, i) => i);
        shuffle.shuffle(order);
      }
      const idx = tf.tensor1d(order.subarray(inEpoch * config.batchSize, Math.min(n, (inEpoch + 1) * config.batchSize)), 'int32');
      const bx = tf.gather(x, idx) as tf.Tensor2D;
      const by = tf.gather(y, idx) as tf.Tensor2D;
      idx.dispose();
      try {
        const rows = bx.shape[0];
        const pass = model.computeGradients(bx, by, { fisherBatchSize: Math.min(config.fisherBatchSize, rows), fisher: 'sampled', rng: capture });
        tf.dispose(pass.gradients);
        const layerBatch = pass.captures![config.layer];
        const errors: Record<string, BlockErrors> = {};
        for (const [id, block] of blocks) {
          block.updateStatistics(layerBatch, 0);
          const withError2 = it % config.error2Every === 0;
          errors[id] = blockErrors(layerBatch.a, layerBatch.g, block.terms(), withError2 ? config.error2MaxSize : 0);
        }
        const loss = optimizer.step(model, bx, by, { step: it, epoch });
        result.iterations.push({ iteration: it + 1, loss, errors });
        progress.update(it + 1, loss);
      } finally {
        bx.dispose();
        by.dispose();
      }
      if ((it + 1) % 50 === 0) writeJsonAtomic(out, result);
    }
    result.complete = true;
    writeJsonAtomic(out, result);
    return result;
  } finally {
    progress.stop();
    for (const [, block] of blocks) block.dispose();
    if (y !== x) y.dispose();
    x.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
