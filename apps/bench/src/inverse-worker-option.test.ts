import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@fisherkit/core';
import { createDenseNetwork } from '@fisherkit/fisher';
import { CliError } from './cli-error.js';
import { trainCommand } from './commands/train.js';
import { inverseMode, parseInverseWorker } from './inverse-worker-option.js';
import { createOptimizer, resolveMethod, resolveTrainConfig } from './train-config.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

describe('--inverse-worker [mode]', () => {
  it('reads the bare flag and async as the asynchronous worker, split as split, the negation as the main thread', () => {
    expect(parseInverseWorker(undefined)).toBeUndefined();
    expect(parseInverseWorker(true)).toBe(true);
    expect(parseInverseWorker('async')).toBe(true);
    expect(parseInverseWorker('split')).toBe('split');
    expect(parseInverseWorker(false)).toBe(false);
    expect([true, 'split', false, null, undefined].map((s) => inverseMode(s as never))).toEqual(['async', 'split', 'main', null, 'main']);
  });

  it('rejects any other mode with a CliError naming the allowed ones', () => {
    for (const bad of ['yes', 'Split', '1', '']) {
      expect(() => parseInverseWorker(bad)).toThrow(CliError);
      expect(() => parseInverseWorker(bad)).toThrow(/--inverse-worker must be async \(the default\) or split; --no-inverse-worker .* main thread; got "/);
    }
  });

  it('records the setting in the config (async by default) and refuses it for first-order methods', async () => {
    const kfac = await resolveMethod('kfac');
    expect(resolveTrainConfig({ problem: 'mnist' }, kfac).inverseWorker).toBe(true);
    expect(resolveTrainConfig({ problem: 'mnist', inverseWorker: 'split' }, kfac).inverseWorker).toBe('split');
    expect(resolveTrainConfig({ problem: 'mnist', inverseWorker: false }, kfac).inverseWorker).toBe(false);
    expect(() => resolveTrainConfig({ problem: 'mnist', inverseWorker: 'yes' }, kfac)).toThrow(/--inverse-worker must be async .* or split/);
    const out = join(mkdtempSync(join(tmpdir(), 'fisherkit-inverse-worker-')), 'run.json');
    await expect(trainCommand({ problem: 'curves-synthetic', method: 'kfac', inverseWorker: 'yes', out })).rejects.toThrow(/--inverse-worker must be async/);
    expect(existsSync(out)).toBe(false);
    const sgd = await resolveMethod('sgd');
    expect(() => resolveTrainConfig({ problem: 'mnist', inverseWorker: 'split' }, sgd)).toThrow(/--inverse-worker applies to natural-gradient methods only/);
  });

  it("builds a split optimiser from a config: every refresh on the worker or the main thread, none stale, the losses of the main thread's", async () => {
    const kfac = await resolveMethod('kfac');
    const losses = (setting: 'split' | false) => {
      const config = resolveTrainConfig({ problem: 'mnist', tCov: '1', tInv: '1', units: 'native', lr: '0.05', damping: '0.1', inverseWorker: setting }, kfac);
      const model = createDenseNetwork({ sizes: [6, 9, 3, 6], activations: ['tanh', 'tanh', 'sigmoid'], loss: 'bce', seed: 4 });
      const optimizer = createOptimizer(config, kfac.plugin);
      const x = tf.tidy(() => tf.sigmoid(tf.randomNormal([16, 6], 0, 1, 'float32', 7)) as tf.Tensor2D);
      const out = [0, 1, 2, 3].map((step) => optimizer.step(model, x, x, { step, epoch: 0 }));
      const diagnostics = optimizer.diagnostics();
      optimizer.dispose();
      model.dispose();
      x.dispose();
      return { out, diagnostics };
    };
    const main = losses(false);
    const split = losses('split');
    expect(split.out).toEqual(main.out);
    const d = split.diagnostics;
    expect(d['block.inverseWorkerJobs'] + d['block.inverseSplitLocal']).toBe(3 * 4); // 3 layers × 4 refreshes, the first included
    expect(d['block.inverseWorkerJobs']).toBeGreaterThan(0);
    expect(d['block.inverseWorkerStaleSteps']).toBe(0);
    expect(main.diagnostics['block.inverseWorkerJobs']).toBeUndefined();
  });
});
