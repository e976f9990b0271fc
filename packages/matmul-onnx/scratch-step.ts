import { loadOrtBinding } from './src/ort-binding.js';
import { denseGradientModel } from './src/dense-gradient-graph.js';
const sizes = (process.env.SIZES ?? '784,1000,500,250,30,250,500,1000,784').split(',').map(Number);
const B = Number(process.env.B ?? 512);
const L = sizes.length - 1;
const acts = sizes.slice(1).map((_, l) => (l === L - 1 ? 'sigmoid' : l === 3 ? 'linear' : 'relu')) as any;
const ort = loadOrtBinding();
const bytes = denseGradientModel({ sizes, activations: acts, loss: 'bce' });
for (const threads of [1, 2]) for (const spin of ['1', '0']) {
  const s = ort.createSession();
  s.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all', enableCpuMemArena: true,
    extra: { 'session.intra_op.allow_spinning': spin },
  });
  const rnd = (n: number, sc = 0.05) => Float32Array.from({ length: n }, () => (Math.random() - 0.5) * sc);
  const feeds: any = { X: new ort.Tensor('float32', Float32Array.from({ length: B * sizes[0] }, Math.random), [B, sizes[0]]),
    Y: new ort.Tensor('float32', Float32Array.from({ length: B * sizes[L] }, () => (Math.random() < 0.5 ? 1 : 0)), [B, sizes[L]]) };
  for (let l = 0; l < L; l++) { feeds[`K${l}`] = new ort.Tensor('float32', rnd(sizes[l] * sizes[l + 1]), [sizes[l], sizes[l + 1]]); feeds[`b${l}`] = new ort.Tensor('float32', rnd(sizes[l + 1]), [sizes[l + 1]]); }
  const fetches: any = { loss: null };
  for (let l = 0; l < L; l++) fetches[`G${l}`] = new ort.Tensor('float32', new Float32Array((sizes[l] + 1) * sizes[l + 1]), [sizes[l] + 1, sizes[l + 1]]);
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < 25; i++) { const t = performance.now(); const r = s.run(feeds, fetches, {}); times.push(performance.now() - t); if (i === 0) console.log('loss', (r.loss.data as any)[0]); }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  console.log(`threads ${threads} spin ${spin}: median ${times[12].toFixed(1)} ms, min ${times[0].toFixed(1)}, cpu/run ${((cpu.user + cpu.system) / 1000 / 25).toFixed(1)} ms`);
  s.dispose();
}
