import { selectBackend } from '@fisherkit/core';
import { installMatMul } from '../src/matmul-option.js';
import { timeTrainingSteps } from '../src/perf/step-timing.js';
await installMatMul({ kernel: 'onnx', threads: 1 }, await selectBackend());
const r = await timeTrainingSteps({ problem: 'mnist', method: process.argv[2] ?? 'sgd', batchSize: 512, fisherBatchSize: 128, steps: 9, refreshEvery: 4, warmupSteps: 0 });
console.log(r.stepMs.map((x: number) => x.toFixed(0)).join(' '));
