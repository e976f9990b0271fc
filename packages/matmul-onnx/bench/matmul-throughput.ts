/**
 * matMul throughput: `npm run bench:matmul` (optionally `-- --samples 7`).
 *
 * Prints a markdown table of tf.matMul GFLOP per CPU second (and per wall second) on the wasm
 * backend with its own kernel (core's transposed-matMul fix installed, as fisherkit runs it)
 * and with the ONNX Runtime kernel at 1 and 2 intra-op threads, for square 512², 1024², 2048²
 * products and the products of one MNIST auto-encoder training step (batch 512, layers
 * 784-1000-500-250-30-250-500-1000-784): forward x·W, weight gradients xᵀ·δ (transposeA) and
 * input gradients δ·Wᵀ (transposeB). Each figure is the median of `--samples` samples, the modes
 * interleaved sample by sample so that a change in machine load hits all of them alike.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@fisherkit/core';
import { loadAverage, median, MODES, product, timeSample, type Sample } from './measure.js';

interface Product {
  a: number[];
  b: number[];
  tA: boolean;
  tB: boolean;
}
interface Workload {
  name: string;
  products: Product[];
  /** Target CPU seconds of one sample with the wasm kernel. */
  budget: number;
}

const flopsOf = (p: Product) => {
  const [m, k] = p.tA ? [p.a[1], p.a[0]] : p.a;
  const n = p.tB ? p.b[0] : p.b[1];
  return 2 * m * k * n;
};

function parseSamples(): number {
  const i = process.argv.indexOf('--samples');
  const n = i < 0 ? 5 : Number(process.argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--samples takes a positive integer, got ${process.argv[i + 1]}`);
  return n;
}

const square = (n: number): Workload => ({ name: `${n}²`, products: [{ a: [n, n], b: [n, n], tA: false, tB: false }], budget: 0.6 });
const SIZES = [784, 1000, 500, 250, 30, 250, 500, 1000, 784];
const BATCH = 512;
const layers = SIZES.slice(1).map((out, l) => ({ inp: SIZES[l], out }));
const forward: Product[] = layers.map(({ inp, out }) => ({ a: [BATCH, inp], b: [inp, out], tA: false, tB: false }));
const weightGrads: Product[] = layers.map(({ inp, out }) => ({ a: [BATCH, inp], b: [BATCH, out], tA: true, tB: false }));
// No input gradient for the first layer (the data is not trained).
const inputGrads: Product[] = layers.slice(1).map(({ inp, out }) => ({ a: [BATCH, out], b: [inp, out], tA: false, tB: true }));
const WORKLOADS: Workload[] = [
  square(512),
  square(1024),
  square(2048),
  { name: 'AE forward x·W (8)', products: forward, budget: 0.6 },
  { name: 'AE weight grads xᵀ·δ (8)', products: weightGrads, budget: 0.6 },
  { name: 'AE input grads δ·Wᵀ (7)', products: inputGrads, budget: 0.6 },
  { name: 'AE step, all 23', products: [...forward, ...weightGrads, ...inputGrads], budget: 1 },
];

async function main(): Promise<void> {
  const samples = parseSamples();
  await selectBackend({ backend: 'wasm' });
  const loadBefore = loadAverage();
  const rows: string[] = [];
  for (const w of WORKLOADS) {
    const tensors = w.products.map((p) => [tf.randomNormal(p.a), tf.randomNormal(p.b)] as const);
    const runAll = () => w.products.forEach((p, i) => product(tensors[i][0], tensors[i][1], p.tA, p.tB));
    const flops = w.products.reduce((s, p) => s + flopsOf(p), 0);
    // Repetitions per sample: enough for `budget` CPU seconds with the wasm kernel.
    runAll();
    const probe = timeSample(runAll, 1);
    const reps = Math.max(1, Math.round(w.budget / probe.cpu));
    const results = new Map<string, Sample[]>(MODES.map((m) => [m.name, []]));
    for (let s = 0; s < samples; s++) {
      for (const mode of MODES) {
        const handle = mode.install();
        try {
          runAll(); // warm-up: sessions, arena
          results.get(mode.name)!.push(timeSample(runAll, reps));
        } finally {
          handle?.uninstall();
        }
      }
    }
    tf.dispose(tensors.flat());
    const gflops = (reps * flops) / 1e9;
    const cells = MODES.map((m) => {
      const xs = results.get(m.name)!;
      return `${median(xs.map((x) => gflops / x.cpu)).toFixed(1)} (${median(xs.map((x) => gflops / x.wall)).toFixed(1)})`;
    });
    const cpuOf = (name: string) => median(results.get(name)!.map((x) => gflops / x.cpu));
    const row = `| ${w.name} | ${(flops / 1e9).toFixed(3)} | ${cells.join(' | ')} | ${(cpuOf('onnx 1 thread') / cpuOf('wasm')).toFixed(2)}× |`;
    rows.push(row);
    console.error(row);
  }
  console.log(`\nmatMul throughput, float32, GFLOP per CPU second (GFLOP per wall second in brackets), median of ${samples}`);
  console.log(`load average ${loadBefore} → ${loadAverage()}, ${os.cpus()[0]?.model ?? '?'} × ${os.availableParallelism()}\n`);
  console.log(`| product | GFLOP | ${MODES.map((m) => m.name).join(' | ')} | onnx 1 thread ÷ wasm (CPU) |`);
  console.log(`|---|---:|${MODES.map(() => '---:').join('|')}|---:|`);
  for (const r of rows) console.log(r);
}

await main();
