import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FisherkitError } from '@fisherkit/core';
import { CliError } from '../cli-error.js';
import { errorLines, runCli } from '../test-support/spawn-cli.js';
import type { TrainCliOptions } from '../train-config.js';
import { trainCommand } from './train.js';

/** Errors the CLI reports as one line with exit code 2 (see runCommand). */
class FisherkitOrCli {
  static [Symbol.hasInstance](e: unknown): boolean {
    return e instanceof CliError || e instanceof FisherkitError;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fisherkit-train-'));
// A small network keeps the runs quick; the preset architecture is covered by presets.test.ts.
const SMALL = ['--problem', 'curves-synthetic', '--sizes', '784,32,6,32,784', '--train-size', '256', '--validation-size', '64', '--batch-size', '64', '--backend', 'cpu'];
const NG = ['--t-cov', '5', '--t-inv', '5'];

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

// The plug-in module lives outside the repository, so it imports tfjs-core by its resolved path.
const TFJS = pathToFileURL(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core')).href;

/** A scaled-identity plug-in in plain JS: F̃ ≈ mean(diag F) · I. */
const DIAGONAL_PLUGIN = `
import tf from '${TFJS}';
const identity = (n, s) => { const data = new Float64Array(n * n); for (let i = 0; i < n; i++) data[i * n + i] = s; return { rows: n, cols: n, data }; };
export default {
  id: 'scaled-identity',
  title: 'Scaled identity (test plug-in)',
  reference: 'none',
  defaults: {},
  createBlock(layer) {
    const dA = layer.inputSize + 1, dG = layer.outputSize;
    let scale = 0, inv = 1, updates = 0;
    return {
      layer,
      updateStatistics(batch, rho) {
        let s = 0;
        for (let i = 0; i < batch.a.rows; i++) {
          let na = 0, ng = 0;
          for (let p = 0; p < dA; p++) na += batch.a.data[i * dA + p] ** 2;
          for (let q = 0; q < dG; q++) ng += batch.g.data[i * dG + q] ** 2;
          s += (na * ng) / (dA * dG);
        }
        scale = rho * scale + (1 - rho) * (s / batch.a.rows);
        updates += 1;
      },
      updateInverse(damping) { inv = 1 / (scale + damping.lambda); },
      precondition(grad) { return tf.mul(grad, inv); },
      terms() { return [{ A: identity(dA, scale), G: identity(dG, 1) }]; },
      diagnostics() { return { updates }; },
      getState() { return { scale, inv, updates }; },
      setState(s) { scale = s.scale; inv = s.inv; updates = s.updates; },
      dispose() {},
    };
  },
};
`;

describe('fisherkit train (end to end)', () => {
  it.concurrent('kfac: results JSON shape, atomic writes, per-epoch records', async () => {
    const out = join(dir, 'kfac', 'run.json');
    const run = await runCli(['train', ...SMALL, ...NG, '--method', 'kfac', '--epochs', '2', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const r = readJson(out);
    expect(r).toMatchObject({ kind: 'train', problem: 'curves-synthetic', method: 'kfac', complete: true, seed: 0 });
    expect(r.config.inverseWorker).toBe(true); // the default, recorded
    expect(r.lossScale).toEqual(expect.objectContaining({ perPixelDivisor: 784, authorsLossFactor: 784 }));
    expect(r.config).toMatchObject({ epochs: 2, batchSize: 64, trainSize: 256, tCov: 5, tInv: 5, units: 'paper', hidden: 'relu', fisherBatchSize: 16, pi: 'tracenorm' });
    expect(r.config.learningRate).toMatchObject({ given: '0.1', native: '78.4' });
    expect(Number(r.config.damping.native)).toBeCloseTo(3e-3 * 784 ** 2, 6);
    expect(typeof r.presetConvention).toBe('string');
    expect(r.backend.name).toBe('cpu');
    expect(r.machine).toEqual(expect.objectContaining({ cores: expect.any(Number), node: process.version }));
    expect(r.versions['@fisherkit/kfac']).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.versions['@tensorflow/tfjs-core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(r.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    for (const e of r.epochs) {
      expect(Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss)).toBe(true);
      expect(e.paperTrainLoss).toBeCloseTo(e.trainLoss / 784, 12);
    }
    expect(r.epochs[1].seconds).toBeGreaterThanOrEqual(r.epochs[0].seconds);
    expect(r.diagnostics.steps).toBe(8);
    expect(r.diagnostics.inverseUpdates).toBe(2);
    expect(readdirSync(join(dir, 'kfac')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.concurrent('a diverging run warns once per step and cause, then stops with exit 2 naming the layer, the step and the learning rate', async () => {
    const out = join(dir, 'diverging.json');
    const run = await runCli(['train', ...SMALL, '--method', 'sgd', '--epochs', '2', '--lr', '1e30', '--out', out]);
    expect(run.code).toBe(2);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('warning:') || l.startsWith('fisherkit:'));
    expect(lines.filter((l) => l.startsWith('warning:')).every((l) => /^warning: sgd-nesterov, step \d+, 4 layers \(dense_0, dense_1, dense_2, dense_3\): the gradient is not finite/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('warning:')).length).toBe(4);
    expect(lines.at(-1)).toMatch(/^fisherkit: sgd-nesterov, layer "dense_0", step \d+: NaN\/Infinity 5 times in a row in the gradient; stopping: the learning rate is probably too large/);
    const r = readJson(out); // the epoch finished before the stop is kept
    expect(r.complete).toBe(false);
    expect(r.epochs).toHaveLength(1);
    expect(r.stopped.error).toMatch(/step \d+: NaN\/Infinity 5 times in a row/);
    expect(r.diagnostics['nonFinite.gradient']).toBeGreaterThanOrEqual(16); // 4 layers × ≥ 4 steps
  });

  it.concurrent('sgd with a schedule: converted lr recorded as text, no damping', async () => {
    const out = join(dir, 'sgd.json');
    const run = await runCli(['train', ...SMALL, '--method', 'sgd', '--epochs', '2', '--lr', '0.3 * 0.5^epoch', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const r = readJson(out);
    expect(r.config).toMatchObject({ optimizer: 'sgd', nesterov: true, damping: null, tCov: null });
    expect(r.config.learningRate.native).toBe(`${1 / 784} * (0.3 * 0.5^epoch)`);
    expect(r.config.weightDecay).toMatchObject({ given: '0', native: '0' }); // the baselines' preset: no weight decay
    expect(r.epochs).toHaveLength(2);
  });

  it.concurrent('--approx loads a third-party plug-in module (default export)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fisherkit-plugin-'));
    const module = join(folder, 'scaled-identity.mjs');
    writeFileSync(module, DIAGONAL_PLUGIN);
    const out = join(dir, 'plugin.json');
    const run = await runCli(['train', ...SMALL, ...NG, '--approx', module, '--epochs', '1', '--lr', '0.01', '--damping', '1e-3', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const r = readJson(out);
    expect(r.method).toBe('scaled-identity');
    expect(r.config.approx).toMatch(/^file:.*scaled-identity\.mjs$/);
    expect(r.diagnostics['block.updates']).toBeGreaterThan(0);
    expect(Number.isFinite(r.epochs[0].trainLoss)).toBe(true);
  });

  it.concurrent('a missing module and a wrong-shaped one: exit 2 with one stderr line', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fisherkit-plugin-'));
    const wrong = join(folder, 'wrong.mjs');
    writeFileSync(wrong, "export default { id: 'Not Kebab', title: 'x' };\n");
    const cases: [string, RegExp][] = [
      [join(folder, 'missing.mjs'), /was not found/],
      [wrong, /not a valid fisherkit approximation.*createBlock/],
    ];
    await Promise.all(
      cases.map(async ([module, message]) => {
        const run = await runCli(['train', ...SMALL, '--epochs', '1', '--approx', module, '--out', join(dir, 'never.json')]);
        expect(run.code, run.stderr).toBe(2);
        const lines = errorLines(run.stderr);
        expect(lines, run.stderr).toHaveLength(1);
        expect(lines[0]).toMatch(message);
      }),
    );
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('rejects bad options with a CliError or OptionError (exit 2 in the CLI)', async () => {
    const base = { problem: 'curves-synthetic', method: 'kfac', epochs: '1', backend: 'cpu', out: join(dir, 'never2.json') };
    const cases: [Partial<TrainCliOptions>, RegExp][] = [
      [{ problem: 'cifar' }, /unknown problem "cifar"/],
      [{ method: 'no-such-method' }, /unknown method "no-such-method"/],
      [{ batchSize: '0' }, /--batch-size must be an integer ≥ 1/],
      [{ epochs: '-1' }, /--epochs must be an integer ≥ 1/],
      [{ trainSize: '2.5' }, /--train-size must be an integer/],
      [{ lr: '0.1 * foo' }, /--lr "0\.1 \* foo": unknown symbol "foo"/],
      [{ damping: '0 * step' }, /--damping "0 \* step": gives 0 at step 0/],
      [{ hidden: 'tanh' }, /--hidden must be one of relu, logistic/],
      [{ backend: 'gpu' }, /--backend must be one of/],
      [{ method: 'sgd', damping: '0.1' }, /--damping applies to natural-gradient methods only/],
      [{ sizes: '784,6,100' }, /--sizes must list/],
      [{ resume: join(dir, 'none.checkpoint.json'), epochs: undefined, problem: undefined, method: undefined }, /checkpoint .* does not exist/],
      [{ resume: join(dir, 'x.json'), lr: '0.1', problem: undefined, method: undefined, epochs: undefined }, /--lr cannot be combined with --resume/],
      [{ trainSize: '99999999' }, /trainSize = 99999999 exceeds|--train-size 99999999 is above/],
    ];
    for (const [override, message] of cases) {
      const error = await trainCommand({ ...base, ...override } as TrainCliOptions).then(() => null, (e: Error) => e);
      expect(error, JSON.stringify(override)).toBeInstanceOf(FisherkitOrCli);
      expect(error!.message).toMatch(message);
    }
    expect(existsSync(base.out)).toBe(false);
  });

  it.concurrent('SIGTERM writes a checkpoint and exits 143; --resume reproduces the uninterrupted run bit for bit', async () => {
    // --no-inverse-worker: with inverses on a worker thread the trajectory depends on timing.
    const args = ['train', ...SMALL, ...NG, '--batch-size', '32', '--method', 'kfac', '--epochs', '4', '--no-inverse-worker'];
    const full = join(dir, 'full.json');
    const cut = join(dir, 'cut', 'run.json');
    const reference = runCli([...args, '--out', full]);
    const interrupted = await runCli([...args, '--out', cut], (child) => {
      const timer = setInterval(() => {
        if (existsSync(cut) && readJson(cut).epochs.length >= 1) {
          clearInterval(timer);
          child.kill('SIGTERM');
        }
      }, 20);
      child.on('close', () => clearInterval(timer));
    });
    expect(interrupted.code, interrupted.stderr).toBe(143);
    const partial = readJson(cut);
    expect(partial.complete).toBe(false);
    expect(partial.interrupted.signal).toBe('SIGTERM');
    expect(partial.epochs.length).toBeLessThan(4);
    const checkpoint = `${cut}.checkpoint.json`;
    expect(readJson(checkpoint)).toMatchObject({ kind: 'fisherkit-train-checkpoint', reason: 'SIGTERM' });
    const resumed = await runCli(['train', '--resume', checkpoint, '--backend', 'cpu', '--out', cut]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = await reference;
    expect(done.code, done.stderr).toBe(0);
    const losses = (r: { epochs: { trainLoss: number; valLoss: number }[] }) => r.epochs.map((e) => [e.trainLoss, e.valLoss]);
    const a = readJson(full);
    const b = readJson(cut);
    expect(b.complete).toBe(true);
    expect(losses(b)).toEqual(losses(a));
    expect(b.diagnostics.steps).toBe(a.diagnostics.steps);
    expect(readdirSync(join(dir, 'cut')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
