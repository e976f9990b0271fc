/**
 * `npm run bench:width`: time per training step against layer width (issue 7, the width plot).
 *
 * A 3-layer network `w-w-w-w` (ReLU, ReLU, sigmoid output, binary cross-entropy, the MNIST
 * presets' hyper-parameters) at batch 512 (Fisher batch 128) for widths 128…2048, with SGD, KFAC
 * and one rank-2 method (Lanczos by default), each (width, method) in a fresh child process on the
 * default backend: the plain step, the refresh (cold, then warm-started), the amortised step at
 * T_cov = T_inv = 100, and for SGD the step's own matMuls timed alone between its steps (the
 * matMul floor). Writes docs/figures/step-time-vs-width.{svg,png} (vega-lite + resvg, as the
 * report's figures), prints a markdown table and, with `--json <file>`, the measurements.
 *
 *     npm run bench:width                                   # widths 128…2048 (≈ 15 min on 2 cores)
 *     npm run bench:width -- --widths 128,256,512 --methods sgd,kfac
 *     npm run bench:width -- --limit lanczos=1024 --json width.json
 *     npm run bench:width -- --from width.json                # table and figure again from saved times
 *     npm run bench:width -- --matmul onnx --matmul-threads 1  # ONNX Runtime products and graph pass, one thread
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { selectBackend, type BackendInfo } from '@fisherkit/core';
import { installMatMul, parseMatMul, type MatMulChoice, type MatMulInfo } from '../src/matmul-option.js';
import { runInChildProcess } from '../src/perf/child-run.js';
import { machineInfo } from '../src/machine.js';
import { amortisedMs, parameterCount, stepMatMuls, flops, summariseSteps, timeTrainingSteps, type StepTimingResult, type StepTimingSpec } from '../src/perf/step-timing.js';
import { renderFigure } from '../src/report/figures.js';

type Timed = StepTimingResult & { load: { start: number[]; end: number[] }; width: number };

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** What a child measures: a step-timing spec and the matMul kernel / gradient pass it installs first. */
type WidthJob = { spec: StepTimingSpec; matMul: MatMulChoice };

function spawnChild(job: WidthJob): Promise<StepTimingResult & { load: { start: number[]; end: number[] } }> {
  return runInChildProcess(fileURLToPath(import.meta.url), job, `for ${job.spec.method} ${job.spec.sizes?.join('-')}`);
}

const fmt = (x: number | null | undefined, digits = 0): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(digits));

/**
 * The figure: CPU ms per step against width (log–log), one colour per method, solid = plain step,
 * dashed = amortised at T = 100, and SGD's matMul floor dotted.
 */
function figure(rows: Timed[], every: number, title: string): TopLevelSpec {
  const data: { width: number; ms: number; series: string; kind: string }[] = [];
  for (const r of rows) {
    data.push({ width: r.width, ms: r.plainCpuMs, series: r.method, kind: 'plain step' });
    if (r.coldRefreshCpuMs !== null) data.push({ width: r.width, ms: amortisedMs(r, every, 'cpu'), series: r.method, kind: `amortised, T = ${every}` });
    if (r.matMulCpuMs) {
      const sorted = r.matMulCpuMs.slice().sort((a, b) => a - b);
      data.push({ width: r.width, ms: sorted[sorted.length >> 1], series: "SGD step's matMuls alone", kind: 'plain step' });
    }
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: 'Time per training step against layer width', subtitle: title },
    width: 460,
    height: 320,
    background: 'white',
    config: {
      font: 'DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif',
      axis: { grid: true, gridColor: '#e6e6e6', labelFontSize: 11, titleFontSize: 12 },
      legend: { labelFontSize: 11, titleFontSize: 12, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300, labelLimit: 260, symbolStrokeColor: '#444' },
      title: { fontSize: 15, subtitleFontSize: 11, anchor: 'start', offset: 14 },
    },
    data: { values: data },
    mark: { type: 'line', point: true, strokeWidth: 1.8 },
    encoding: {
      x: { field: 'width', type: 'quantitative', scale: { type: 'log', base: 2 }, axis: { values: [...new Set(rows.map((r) => r.width))] }, title: 'layer width w (network w-w-w-w, batch 512)' },
      y: { field: 'ms', type: 'quantitative', scale: { type: 'log' }, title: 'CPU ms per step (≈ wall ms on an idle core)' },
      color: { field: 'series', type: 'nominal', title: 'method' },
      strokeDash: {
        field: 'kind',
        type: 'nominal',
        title: 'time',
        scale: { domain: ['plain step', `amortised, T = ${every}`], range: [[1, 0], [6, 3]] },
        // Without its own stroke the dash legend draws invisible symbols.
        legend: { symbolType: 'stroke', symbolStrokeWidth: 2, encode: { symbols: { update: { stroke: { value: '#444' } } } } },
      },
    },
  } as TopLevelSpec;
}

/** `, ONNX Runtime matMuls (1 thread), graph pass` or nothing for the backend's own kernel. */
function kernelText(backend: BackendInfo & { matMul?: MatMulInfo }): string {
  const m = backend.matMul;
  if (!m || m.kernel !== 'onnx') return '';
  return `, ONNX Runtime matMuls (${m.threads ?? 'all'} thread${m.threads === 1 ? '' : 's'})${m.gradientPass === 'onnx' ? ', graph pass' : ''}`;
}

async function main(): Promise<void> {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex >= 0) {
    const job = JSON.parse(process.argv[childIndex + 1]) as WidthJob;
    const installed = await installMatMul(job.matMul, await selectBackend());
    const start = os.loadavg();
    const r = await timeTrainingSteps(job.spec, installed.attachGradientPass);
    process.stdout.write(`@@${JSON.stringify({ ...r, load: { start, end: os.loadavg() } })}\n`);
    return;
  }
  const widths = (option('widths') ?? '128,256,512,1024,2048').split(',').map(Number);
  const methods = (option('methods') ?? 'sgd,kfac,lanczos').split(',');
  const refreshEvery = Number(option('refresh-every') ?? 8);
  const steps = Number(option('steps') ?? refreshEvery + 2);
  const every = Number(option('amortise') ?? 100);
  const out = option('figure') ?? 'docs/figures/step-time-vs-width';
  // --limit lanczos=1024,kfac=2048: skip a method above a width (a rank-2 refresh at 2048 takes minutes)
  const limits = new Map((option('limit') ?? '').split(',').filter(Boolean).map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])] as const));
  const from = option('from');
  const saved = from
    ? (JSON.parse(readFileSync(from, 'utf8')) as { machine: ReturnType<typeof machineInfo>; backend: BackendInfo & { matMul?: MatMulInfo }; steps: number; refreshEvery: number; rows: Timed[] })
    : null;
  const matMul = parseMatMul(option('matmul'), option('matmul-threads'), option('gradient-pass'));
  const backend: BackendInfo & { matMul?: MatMulInfo } = saved
    ? saved.backend
    : { ...(await selectBackend()), matMul: { kernel: matMul.kernel, gradientPass: matMul.gradientPass, ...(matMul.threads ? { threads: matMul.threads } : {}) } };
  const machine = saved ? saved.machine : machineInfo();
  // --from <json>: re-summarise the saved per-step times and redraw, without measuring again
  const rows: Timed[] = saved
    ? saved.rows.map((r) => ({
        ...r,
        ...summariseSteps(r.stepMs, r.stepCpuMs, r.method === 'sgd' || r.method === 'adam' ? 0 : saved.refreshEvery, 1, { ms: r.flushMs ?? 0, cpuMs: r.flushCpuMs ?? 0 }),
      }))
    : [];
  for (const width of saved ? [] : widths) {
    for (const method of methods) {
      if (width > (limits.get(method) ?? Infinity)) continue;
      const sizes = [width, width, width, width];
      process.stderr.write(`width ${width} ${method}…`);
      const t0 = performance.now();
      const r = await spawnChild({
        matMul,
        spec: {
          problem: 'mnist',
          method,
          batchSize: 512,
          fisherBatchSize: 128,
          sizes,
          activations: ['relu', 'relu', 'sigmoid'],
          loss: 'bce',
          steps,
          refreshEvery,
          warmupSteps: 1,
          interleaveMatMuls: method === 'sgd',
        },
      });
      process.stderr.write(` plain ${fmt(r.plainCpuMs)} CPU ms, refresh ${fmt(r.coldRefreshCpuMs)} / ${fmt(r.warmRefreshCpuMs)} (${fmt((performance.now() - t0) / 1000)} s)\n`);
      rows.push({ ...r, width });
    }
  }
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; backend ${backend.name}${kernelText(backend)}; network w-w-w-w, batch 512, Fisher batch 128; ${saved?.steps ?? steps} steps, refreshes every ${saved?.refreshEvery ?? refreshEvery} while timing.`,
    '',
    '| width | parameters | step GFLOP | method | plain CPU ms (wall) | refresh CPU ms, cold / warm | amortised CPU ms, T = 100 | ÷ SGD | step matMuls alone, CPU ms | load (1 min) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const sgd = rows.find((x) => x.width === r.width && x.method === 'sgd');
    const mm = r.matMulCpuMs ? r.matMulCpuMs.slice().sort((a, b) => a - b)[r.matMulCpuMs.length >> 1] : null;
    lines.push(
      `| ${r.width} | ${fmt(parameterCount(r.sizes) / 1e6, 2)} M | ${fmt(flops(stepMatMuls(r.sizes, 512)) / 1e9, 2)} | ${r.method} | ${fmt(r.plainCpuMs)} (${fmt(r.plainMs)}) | ` +
        `${r.coldRefreshCpuMs === null ? '—' : `${fmt(r.coldRefreshCpuMs)} / ${fmt(r.warmRefreshCpuMs)}`} | ${fmt(amortisedMs(r, every, 'cpu'))} | ` +
        `${sgd ? `${fmt(amortisedMs(r, every, 'cpu') / sgd.plainCpuMs, 2)}×` : '—'} | ${fmt(mm)} | ${r.load.start[0].toFixed(2)}–${r.load.end[0].toFixed(2)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const { svg, png } = await renderFigure(
    figure(rows, every, `${machine.cpu} (${machine.cores} cores), ${backend.name}${kernelText(backend)}, CPU time; solid: plain step, dashed: amortised at T = ${every}`),
  );
  mkdirSync(out.replace(/\/[^/]*$/, ''), { recursive: true });
  writeFileSync(`${out}.svg`, svg);
  writeFileSync(`${out}.png`, png);
  process.stderr.write(`wrote ${out}.svg and ${out}.png\n`);
  const json = option('json');
  if (json && !saved) writeFileSync(json, `${JSON.stringify({ kind: 'bench-width', date: new Date().toISOString(), machine, backend, steps, refreshEvery, amortiseOver: every, rows }, null, 1)}\n`);
}

await main();
