/**
 * Linear-algebra benchmark: `npm run bench:linalg` (optionally `-- --sizes 250,500`; with
 * `-- --gemm onnx [--gemm-threads N]` the large products run on ONNX Runtime's DGEMM through
 * `@fisherkit/matmul-onnx`'s `installOnnxFloat64Products`, N threads, default 1; with
 * `-- --numpy` numpy/OpenBLAS is timed on this machine too, by `numpy-linalg.py`, where
 * `python3` has numpy).
 *
 * Prints a markdown table of median wall-clock and CPU seconds for cholesky, spdInverse and
 * symmetricEigen (with vectors) on random SPD matrices, with the ratio to numpy/OpenBLAS
 * single-thread figures measured on the reference machine, plus one matrix-free R(F) product at
 * the largest MNIST-autoencoder layer size. CPU seconds are reported next to wall seconds because
 * shared machines make wall time noisy.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { cholesky, spdInverse, symmetricEigen } from '../src/linalg/index.js';
import { rfOperator } from '../src/kronecker/index.js';
import type { Matrix } from '../src/matrix/matrix.js';
import { createRng } from '../src/random/rng.js';

/** numpy 1.x / OpenBLAS, one thread (OPENBLAS_NUM_THREADS=1), on the reference machine. */
const NUMPY: Record<string, Record<number, number>> = {
  symmetricEigen: { 1001: 0.17, 2001: 1.25 },
  cholesky: { 1001: 0.014, 2001: 0.107 },
};

/**
 * `--numpy`: numpy/OpenBLAS eigh and cholesky timed on this machine (one BLAS thread) by
 * `numpy-linalg.py`, replacing the reference machine's figures; a clear error where python3 or
 * numpy is missing.
 */
function numpyHere(sizes: number[]): { table: typeof NUMPY; label: string } {
  const script = new URL('./numpy-linalg.py', import.meta.url).pathname;
  let out: string;
  try {
    out = execFileSync('python3', [script, sizes.join(',')], { encoding: 'utf8', env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  } catch (e) {
    throw new Error(`--numpy needs python3 with numpy (e.g. apt-get install python3-numpy): ${(e as Error).message.split('\n')[0]}`);
  }
  const r = JSON.parse(out) as { eigh: Record<number, number>; cholesky: Record<number, number>; numpy: string; blas: string };
  return { table: { symmetricEigen: r.eigh, cholesky: r.cholesky }, label: `numpy ${r.numpy} (${r.blas || 'its BLAS'}), 1 thread, on this machine` };
}

interface Row {
  op: string;
  size: string;
  reps: number;
  wall: number;
  cpu: number;
  reference?: number;
}

function parseSizes(): number[] {
  const i = process.argv.indexOf('--sizes');
  if (i < 0) return [250, 500, 1001, 2001];
  return process.argv[i + 1].split(',').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes takes positive integers, got ${s}`);
    return n;
  });
}

function randomSpd(n: number, seed: number): Matrix {
  // A = X Xᵀ / n + I with X n × n Gaussian: SPD with a well-spread spectrum.
  const rng = createRng(seed);
  const x = new Float64Array(n * n);
  for (let k = 0; k < x.length; k++) x[k] = rng.normal();
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[i * n + k] * x[j * n + k];
      a[i * n + j] = s / n;
      a[j * n + i] = s / n;
    }
    a[i * n + i] += 1;
  }
  return { rows: n, cols: n, data: a };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

function time(op: string, size: string, reps: number, run: () => unknown, reference?: number): Row {
  run(); // warm-up (JIT), not timed
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    walls.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
  }
  const row = { op, size, reps, wall: median(walls), cpu: median(cpus), reference };
  process.stderr.write(`  ${op} ${size}: ${row.wall.toFixed(3)} s\n`);
  return row;
}

function fmt(x: number): string {
  return x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x >= 0.01 ? x.toFixed(3) : x.toFixed(4);
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** `--gemm onnx`: installs the ONNX Runtime Float64 products (loaded by name: core does not depend on matmul-onnx). */
async function installGemm(): Promise<string> {
  const gemm = option('gemm') ?? 'builtin';
  if (gemm === 'builtin') return 'built-in (WebAssembly SIMD / JavaScript kernels)';
  if (gemm !== 'onnx') throw new Error(`--gemm takes builtin or onnx, got ${gemm}`);
  const threads = Number(option('gemm-threads') ?? 1);
  const specifier = '@fisherkit/matmul-onnx';
  const onnx = (await import(specifier)) as { installOnnxFloat64Products(o: { threads: number }): { minWork: number; ortVersion: string } };
  const handle = onnx.installOnnxFloat64Products({ threads });
  return `ONNX Runtime ${handle.ortVersion} DGEMM, ${threads} thread(s), products ≥ ${handle.minWork} multiply-adds`;
}

async function main(): Promise<void> {
  const products = await installGemm();
  const cpus = os.cpus();
  const load = os.loadavg().map((x) => x.toFixed(2)).join(', ');
  console.log(`Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}`);
  console.log(`Load average at start (1, 5, 15 min): ${load}`);
  console.log(`Float64 products: ${products}`);
  const sizes = parseSizes();
  const numpy = process.argv.includes('--numpy') ? numpyHere(sizes) : { table: NUMPY, label: 'numpy/OpenBLAS, 1 thread, on the reference machine (DESIGN.md)' };
  console.log(`Reference: ${numpy.label}\n`);
  const rows: Row[] = [];
  for (const n of sizes) {
    const a = randomSpd(n, n);
    const big = n > 1001;
    rows.push(time('cholesky', `${n}`, big ? 3 : 7, () => cholesky(a), numpy.table.cholesky[n]));
    rows.push(time('spdInverse', `${n}`, big ? 1 : 3, () => spdInverse(a)));
    rows.push(time('symmetricEigen', `${n}`, big ? 1 : 5, () => symmetricEigen(a), numpy.table.symmetricEigen[n]));
  }
  if (!process.argv.includes('--no-rf')) {
    // Largest layer of the MNIST autoencoder 784-1000-500-250-30: d_a = 785 (with bias), d_g = 1000, batch m = 1000.
    const m = 1000;
    const da = 785;
    const dg = 1000;
    const rng = createRng(7);
    const mk = (r: number, c: number): Matrix => {
      const d = new Float64Array(r * c);
      for (let k = 0; k < d.length; k++) d[k] = rng.normal();
      return { rows: r, cols: c, data: d };
    };
    const op = rfOperator(mk(m, da), mk(m, dg));
    const y = mk(dg, dg);
    rows.push(time('rfOperator.times (one R(F) product)', `d_a=${da}, d_g=${dg}, m=${m}`, 3, () => op.times(y)));
  }
  console.log('| operation | n | reps | median wall s | median CPU s | numpy 1 thread s | ratio (wall / numpy) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const ref = r.reference === undefined ? "—" : fmt(r.reference);
    const ratio = r.reference === undefined ? '—' : `${(r.wall / r.reference).toFixed(1)}×`;
    console.log(`| ${r.op} | ${r.size} | ${r.reps} | ${fmt(r.wall)} | ${fmt(r.cpu)} | ${ref} | ${ratio} |`);
  }
}

await main();
