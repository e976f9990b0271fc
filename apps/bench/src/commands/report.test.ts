import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../cli-error.js';
import { buildReport, type ReportResult } from '../report/build.js';

const run = promisify(execFile);
const bin = new URL('../../bin/fisherkit.mjs', import.meta.url).pathname;
const checkScript = new URL('../../scripts/check-report.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fisherkit-report-'));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** A smooth decreasing curve, per-example summed loss = 784 × per-pixel. */
function trainRun(problem: string, method: string, rate: number, secondsPerEpoch: number, epochs = 12) {
  return {
    kind: 'train',
    problem,
    method,
    config: { lr: 0.01, damping: 1e-3, batchSize: 256, marker: `config-of-${problem}-${method}` },
    backend: { name: 'cpu', version: '4.22.0' },
    machine: { cpus: 16, model: 'test-machine' },
    epochs: Array.from({ length: epochs }, (_, i) => {
      const perPixel = 0.07 + 0.3 * Math.exp(-rate * (i + 1));
      return { epoch: i + 1, trainLoss: 784 * perPixel, valLoss: 784 * perPixel * 1.05, seconds: secondsPerEpoch * (i + 1) };
    }),
    lossScale: { perPixelDivisor: 784 },
  };
}

function fimRun() {
  return {
    kind: 'fim-error',
    problem: 'mnist',
    layer: 5,
    iterations: Array.from({ length: 50 }, (_, i) => ({
      iteration: i + 1,
      errors: {
        kfac: { error1: 0.21 + 0.01 * Math.sin(i), error2: 0.1 },
        kpsvd: { error1: 0.13, error2: 0.05 },
        deflation: { error1: 0.11, error2: null },
      },
    })),
  };
}

const inputs = [
  ...['mnist', 'curves-synthetic'].flatMap((problem) => [
    write(`${problem}-kfac.json`, trainRun(problem, 'kfac', 0.3, 2)),
    write(`${problem}-kpsvd.json`, trainRun(problem, 'kpsvd', 0.5, 2.2)),
    write(`${problem}-adam.json`, trainRun(problem, 'adam', 0.1, 1.5)),
  ]),
  write('mnist-fim.json', fimRun()),
];

describe('fisherkit report', () => {
  const out = join(dir, 'report');
  let result: ReportResult;
  beforeAll(async () => {
    result = await buildReport({ inputs, out, generatedAt: 'test' });
  });

  it('writes the page, SVG and PNG figures and summary.json', () => {
    expect(result.figures).toBe(3);
    expect(existsSync(join(out, 'index.html'))).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    const figures = readdirSync(join(out, 'figures')).sort();
    expect(figures).toEqual(
      ['curves-synthetic-training', 'mnist-layer5-fim-error', 'mnist-training'].flatMap((n) => [`${n}.png`, `${n}.svg`, `${n}.vl.json`]),
    );
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('training SVGs name the methods and axes; paper curves only beside the same dataset', () => {
    const mnist = readFileSync(join(out, 'figures/mnist-training.svg'), 'utf8');
    const synthetic = readFileSync(join(out, 'figures/curves-synthetic-training.svg'), 'utf8');
    for (const svg of [mnist, synthetic]) {
      expect(svg.startsWith('<svg')).toBe(true);
      for (const text of ['kfac', 'kpsvd', 'adam', 'epoch', 'wall-clock seconds (log)', 'training loss (per-pixel)', 'validation loss (per-pixel)']) {
        expect(svg).toContain(`>${text}<`);
      }
    }
    expect(mnist).toContain('>paper: kfac<');
    expect(mnist).toContain('>paper: adam<');
    expect(mnist).not.toContain('>paper: lanczos<'); // only methods we ran
    expect(synthetic).not.toContain('paper:');
    expect(mnist).toContain('stroke-dasharray');
  });

  it('the experiment-1 SVG has Error 1, Error 2 and every method', () => {
    const svg = readFileSync(join(out, 'figures/mnist-layer5-fim-error.svg'), 'utf8');
    for (const text of ['kfac', 'kpsvd', 'deflation', 'iteration', 'Error 1 (relative Frobenius)', 'Error 2 (singular values)']) {
      expect(svg).toContain(`>${text}<`);
    }
  });

  it('PNGs are real, ~1200 px wide images', () => {
    for (const name of ['mnist-training', 'curves-synthetic-training', 'mnist-layer5-fim-error']) {
      const png = readFileSync(join(out, `figures/${name}.png`));
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      expect(png.readUInt32BE(16)).toBe(1200); // IHDR width
      expect(png.length).toBeGreaterThan(20_000);
    }
  });

  it('index.html is self-contained and shows figures, tables, configs, environment and notes', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html.match(/<img class="figure" src="figures\/[a-z0-9-]+\.svg"/g)).toHaveLength(3);
    expect(html).toContain('<pre id="render-status">');
    expect(html.match(/<table class="summary"/g)).toHaveLength(2);
    expect(html.match(/<details class="run">/g)).toHaveLength(6);
    expect(html).toContain('config-of-curves-synthetic-kpsvd');
    expect(html).toContain('test-machine');
    expect(html).toContain('perPixelDivisor');
    expect(html).toContain('curves-synthetic ≠ CURVES');
    expect(html).toContain('github.com/Abdoulaye-Koroko/natural-gradients, commit 3ebe4cf');
    // the paper's numbers only beside MNIST (curves-synthetic is not CURVES)
    expect(html).toMatch(/data-col="paper-final-train" data-value="0.0692"/);
    const synthetic = html.slice(html.indexOf('<table class="summary" data-problem="curves-synthetic"'));
    expect(synthetic.slice(0, synthetic.indexOf('</table>'))).not.toContain('paper-final-train');
  });

  it("the table's 'reaches KFAC's final loss' cells are right for the constructed curves", () => {
    const mnist = result.summaries.find((s) => s.problem === 'mnist')!;
    const by = Object.fromEntries(mnist.rows.map((r) => [r.method, r]));
    // KFAC (rate 0.3) ends at 0.07 + 0.3 e^-3.6; KPSVD (rate 0.5) first gets there at epoch ceil(3.6 / 0.5) = 8
    expect(by.kfac.reachesKfac).toEqual({ epoch: 12, seconds: 24 });
    expect(by.kpsvd.reachesKfac).toEqual({ epoch: 8, seconds: 8 * 2.2 });
    expect(by.adam.reachesKfac).toBeNull();
    expect(by.kpsvd.secondsPerEpoch).toBeCloseTo(2.2, 10);
    expect(by.kfac.finalTrainLoss).toBeCloseTo(0.07 + 0.3 * Math.exp(-3.6), 12);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const row = (label: string) => html.slice(html.indexOf(`<tr data-label="${label}">`)).split('</tr>')[0];
    expect(row('kpsvd')).toContain('data-col="reach-epoch" data-value="8">8 <small class="ratio"');
    expect(row('kpsvd')).toContain('(1.5×)');
    expect(row('kpsvd')).toContain('data-col="epochs" data-value="12"');
    expect(row('adam')).toContain('<td data-col="reach-epoch" class="none">—</td>');
    expect(row('kfac')).toContain('data-col="reach-epoch" data-value="12">12</td>');
  });

  it('the page script counts loaded and failed images into #render-status', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const attrs: Record<string, string> = {};
    const status = { textContent: '', setAttribute: (k: string, v: string) => (attrs[k] = v) };
    let onLoad: () => void = () => {};
    const img = (w: number) => ({ complete: true, naturalWidth: w, getAttribute: () => `figures/x${w}.svg` });
    const window = { addEventListener: (_: string, f: () => void) => (onLoad = f) };
    const document = { images: [img(800), img(0), img(900)], getElementById: () => status };
    new Function('window', 'document', script)(window, document);
    onLoad();
    expect(attrs).toEqual({ 'data-images': '3', 'data-loaded': '2', 'data-failed': '1' });
    expect(status.textContent).toContain('figures/x0.svg');
  });

  it('--no-paper leaves the paper out', async () => {
    const noPaper = join(dir, 'no-paper');
    await buildReport({ inputs: inputs.slice(0, 3), out: noPaper, withPaper: false });
    expect(readFileSync(join(noPaper, 'figures/mnist-training.svg'), 'utf8')).not.toContain('paper:');
    const html = readFileSync(join(noPaper, 'index.html'), 'utf8');
    expect(html).not.toContain('paper-final-train');
    expect(html).toContain('--no-paper');
  });

  it('--paper-epochs clips the paper curves', async () => {
    const clipped = join(dir, 'clipped');
    await buildReport({ inputs: inputs.slice(0, 1), out: clipped, paperEpochs: 12 });
    const spec = JSON.parse(readFileSync(join(clipped, 'figures/mnist-training.vl.json'), 'utf8'));
    const paperEpochs = spec.data.values.filter((p: { source: string }) => p.source === 'paper').map((p: { epoch: number }) => p.epoch);
    expect(Math.max(...paperEpochs)).toBe(12);
    expect(readFileSync(join(clipped, 'figures/mnist-training.svg'), 'utf8')).toContain('first 12 epochs');
    await expect(buildReport({ inputs: inputs.slice(0, 1), out: clipped, paperEpochs: 0 })).rejects.toThrow(/--paper-epochs must be an integer ≥ 1, got 0/);
  });

  it('a run without lossScale is drawn unscaled and flagged on the page', async () => {
    const { lossScale: _, ...unscaled } = trainRun('fashion-mnist', 'sgd', 0.2, 1);
    const out2 = join(dir, 'unscaled');
    await buildReport({ inputs: [write('unscaled.json', unscaled)], out: out2 });
    const html = readFileSync(join(out2, 'index.html'), 'utf8');
    expect(html).toContain('1 run(s) have no lossScale');
    expect(html).toContain('(÷1 assumed)');
    expect(readFileSync(join(out2, 'figures/fashion-mnist-training.svg'), 'utf8')).toContain('>training loss<');
  });

  it("accepts fisherkit train's and fim-error's full files: authorsLossFactor, complete, block", async () => {
    const base = trainRun('faces', 'kfac', 0.3, 2, 3);
    const faces = {
      ...base,
      complete: false,
      presetConvention: 'x',
      lossScale: { perPixelDivisor: 625, authorsLossFactor: 312.5, fisherkitLoss: '½ SSE', authorsLoss: 'MSE' },
      epochs: base.epochs.map((e) => ({ ...e, trainLoss: 312.5 * 0.04, paperTrainLoss: 0.04, paperValLoss: null })),
    };
    const fim = { ...fimRun(), problem: 'faces', layer: 4, block: { index: 4, name: 'dense_4', dA: 31, dG: 500 }, complete: true, config: { iterations: 50 }, machine: { cpus: 8 }, methods: ['kfac'] };
    const out3 = join(dir, 'full');
    const r = await buildReport({ inputs: [write('faces-full.json', faces), write('faces-fim.json', fim)], out: out3 });
    expect(r.summaries[0].rows[0]).toMatchObject({ divisor: 312.5, finalTrainLoss: 0.04, complete: false });
    const html = readFileSync(join(out3, 'index.html'), 'utf8');
    expect(html).toContain('÷ authorsLossFactor 312.5, perPixelDivisor 625');
    expect(html).toContain('(incomplete)');
    expect(html).toContain('block: d_a = 31, d_g = 500');
    expect(html).toContain('&quot;presetConvention&quot;: &quot;x&quot;');
    expect(readFileSync(join(out3, 'figures/faces-layer4-fim-error.svg'), 'utf8')).toContain('layer 4 (dense_4)');
  });

  const good = trainRun('mnist', 'kfac', 0.3, 2);
  const bad: [string, () => Promise<unknown>, RegExp][] = [
    ['no inputs', () => buildReport({ inputs: [], out: join(dir, 'x') }), /^no result files given/],
    ['a missing file', () => buildReport({ inputs: [join(dir, 'nope.json')], out: join(dir, 'x') }), /nope\.json does not exist$/],
    ['corrupt JSON', () => buildReport({ inputs: [write('corrupt.json', '{"kind": "train",')], out: join(dir, 'x') }), /corrupt\.json is not valid JSON/],
    ['a JSON array', () => buildReport({ inputs: [write('array.json', '[1]')], out: join(dir, 'x') }), /must hold a JSON object with a "kind" field, got an array/],
    ['an unknown kind', () => buildReport({ inputs: [write('kind.json', { ...good, kind: 'grid' })], out: join(dir, 'x') }), /unknown kind "grid"; expected "train" or "fim-error"/],
    ['no epochs', () => buildReport({ inputs: [write('noepochs.json', { ...good, epochs: [] })], out: join(dir, 'x') }), /"epochs" must be a non-empty array, got an empty array/],
    [
      'a string loss',
      () => buildReport({ inputs: [write('strloss.json', { ...good, epochs: [good.epochs[0], { ...good.epochs[1], trainLoss: '0.1' }] })], out: join(dir, 'x') }),
      /"epochs\[1\]\.trainLoss" must be a finite number, got "0\.1"/,
    ],
    [
      'a missing valLoss',
      () => buildReport({ inputs: [write('noval.json', { ...good, epochs: [{ epoch: 1, trainLoss: 1, seconds: 1 }] })], out: join(dir, 'x') }),
      /"epochs\[0\]\.valLoss" must be a finite number or null, got nothing/,
    ],
    [
      'decreasing seconds',
      () => buildReport({ inputs: [write('secs.json', { ...good, epochs: [good.epochs[1], { ...good.epochs[2], seconds: 1 }] })], out: join(dir, 'x') }),
      /cannot decrease/,
    ],
    ['a zero divisor', () => buildReport({ inputs: [write('div.json', { ...good, lossScale: { perPixelDivisor: 0 } })], out: join(dir, 'x') }), /"lossScale\.perPixelDivisor" must be a finite number > 0, got 0/],
    ['no config', () => buildReport({ inputs: [write('noconfig.json', { ...good, config: undefined })], out: join(dir, 'x') }), /"config" must be an object, got nothing/],
    [
      'a fim-error without error2',
      () => buildReport({ inputs: [write('fim2.json', { ...fimRun(), iterations: [{ iteration: 1, errors: { kfac: { error1: 0.2 } } }] })], out: join(dir, 'x') }),
      /"iterations\[0\]\.errors\.kfac\.error2" must be a number ≥ 0 or null, got nothing/,
    ],
    ['--out naming a file', () => buildReport({ inputs: [inputs[0]], out: inputs[1] }), /is a file; pass a folder/],
  ];
  for (const [name, call, message] of bad) {
    it(`rejects ${name} with a one-line CliError`, async () => {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }

  it('the CLI writes the report and exits 0', async () => {
    const { stdout } = await run(process.execPath, [bin, 'report', ...inputs.slice(0, 3), '--out', join(dir, 'cli'), '--no-paper']);
    expect(stdout).toMatch(/^report: .*index\.html \(1 figure\(s\), 1 table\(s\)\)\n$/);
    expect(statSync(join(dir, 'cli/figures/mnist-training.png')).size).toBeGreaterThan(20_000);
  });

  for (const [name, args] of [
    ['no inputs', ['report', '--out', join(dir, 'y')]],
    ['an unknown kind', ['report', write('kind2.json', { kind: 'nope' }), '--out', join(dir, 'y')]],
  ] as const) {
    it.concurrent(`the CLI exits 2 with one line for ${name}`, async () => {
      const err = await run(process.execPath, [bin, ...args]).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(err?.code).toBe(2);
      expect(err!.stderr.trim().split('\n')).toHaveLength(1);
      expect(err!.stderr).toMatch(/^fisherkit: (no result files given|result file .* has unknown kind "nope")/);
    });
  }
});

describe('scripts/check-report.mjs (with a stand-in for Chromium)', () => {
  // The stand-in checks the flags, reads the page and fills #render-status the way the page script
  // would, treating an <img> as loaded when its file exists and is not empty.
  const fake = write(
    'fake-chromium.mjs',
    `#!${process.execPath}
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const args = process.argv.slice(2);
for (const f of ['--headless', '--no-sandbox', '--disable-gpu', '--allow-file-access-from-files', '--virtual-time-budget=5000', '--dump-dom']) {
  if (!args.includes(f)) { console.error('missing flag ' + f); process.exit(9); }
}
if (!args.some((a) => a.startsWith('--user-data-dir='))) process.exit(9);
const page = fileURLToPath(args[args.length - 1]);
const html = readFileSync(page, 'utf8');
const srcs = [...html.matchAll(/<img [^>]*src="([^"]+)"/g)].map((m) => join(dirname(page), m[1]));
const ok = srcs.filter((s) => existsSync(s) && statSync(s).size > 0).length;
process.stdout.write(html.replace('<pre id="render-status">', '<pre id="render-status" data-images="' + srcs.length + '" data-loaded="' + ok + '" data-failed="' + (srcs.length - ok) + '">'));
`,
  );
  chmodSync(fake, 0o755);
  const check = (reportDir: string, chromium: string) =>
    run(process.execPath, [checkScript, reportDir], { env: { ...process.env, CHROMIUM_PATH: chromium } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('prints "report ok" when every figure loads, fails (1) when one is missing, exits 3 without Chromium', async () => {
    const reportDir = join(dir, 'checked');
    await buildReport({ inputs: inputs.slice(0, 3), out: reportDir });
    expect(await check(reportDir, fake)).toMatchObject({ code: 0, stdout: 'report ok: 1 figures rendered\n' });
    rmSync(join(reportDir, 'figures/mnist-training.svg'));
    const broken = await check(reportDir, fake);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/1 of 1 figure\(s\) did not load/);
    const missing = await check(reportDir, join(dir, 'no-such-chromium'));
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/Chromium not found/);
  });
});
