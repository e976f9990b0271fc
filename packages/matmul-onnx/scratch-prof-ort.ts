import { loadOrtBinding } from './src/ort-binding.js';
import { denseGradientModel } from './src/dense-gradient-graph.js';
const sizes = [784, 1000, 500, 250, 30, 250, 500, 1000, 784];
const B = 512, L = sizes.length - 1;
const acts = sizes.slice(1).map((_, l) => (l === L - 1 ? 'sigmoid' : l === 3 ? 'linear' : 'relu')) as any;
const ort = loadOrtBinding();
const bytes = denseGradientModel({ sizes, activations: acts, loss: 'bce' });
const s: any = ort.createSession();
s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, { intraOpNumThreads: 2, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', enableCpuMemArena: true, enableProfiling: true, profileFilePrefix: '/tmp/ortprof', extra: { 'session.intra_op.allow_spinning': '0' } });
const rnd = (n: number, sc = 0.05) => Float32Array.from({ length: n }, () => (Math.random() - 0.5) * sc);
const feeds: any = { X: new ort.Tensor('float32', Float32Array.from({ length: B * 784 }, Math.random), [B, 784]), Y: new ort.Tensor('float32', Float32Array.from({ length: B * 784 }, Math.random), [B, 784]) };
for (let l = 0; l < L; l++) { feeds[`K${l}`] = new ort.Tensor('float32', rnd(sizes[l] * sizes[l + 1]), [sizes[l], sizes[l + 1]]); feeds[`b${l}`] = new ort.Tensor('float32', rnd(sizes[l + 1]), [sizes[l + 1]]); }
const fetches: any = { loss: null };
for (let l = 0; l < L; l++) { const buf = new Float32Array((sizes[l] + 1) * sizes[l + 1]); fetches[`GK${l}`] = new ort.Tensor("float32", buf.subarray(0, sizes[l] * sizes[l + 1]), [sizes[l], sizes[l + 1]]); fetches[`Gb${l}`] = new ort.Tensor("float32", buf.subarray(sizes[l] * sizes[l + 1]), [1, sizes[l + 1]]); }
for (let i = 0; i < 20; i++) s.run(feeds, fetches, {});
console.log(s.endProfiling());
