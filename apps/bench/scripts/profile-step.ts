/**
 * `npx tsx --conditions=source apps/bench/scripts/profile-step.ts [method] [--matmul onnx]`:
 * CPU time per tfjs kernel of a few training steps of the MNIST auto-encoder (batch 512), from
 * `tf.profile`, summed by kernel name — where a step's time goes besides the matMuls.
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@fisherkit/core';
import { installMatMul, parseMatMul } from '../src/matmul-option.js';
import { timeTrainingSteps } from '../src/perf/step-timing.js';

const method = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'sgd';
const opt = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
};
const installed = await installMatMul(parseMatMul(opt('matmul'), opt('matmul-threads'), opt('gradient-pass')), await selectBackend());
const steps = Number(opt('steps') ?? 3);
const byKernel = new Map<string, { ms: number; calls: number }>();
const info = await tf.profile(async () => {
  await timeTrainingSteps({ problem: 'mnist', method, batchSize: 512, fisherBatchSize: 128, steps, refreshEvery: 1000, warmupSteps: 0 }, installed.attachGradientPass);
});
for (const k of info.kernels) {
  const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  e.ms += Number(k.kernelTimeMs);
  e.calls += 1;
  byKernel.set(k.name, e);
}
const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
console.log(`${method}: ${steps} steps, kernel time ${(total / steps).toFixed(1)} ms/step`);
for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${name.padEnd(24)} ${(e.ms / steps).toFixed(1).padStart(8)} ms/step ${String(e.calls / steps).padStart(6)} calls/step`);
}
