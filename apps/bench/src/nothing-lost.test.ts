import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainCommand } from './commands/train.js';
import type { TrainResultFile } from './run-train.js';
import { errorLines, runCli } from './test-support/spawn-cli.js';
import type { TrainCliOptions } from './train-config.js';

/**
 * Nothing lost (issue #6): a run stopped by SIGINT mid-epoch resumes from its folder to the same
 * losses, bit for bit on the cpu backend, and the same seed and backend give the same losses (the
 * results JSON recording seed, versions, backend and options). SIGTERM and resume from the
 * checkpoint path are in commands/train.test.ts; damaged checkpoints in checkpoint-file.test.ts.
 */

const dir = mkdtempSync(join(tmpdir(), 'fisherkit-nothing-lost-'));
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const losses = (r: { epochs: { trainLoss: number; valLoss: number | null }[] }) => r.epochs.map((e) => [e.trainLoss, e.valLoss]);

// Inverses on the main thread: with the worker (the default) the trajectory depends on timing.
const RUN: TrainCliOptions & { inverseWorker: boolean } = {
  problem: 'curves-synthetic',
  method: 'kfac',
  sizes: '784,32,6,32,784',
  trainSize: '256',
  validationSize: '64',
  batchSize: '8',
  epochs: '2',
  tCov: '5',
  tInv: '5',
  backend: 'cpu',
  inverseWorker: false,
};
const RUN_ARGS = ['train', '--problem', 'curves-synthetic', '--method', 'kfac', '--sizes', '784,32,6,32,784', '--train-size', '256', '--validation-size', '64',
  '--batch-size', '8', '--epochs', '2', '--t-cov', '5', '--t-inv', '5', '--backend', 'cpu', '--no-inverse-worker'];

describe('nothing lost', () => {
  it('SIGINT mid-epoch writes a checkpoint and exits 130; --resume <folder> (no --out) finishes it to the uninterrupted losses, bit for bit', { timeout: 300_000 }, async () => {
    const folder = join(dir, 'interrupted');
    const out = join(folder, 'run.json');
    // 2 epochs of 32 steps: SIGINT once the progress lines (every tenth of the steps) pass step 34,
    // i.e. inside the second epoch; the run stops at its next signal check, mid-epoch.
    const interrupted = runCli([...RUN_ARGS, '--out', out], (child) => {
      let seen = '';
      child.stderr!.on('data', (d) => {
        seen += d;
        const done = [...seen.matchAll(/: (\d+)\/64 steps/g)].map((m) => Number(m[1]));
        if (!child.killed && done.some((n) => n > 34)) child.kill('SIGINT');
      });
    });
    // The uninterrupted reference runs in this process meanwhile: same code, same cpu backend.
    const reference = await trainCommand({ ...RUN, out: join(dir, 'reference.json') });
    const stopped = await interrupted;
    expect(stopped.code, stopped.stderr).toBe(130);
    expect(errorLines(stopped.stderr).at(-1)).toMatch(/fisherkit: SIGINT: stopped after step \d+; resume with --resume /);
    const partial = readJson(out);
    expect(partial).toMatchObject({ complete: false, interrupted: { signal: 'SIGINT' } });
    expect(partial.epochs).toHaveLength(1);
    const manifest = readJson(`${out}.checkpoint.json`);
    expect(manifest).toMatchObject({ kind: 'fisherkit-train-checkpoint', version: 2, reason: 'SIGINT', epoch: 1, step: partial.interrupted.step });
    expect(manifest.stepInEpoch, 'stopped mid-epoch').toBeGreaterThan(0);
    expect(manifest.payloadSha256).toMatch(/^[0-9a-f]{64}$/);

    const resumed = await runCli(['train', '--resume', folder, '--backend', 'cpu']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = readJson(out) as TrainResultFile;
    expect(done.complete).toBe(true);
    expect(done.interrupted).toBeUndefined();
    expect(losses(done)).toEqual(losses(reference));
    expect(done.diagnostics.steps).toBe(reference.diagnostics.steps);
    expect(readdirSync(folder).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the same seed and backend give the same losses; the results JSON records seed, versions, backend and options', async () => {
    const tiny = { ...RUN, trainSize: '64', validationSize: '32', batchSize: '32', epochs: '2', seed: '7' };
    const a = await trainCommand({ ...tiny, out: join(dir, 'seed7-a.json') });
    const b = await trainCommand({ ...tiny, out: join(dir, 'seed7-b.json') });
    const other = await trainCommand({ ...tiny, seed: '8', out: join(dir, 'seed8.json') });
    expect(losses(a)).toEqual(losses(b));
    expect(losses(other)).not.toEqual(losses(a));
    const r = readJson(join(dir, 'seed7-a.json'));
    expect(r.seed).toBe(7);
    expect(r.config).toMatchObject({ seed: 7, epochs: 2, batchSize: 32, trainSize: 64, validationSize: 32, tCov: 5, tInv: 5, inverseWorker: false, method: 'kfac' });
    expect(r.config.learningRate).toEqual(expect.objectContaining({ given: expect.any(String), native: expect.any(String) }));
    expect(r.config.damping).toEqual(expect.objectContaining({ given: expect.any(String), native: expect.any(String) }));
    expect(r.backend).toMatchObject({ name: 'cpu' });
    for (const pkg of ['@fisherkit/core', '@fisherkit/preconditioner', '@fisherkit/kfac', '@tensorflow/tfjs-core']) {
      expect(r.versions[pkg], pkg).toMatch(/^\d+\.\d+\.\d+/);
    }
    expect(r.machine).toEqual(expect.objectContaining({ node: process.version }));
  });
});
