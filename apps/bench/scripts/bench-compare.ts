/**
 * `npm run bench:compare`: fisherkit's training step beside the authors' PyTorch code (issue 7,
 * §1, §2 and §4), on the default backend (`selectBackend()`: wasm unless tfjs-node is installed).
 *
 * Per problem (default `mnist`; `--problem mnist,faces`):
 * - matMul throughput: square products and every matMul shape of one training step and of the
 *   preconditioner's application, each timed on its own (median);
 * - per method (sgd, adam, kfac, kpsvd, deflation, lanczos, kfac-corrected), in a fresh child
 *   process each (so the peak RSS is the method's own): `--steps` training steps on fixed random
 *   batches with T_cov = T_inv = `--refresh-every`, the median plain step, the refresh cost
 *   (refresh step − plain median; the first is cold, later ones warm-started) and the amortised
 *   step at T_cov = T_inv = 100.
 *
 * Prints the three tables (markdown) and, with `--json <file>`, everything measured.
 *
 *     npm run bench:compare                                  # MNIST, all methods (≈ 8 min on 2 cores)
 *     npm run bench:compare -- --methods sgd,kfac --steps 8  # a quick look
 *     npm run bench:compare -- --problem faces --steps 5 --refresh-every 3 --json faces.json
 *     npm run bench:compare -- --from faces.json             # the tables of an earlier run again
 *     npm run bench:compare -- --pytorch --python /usr/bin/python3  # also PyTorch 1.13 on this machine (apt-get install python3-torch)
 *     npm run bench:compare -- --no-inverse-worker          # refresh inverses on the main thread (the worker is the preset)
 *     npm run bench:compare -- --split-refresh              # share each refresh between the main thread and the worker, waiting for it (exact)
 *     npm run bench:compare -- --matmul onnx --matmul-threads 1  # matMuls and gradient passes on ONNX Runtime (@fisherkit/matmul-onnx)
 *     npm run bench:compare -- --matmul onnx --gradient-pass tfjs   # ONNX Runtime matMuls inside the tfjs pass
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { selectBackend, type BackendInfo } from '@fisherkit/core';
import type { InverseWorkerSetting } from '@fisherkit/preconditioner';
import { inverseMode } from '../src/inverse-worker-option.js';
import { installMatMul, parseMatMul, type MatMulChoice, type MatMulInfo } from '../src/matmul-option.js';
import { runInChildProcess } from '../src/perf/child-run.js';
import { amortisedPytorchMs, PYTORCH_COUNTERPART, pytorchHere, type PytorchRun } from '../src/perf/pytorch-here.js';
import { machineInfo, type MachineInfo } from '../src/machine.js';
import { problemPreset } from '../src/presets.js';
import {
  amortisedMs,
  applicationMatMuls,
  flops,
  matMulMs,
  parameterCount,
  stepMatMuls,
  summariseSteps,
  timeMatMul,
  timeTrainingSteps,
  type MatMulTiming,
  type StepTimingResult,
  type StepTimingSpec,
} from '../src/perf/step-timing.js';

/** The authors' PyTorch 1.13 CPU code, OpenBLAS float32, 2 threads, MNIST batch 512, ms per step (issue 7). */
const PYTORCH_2_THREADS: Record<string, number> = {
  sgd: 57,
  adam: 62,
  kpsvd: 100,
  kfac: 101,
  lanczos: 147,
  'kfac-corrected': 149,
  deflation: 156,
};
/** Same, one thread. */
const PYTORCH_1_THREAD: Record<string, number> = { sgd: 82, kfac: 159, deflation: 224 };
/** Kronecker terms applied per step. */
const TERMS: Record<string, number> = { kfac: 1, kpsvd: 1, deflation: 2, lanczos: 2, 'kfac-corrected': 2 };
const ALL_METHODS = ['sgd', 'adam', 'kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected'];

interface MatMulJob {
  kind: 'matmul';
  problem: string;
  sizes: number[];
  batchSize: number;
  reps: number;
}
interface StepJob {
  kind: 'step';
  spec: StepTimingSpec;
}
/** Every job carries the matMul kernel its child installs (`--matmul`, `--matmul-threads`, `--gradient-pass`). */
type Job = (MatMulJob | StepJob) & { matMul: MatMulChoice };

interface Load {
  start: number[];
  end: number[];
}

interface MatMulResult {
  backend: BackendInfo;
  /** Square products with fresh operands each time (as in training). */
  square: MatMulTiming[];
  /** 1024² repeating the same operands (XNNPACK's packed right operand reused). */
  squareCached: MatMulTiming[];
  /** Measured wall / CPU ms of one step's matMuls, summed. */
  stepMatMul: { ms: number; cpuMs: number };
  /** Same for the application of 1 and 2 Kronecker terms. */
  application: { 1: { ms: number; cpuMs: number }; 2: { ms: number; cpuMs: number } };
  shapes: MatMulTiming[];
  load: Load;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
/**
 * Where the natural-gradient methods refresh their inverses: `--split-refresh` ('split': main thread
 * and inverse worker, each block waiting for its job), `--no-inverse-worker` (false: main thread),
 * else undefined (the preset: asynchronously on the inverse worker).
 */
function inverseWorkerFlag(): InverseWorkerSetting | undefined {
  const split = process.argv.includes('--split-refresh');
  const main = process.argv.includes('--no-inverse-worker');
  if (split && main) {
    throw new Error('--split-refresh and --no-inverse-worker exclude each other: a split refresh runs on the main thread and the inverse worker; give one of them');
  }
  return split ? 'split' : main ? false : undefined;
}
/** The table's label of where a method refreshed its inverses (results from before `inverseMode` have only `inverseWorker`). */
function inverseLabel(m: Timed): string {
  if (m.inverseMode === 'split') return ' (split refresh)';
  return m.inverseWorker ? ' (inverse worker)' : '';
}
function intOption(name: string, fallback: number): number {
  const v = option(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a non-negative integer, got ${v}`);
  return n;
}

async function runChild(job: Job): Promise<unknown> {
  const installed = await installMatMul(job.matMul, await selectBackend());
  if (job.kind === 'matmul') {
    const start = os.loadavg();
    const square = [512, 1024, 2048].map((n) => timeMatMul({ m: n, k: n, n }, job.reps));
    const squareCached = [1024].map((n) => timeMatMul({ m: n, k: n, n }, job.reps, false));
    const cache = new Map<string, MatMulTiming>();
    const stepMatMul = matMulMs(stepMatMuls(job.sizes, job.batchSize), cache, job.reps);
    const application = {
      1: matMulMs(applicationMatMuls(job.sizes, 1), cache, job.reps),
      2: matMulMs(applicationMatMuls(job.sizes, 2), cache, job.reps),
    };
    return { square, squareCached, stepMatMul, application, shapes: [...cache.values()], load: { start, end: os.loadavg() } } satisfies Omit<MatMulResult, 'backend'>;
  }
  const start = os.loadavg();
  const r = await timeTrainingSteps(job.spec, installed.attachGradientPass);
  return { ...r, load: { start, end: os.loadavg() } };
}

let matMulChoice: Job['matMul'] = { kernel: 'backend', gradientPass: 'tfjs' };

function spawnChild<T>(job: Omit<MatMulJob, 'matMul'> | Omit<StepJob, 'matMul'>): Promise<T> {
  job = { ...job, matMul: matMulChoice } as Job;
  return runInChildProcess<T>(fileURLToPath(import.meta.url), job, JSON.stringify(job).slice(0, 120));
}

const fmt = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));
const loadText = (l: Load): string => `${l.start.map((x) => x.toFixed(2)).join(' ')} → ${l.end.map((x) => x.toFixed(2)).join(' ')}`;

type Timed = StepTimingResult & { load: Load };

/** PyTorch 1.13 measured on this machine (`--pytorch`), 2 threads and 1. */
type PytorchHere = { threads2: PytorchRun; threads1: PytorchRun };

interface ProblemReport {
  problem: string;
  sizes: number[];
  batchSize: number;
  fisherBatchSize: number;
  parameters: number;
  stepFlops: number;
  sixPB: number;
  matmul: MatMulResult;
  methods: Timed[];
  pytorch?: PytorchHere;
}

function tables(r: ProblemReport, every: number): string {
  const lines: string[] = [];
  const sgd = r.methods.find((m) => m.method === 'sgd');
  const sq = r.matmul.square.find((s) => s.m === 1024)!;
  const shapeGflops = r.stepFlops / r.matmul.stepMatMul.cpuMs / 1e6;
  lines.push(`### ${r.problem}: ${r.sizes.join('-')}, batch ${r.batchSize}, Fisher batch ${r.fisherBatchSize}, ${(r.parameters / 1e6).toFixed(3)} M parameters`);
  lines.push('');
  lines.push(
    `matMul throughput (${r.matmul.backend.name}, float32, median of ${r.matmul.square[0].reps}, GFLOP per CPU second (wall); load ${loadText(r.matmul.load)}): ` +
      r.matmul.square.map((s) => `${s.m}² ${fmt(s.cpuGflops, 1)} (${fmt(s.gflops, 1)})`).join(', ') +
      ` with fresh operands every product, as in training; 1024² repeating the same operands ${fmt(r.matmul.squareCached[0].cpuGflops, 1)} (${fmt(r.matmul.squareCached[0].gflops, 1)})` +
      `; the step's own matMul shapes, each timed alone: ${fmt(r.matmul.stepMatMul.cpuMs)} CPU ms for ${fmt(r.stepFlops / 1e9, 2)} GFLOP = ${fmt(shapeGflops, 1)} GFLOP/s.`,
  );
  lines.push('');
  lines.push('CPU ms = process CPU time (user + system) of the single-threaded step ≈ its wall time on an idle core; wall ms as measured under the load shown.');
  lines.push('');
  lines.push('| method | plain step CPU ms (wall) | refresh CPU ms, cold / warm | amortised CPU ms/step, T = 100 (wall) | PyTorch 2 threads ms | wall ms ÷ 2 threads (target ≤ 1.5×) | PyTorch 1 thread ms | CPU ms ÷ 1 thread | peak RSS MB | load (1 min) |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const m of r.methods) {
    const am = amortisedMs(m, every, 'cpu');
    const pt = r.problem === 'mnist' ? PYTORCH_2_THREADS[m.method] : undefined;
    const pt1 = r.problem === 'mnist' ? PYTORCH_1_THREAD[m.method] : undefined;
    lines.push(
      `| ${m.method}${inverseLabel(m)} | ${fmt(m.plainCpuMs)} (${fmt(m.plainMs)}) | ${m.coldRefreshCpuMs === null ? '—' : `${fmt(m.coldRefreshCpuMs)} / ${fmt(m.warmRefreshCpuMs)}`} | ` +
        `${fmt(am)} (${fmt(amortisedMs(m, every, 'wall'))}) | ${pt ?? '—'} | ${pt ? `${fmt(amortisedMs(m, every, 'wall') / pt, 2)}×` : '—'} | ${pt1 ?? '—'} | ${pt1 ? `${fmt(am / pt1, 1)}×` : '—'} | ${fmt(m.peakRssBytes / 2 ** 20)} | ${m.load.start[0].toFixed(2)}–${m.load.end[0].toFixed(2)} |`,
    );
  }
  lines.push('');
  if (sgd) {
    lines.push(
      '| first-order step | CPU ms | GFLOP/s (step FLOPs / CPU time) | ÷ 1024² matMul (fresh operands) | ÷ the step\'s matMuls timed alone (separate run) | ÷ the step\'s matMuls timed alone between its steps (median; target ≥ 60%) |',
    );
    lines.push('|---|---|---|---|---|---|');
    for (const m of r.methods.filter((x) => !TERMS[x.method])) {
      const g = r.stepFlops / m.plainCpuMs / 1e6;
      lines.push(
        `| ${m.method} | ${fmt(m.plainCpuMs)} | ${fmt(g, 1)} | ${fmt((100 * g) / sq.cpuGflops)}% | ${fmt((100 * r.matmul.stepMatMul.cpuMs) / m.plainCpuMs)}% | ${m.matMulShare === null ? '—' : `${fmt(100 * m.matMulShare)}%`} |`,
      );
    }
    lines.push('');
    lines.push(
      `Step FLOPs: ${fmt(r.stepFlops / 1e9, 2)} GFLOP counted matMul by matMul (6 × parameters × batch = ${fmt(r.sixPB / 1e9, 2)} GFLOP; the first layer's input gradient is never formed).`,
    );
    lines.push('');
    // CPU ms count the inverse worker's thread too (the single-core cost); wall ms are the step time
    // with the worker on the second core, which is what the section's lever is about.
    lines.push(
      '| method | amortised CPU ms/step | SGD + application matMuls, CPU ms | ratio on CPU ms (target ≤ 1.15) | amortised wall ms/step | SGD + application matMuls, wall ms | ratio on wall ms (target ≤ 1.15) | plain step ÷ SGD (CPU) |',
    );
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const m of r.methods.filter((x) => TERMS[x.method])) {
      const am = amortisedMs(m, every, 'cpu');
      const amWall = amortisedMs(m, every, 'wall');
      const app = r.matmul.application[TERMS[m.method] as 1 | 2];
      const floor = sgd.plainCpuMs + app.cpuMs;
      const floorWall = sgd.plainMs + app.ms;
      lines.push(
        `| ${m.method} | ${fmt(am)} | ${fmt(sgd.plainCpuMs)} + ${fmt(app.cpuMs)} = ${fmt(floor)} | ${fmt(am / floor, 2)} | ` +
          `${fmt(amWall)} | ${fmt(sgd.plainMs)} + ${fmt(app.ms)} = ${fmt(floorWall)} | ${fmt(amWall / floorWall, 2)} | ${fmt(m.plainCpuMs / sgd.plainCpuMs, 2)}× |`,
      );
    }
    lines.push('');
  }
  if (r.pytorch) lines.push(pytorchTable(r, r.pytorch, every));
  return lines.join('\n');
}

/** Ours beside PyTorch measured on this machine: wall ms against 2 threads, CPU ms against 1. */
function pytorchTable(r: ProblemReport, pt: PytorchHere, every: number): string {
  const lines = [
    `Same machine: PyTorch ${pt.threads2.torch} (\`pytorch-step.py\`: sgd and adam are torch.optim; kfac-like and rank2-like are the Kronecker step's work written from the mathematics, refresh amortised at T = ${every}).`,
    '',
    '| method | ours, amortised wall ms | PyTorch here, 2 threads | ratio (target ≤ 1.5×) | ours, amortised CPU ms | PyTorch here, 1 thread | ratio |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const m of r.methods) {
    const two = amortisedPytorchMs(pt.threads2, m.method, every);
    const one = amortisedPytorchMs(pt.threads1, m.method, every);
    const wall = amortisedMs(m, every, 'wall');
    const cpu = amortisedMs(m, every, 'cpu');
    lines.push(
      `| ${m.method} | ${fmt(wall)} | ${two === undefined ? '—' : `${fmt(two)} (${PYTORCH_COUNTERPART[m.method]})`} | ${two ? `${fmt(wall / two, 2)}×` : '—'} | ${fmt(cpu)} | ${fmt(one)} | ${one ? `${fmt(cpu / one, 2)}×` : '—'} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

function matMulText(backend: BackendInfo & { matMul?: MatMulInfo }): string {
  const m = backend.matMul;
  if (!m || m.kernel === 'backend') return "the backend's own";
  const pass = m.gradientPass === 'onnx' ? '; plain forward/backward passes as one ONNX Runtime graph' : '; forward/backward passes kernel by kernel on tfjs';
  return `ONNX Runtime, ${m.threads ?? 'all'} thread${m.threads === 1 ? '' : 's'} per product${pass}`;
}

function report(machine: MachineInfo, backend: BackendInfo & { matMul?: MatMulInfo }, steps: number, refreshEvery: number, every: number, reports: ProblemReport[]): string {
  return [
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform} ${machine.arch}; backend ${backend.name} (${backend.package}), matMul kernel: ${matMulText(backend)}; ` +
      `${steps} steps per method, T_cov = T_inv = ${refreshEvery} while timing, amortised at ${every}.`,
    '',
    ...reports.map((r) => tables(r, every)),
    `PyTorch single-thread (authors' code, same machine kind): ${Object.entries(PYTORCH_1_THREAD).map(([k, v]) => `${k} ${v}`).join(', ')} ms/step.`,
  ].join('\n');
}

async function main(): Promise<void> {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex >= 0) {
    const result = await runChild(JSON.parse(process.argv[childIndex + 1]) as Job);
    process.stdout.write(`@@${JSON.stringify(result)}\n`);
    return;
  }
  const from = option('from');
  if (from) {
    // Re-print the tables of an earlier --json file (re-summarising its per-step times).
    const saved = JSON.parse(readFileSync(from, 'utf8')) as { machine: MachineInfo; backend: BackendInfo; steps: number; refreshEvery: number; amortiseOver: number; problems: ProblemReport[] };
    for (const p of saved.problems) {
      p.methods = p.methods.map((m) => ({
        ...m,
        ...summariseSteps(m.stepMs, m.stepCpuMs, TERMS[m.method] ? saved.refreshEvery : 0, intOption('warmup', 1), { ms: m.flushMs ?? 0, cpuMs: m.flushCpuMs ?? 0 }),
      }));
    }
    process.stdout.write(`${report(saved.machine, saved.backend, saved.steps, saved.refreshEvery, saved.amortiseOver, saved.problems)}\n`);
    return;
  }
  const problems = (option('problem') ?? 'mnist').split(',');
  const methods = (option('methods') ?? ALL_METHODS.join(',')).split(',');
  const refreshEvery = intOption('refresh-every', 10);
  const steps = intOption('steps', refreshEvery + 2);
  const warmupSteps = intOption('warmup', 1);
  const every = intOption('amortise', 100);
  const reps = intOption('reps', 7);
  const inverseWorker = inverseWorkerFlag();
  matMulChoice = parseMatMul(option('matmul'), option('matmul-threads'), option('gradient-pass'));
  const selected = await selectBackend();
  const backend: BackendInfo & { matMul: MatMulInfo } = { ...selected, matMul: { kernel: matMulChoice.kernel, gradientPass: matMulChoice.gradientPass, ...(matMulChoice.threads ? { threads: matMulChoice.threads } : {}) } };
  const machine: MachineInfo = machineInfo();
  const reports: ProblemReport[] = [];
  process.stderr.write(`bench:compare on ${backend.name} (matMul: ${matMulText(backend)}), ${machine.cpu} × ${machine.cores}, Node ${machine.node}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
  for (const problem of problems) {
    const preset = problemPreset(problem);
    const batchSize = intOption('batch-size', preset.batchSize);
    const fisherBatchSize = intOption('fisher-batch-size', Math.floor(batchSize / 4));
    const sizes = [...preset.sizes];
    process.stderr.write(`${problem}: matMul throughput…\n`);
    const mm = await spawnChild<Omit<MatMulResult, 'backend'>>({ kind: 'matmul', problem, sizes, batchSize, reps });
    const report: ProblemReport = {
      problem,
      sizes,
      batchSize,
      fisherBatchSize,
      parameters: parameterCount(sizes),
      stepFlops: flops(stepMatMuls(sizes, batchSize)),
      sixPB: 6 * parameterCount(sizes) * batchSize,
      matmul: { ...mm, backend },
      methods: [],
    };
    if (process.argv.includes('--pytorch')) {
      if (problem !== 'mnist') throw new Error('--pytorch times the MNIST auto-encoder only; use --problem mnist');
      process.stderr.write(`${problem}: PyTorch on this machine (2 threads, then 1)…\n`);
      const python = option('python') ?? 'python3';
      report.pytorch = { threads2: pytorchHere(python, 2), threads1: pytorchHere(python, 1) };
    }
    for (const method of methods) {
      process.stderr.write(`${problem} ${method}: ${steps} steps, refresh every ${refreshEvery}…`);
      const t0 = performance.now();
      const r = await spawnChild<Timed>({
        kind: 'step',
        spec: {
          problem,
          method,
          batchSize,
          fisherBatchSize,
          steps,
          refreshEvery,
          warmupSteps,
          interleaveMatMuls: !TERMS[method],
          ...(inverseWorker !== undefined ? { inverseWorker } : {}),
        },
      });
      process.stderr.write(` plain ${fmt(r.plainMs)} ms, refresh ${fmt(r.coldRefreshMs)} / ${fmt(r.warmRefreshMs)} ms (${fmt((performance.now() - t0) / 1000)} s)\n`);
      report.methods.push(r);
    }
    reports.push(report);
  }
  const text = report(machine, backend, steps, refreshEvery, every, reports);
  process.stdout.write(`${text}\n`);
  const json = option('json');
  if (json) {
    writeFileSync(json, `${JSON.stringify({ kind: 'bench-compare', date: new Date().toISOString(), machine, backend, steps, refreshEvery, amortiseOver: every, inverseMode: inverseMode(inverseWorker ?? true), pytorch2Threads: PYTORCH_2_THREADS, pytorch1Thread: PYTORCH_1_THREAD, problems: reports }, null, 1)}\n`);
    process.stderr.write(`wrote ${json}\n`);
  }
}

await main();
