/**
 * Per-call cost of small products, to choose `DEFAULT_MIN_FLOPS`:
 * `npx tsx --conditions=source packages/matmul-onnx/bench/small-products.ts` (optionally `--sizes 64,128`).
 *
 * For square n × n · n × n products (plain and with transposeB, which the wasm kernel runs as an
 * explicit transpose plus a plain product) prints the median CPU microseconds per tf.matMul call
 * with the wasm kernel and with the ONNX Runtime kernel at 1 and 2 threads. Below the crossover
 * ONNX Runtime's fixed cost per call (tensor wrappers, session run, the binding's copy of the
 * output) outweighs its faster arithmetic.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@fisherkit/core';
import { loadAverage, median, MODES, product, timeSample } from './measure.js';

function parseSizes(): number[] {
  const i = process.argv.indexOf('--sizes');
  if (i < 0) return [4, 8, 16, 32, 48, 64, 96, 128, 192, 256];
  return process.argv[i + 1].split(',').map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes takes positive integers, got ${t}`);
    return n;
  });
}
const SIZES = parseSizes();
const SAMPLES = 5;

await selectBackend({ backend: 'wasm' });
console.log(`load average ${loadAverage()}`);
console.log(`| n | 2n³ (MFLOP) | transposeB | ${MODES.map((m) => `${m.name} (CPU µs/call)`).join(' | ')} |`);
console.log(`|---:|---:|---|${MODES.map(() => '---:').join('|')}|`);
for (const n of SIZES) {
  for (const tB of [false, true]) {
    const a = tf.randomNormal([n, n]);
    const b = tf.randomNormal([n, n]);
    const run = () => product(a, b, false, tB);
    // About 0.1 CPU s a sample with the wasm kernel.
    for (let i = 0; i < 20; i++) run();
    const probe = timeSample(run, 50);
    const reps = Math.max(20, Math.round((0.1 / probe.cpu) * 50));
    const perCall = MODES.map(() => [] as number[]);
    for (let s = 0; s < SAMPLES; s++) {
      MODES.forEach((mode, i) => {
        const handle = mode.install();
        try {
          for (let w = 0; w < 10; w++) run();
          perCall[i].push((timeSample(run, reps).cpu / reps) * 1e6);
        } finally {
          handle?.uninstall();
        }
      });
    }
    tf.dispose([a, b]);
    console.log(`| ${n} | ${((2 * n ** 3) / 1e6).toFixed(3)} | ${tB} | ${perCall.map((xs) => median(xs).toFixed(1)).join(' | ')} |`);
  }
}
console.log(`load average ${loadAverage()}`);
