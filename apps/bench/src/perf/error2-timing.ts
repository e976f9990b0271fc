/**
 * Time per iteration of Error 2 in `fisherkit fim-error` (experiment 1), measured on real
 * captures: trains the problem's network with Adam like `runFimError`, and at each of the first
 * `--iterations` iterations times `singularValueErrorDetails` (auto method) for each of the five
 * approximations of the chosen layer (CPU time of the single-threaded computation, i.e. its wall
 * time on an idle core, and the wall time as measured). Measured, never asserted.
 *
 *   npx tsx --conditions=source apps/bench/src/perf/error2-timing.ts --problem mnist --layer 4 \
 *     --fisher-batch-size 128 --iterations 5 [--train-size 2048] [--check-dense]
 *
 * `--check-dense [--check-method deflation]` also runs the dense path (O(n³); minutes at n = 7750)
 * and prints the difference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@fisherkit/core';
import { createDenseNetwork } from '@fisherkit/fisher';
import { APPROXIMATIONS } from '../approximations.js';
import { loadProblemData } from '../problem-data.js';
import { singularValueErrorDetails } from '../singular-value-error.js';
import { createOptimizer, resolveTrainConfig } from '../train-config.js';
import { relativeFisherError } from '@fisherkit/core';
import { median } from './step-timing.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const problem = arg('problem', 'mnist');
  const layer = Number(arg('layer', '4'));
  const iterations = Number(arg('iterations', '5'));
  const fisherBatchSize = Number(arg('fisher-batch-size', '128'));
  const trainSize = arg('train-size', '2048');
  const checkDense = process.argv.includes('--check-dense');
  await selectBackend({ backend: arg('backend', 'auto') as 'auto' });
  const t = resolveTrainConfig({ problem, trainSize }, { method: 'adam', kind: 'adam', plugin: null, approx: null });
  const data = await loadProblemData({ problem, seed: t.seed, trainSize: Number(trainSize), validationSize: 1 });
  const model = createDenseNetwork({ sizes: t.sizes, activations: t.activations, loss: t.loss, seed: t.seed });
  const spec = model.layers[layer];
  const optimizer = createOptimizer(t, null);
  const blocks = APPROXIMATIONS.map((p) => {
    const o = { ...p.defaults };
    p.validateOptions?.(o);
    return [p.id, p.createBlock(spec, o)] as const;
  });
  const x = tf.tensor2d(data.train.x, [data.train.n, data.inputSize]);
  const y = data.train.y === data.train.x ? x : tf.tensor2d(data.train.y, [data.train.n, data.outputSize]);
  const capture = createRng(t.seed + 1);
  console.log(`${problem} layer ${layer}: d_a = ${spec.inputSize + 1}, d_g = ${spec.outputSize}, m = ${fisherBatchSize}, batch ${t.batchSize}`);
  const perIteration: number[] = [];
  const perMethod: Record<string, number[]> = {};
  for (let it = 0; it < iterations; it++) {
    const start = (it * t.batchSize) % Math.max(1, data.train.n - t.batchSize + 1);
    const bx = tf.slice(x, [start, 0], [t.batchSize, -1]) as tf.Tensor2D;
    const by = tf.slice(y, [start, 0], [t.batchSize, -1]) as tf.Tensor2D;
    const pass = model.computeGradients(bx, by, { fisherBatchSize, fisher: 'sampled', rng: capture });
    tf.dispose(pass.gradients);
    const batch = pass.captures![layer];
    let total = 0;
    const line: string[] = [];
    for (const [id, block] of blocks) {
      block.updateStatistics(batch, 0);
      const terms = block.terms();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const d = singularValueErrorDetails(batch.a, batch.g, terms)!;
      const cpu = process.cpuUsage(c0);
      const wall = performance.now() - t0;
      // CPU time of this (single-threaded) computation: the wall time on an otherwise idle core.
      const ms = (cpu.user + cpu.system) / 1000;
      total += ms;
      (perMethod[id] ??= []).push(ms);
      let dense = '';
      if (checkDense && d.method === 'krylov' && (arg('check-method', '') === '' || arg('check-method', '') === id)) {
        const t1 = performance.now();
        const ref = singularValueErrorDetails(batch.a, batch.g, terms, { method: 'dense', maxSize: Infinity })!;
        dense = ` dense ${ref.error2.toPrecision(10)} (|Δ|/ref ${(Math.abs(ref.error2 - d.error2) / ref.error2).toExponential(1)}, ${((performance.now() - t1) / 1000).toFixed(0)} s)`;
      }
      line.push(
        `  ${id.padEnd(15)} E1 ${relativeFisherError(batch.a, batch.g, terms).toFixed(4)} E2 ${d.error2.toPrecision(10)} ${d.method} r ${d.rank} ` +
          `size ${d.krylovSize} basis ${d.dimension} res ${d.maxRelativeResidual.toExponential(1)} cpu ${ms.toFixed(0)} ms wall ${wall.toFixed(0)} ms${dense}`,
      );
    }
    perIteration.push(total);
    console.log(`iteration ${it + 1}: Error 2 of 5 methods ${total.toFixed(0)} ms CPU\n${line.join('\n')}`);
    optimizer.step(model, bx, by, { step: it, epoch: 0 });
    bx.dispose();
    by.dispose();
  }
  console.log(`median CPU time per iteration (5 methods): ${median(perIteration).toFixed(0)} ms`);
  for (const [id, ms] of Object.entries(perMethod)) console.log(`  ${id.padEnd(15)} median ${median(ms).toFixed(0)} ms`);
  for (const [, block] of blocks) block.dispose();
  model.dispose();
}

void main();
