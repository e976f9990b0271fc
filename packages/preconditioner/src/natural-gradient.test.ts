import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionError, selectBackend } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork } from '@fisherkit/fisher';
import { naturalGradient } from './natural-gradient.js';
import { flatWeights, lowRankData, spyPlugin, type SpyCall } from './test-helpers.js';

const net = (seed = 1): DenseNetwork =>
  createDenseNetwork({ sizes: [6, 4, 6], activations: ['tanh', 'sigmoid'], loss: 'bce', seed });

let x: tf.Tensor2D;

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
  x = tf.tensor2d(lowRankData(16, 6, 2, 3), [16, 6]);
});
afterAll(() => x.dispose());

const ctx = (step: number) => ({ step, epoch: 0 });

/** Flat gradient of the model at its current weights (no capture). */
function flatGrad(model: DenseNetwork): number[] {
  const r = model.computeGradients(x, x);
  const out = r.gradients.flatMap((g) => Array.from(g.dataSync()));
  tf.dispose(r.gradients);
  return out;
}

describe('naturalGradient cadence', () => {
  it('updates statistics every tCov and inverses every tInv global steps, statistics first, ρ = min(1 − 1/k, decay)', () => {
    const log: SpyCall[] = [];
    const model = net();
    const opt = naturalGradient(spyPlugin(log), { tCov: 3, tInv: 2, decay: 0.6, damping: (c) => 1e-3 * (c.step + 1) });
    const events: string[] = [];
    for (let t = 0; t < 7; t++) {
      const before = log.length;
      opt.step(model, x, x, ctx(t));
      for (const c of log.slice(before)) if (c.layer === 0 && c.kind !== 'precondition') events.push(`${t}:${c.kind}`);
    }
    expect(events).toEqual(['0:statistics', '0:inverse', '2:inverse', '3:statistics', '4:inverse', '6:statistics', '6:inverse']);
    const rhos = log.filter((c) => c.layer === 1 && c.kind === 'statistics').map((c) => c.rho);
    expect(rhos).toEqual([0, 0.5, 0.6]);
    const ms = log.filter((c) => c.kind === 'statistics').map((c) => c.m);
    expect(new Set(ms)).toEqual(new Set([4])); // a quarter of 16 rows
    const dampings = log.filter((c) => c.layer === 0 && c.kind === 'inverse').map((c) => c.damping!.lambda);
    expect(dampings.map((d) => +d.toFixed(6))).toEqual([0.001, 0.003, 0.005, 0.007]);
    expect(opt.diagnostics()).toMatchObject({ steps: 7, statisticsUpdates: 3, inverseUpdates: 4, 'block.statistics': 6 });
    opt.dispose();
    model.dispose();
  });

  it('refreshes layer by layer, the largest first (d_a³ + d_g³), statistics before inverse, preconditioning after all', () => {
    const log: SpyCall[] = [];
    // Layers 6→3 (d_a³ + d_g³ = 7³ + 3³), 3→9 (4³ + 9³), 9→6 (10³ + 6³): largest first is 2, 1, 0.
    const model = createDenseNetwork({ sizes: [6, 3, 9, 6], activations: ['tanh', 'tanh', 'sigmoid'], loss: 'bce', seed: 1 });
    const opt = naturalGradient(spyPlugin(log), { tCov: 1, tInv: 1 });
    opt.step(model, x, x, ctx(0));
    expect(log.map((c) => `${c.layer}:${c.kind}`)).toEqual([
      '2:statistics', '2:inverse', '1:statistics', '1:inverse', '0:statistics', '0:inverse',
      '0:precondition', '1:precondition', '2:precondition',
    ]);
    opt.dispose();
    model.dispose();
  });

  it('honours fisherBatchSize, capped at the batch rows', () => {
    const log: SpyCall[] = [];
    const model = net();
    const opt = naturalGradient(spyPlugin(log), { fisherBatchSize: 100, tCov: 1 });
    opt.step(model, x, x, ctx(0));
    expect(log.find((c) => c.kind === 'statistics')!.m).toBe(16);
    opt.dispose();
    model.dispose();
  });
});

describe('naturalGradient update rule', () => {
  it('applies ν = min(1, sqrt(κ / (η² Σ|⟨DW, Δ⟩|))) to Δ = DW (identity plug-in, no momentum)', () => {
    const model = net();
    const g = flatGrad(model);
    const w0 = flatWeights(model);
    const eta = 0.5;
    const kappa = 1e-4;
    const opt = naturalGradient(spyPlugin(), { learningRate: eta, klClip: kappa, momentum: 0, weightDecay: 0 });
    opt.step(model, x, x, ctx(0));
    const sum = g.reduce((s, v) => s + v * v, 0);
    const nu = Math.min(1, Math.sqrt(kappa / (eta * eta * sum)));
    expect(nu).toBeLessThan(1);
    expect(opt.diagnostics().lastNu).toBeCloseTo(nu, 6);
    const w1 = flatWeights(model);
    w1.forEach((v, i) => expect(v).toBeCloseTo(w0[i] - eta * nu * g[i], 6));
    opt.dispose();
    model.dispose();
  });

  it.each([false, true])('heavy-ball / Nesterov momentum with weight decay (nesterov=%s)', (nesterov) => {
    const model = net();
    const eta = 0.1;
    const mu = 0.9;
    const wd = 0.01;
    const opt = naturalGradient(spyPlugin(), { learningRate: eta, klClip: null, momentum: mu, weightDecay: wd, nesterov });
    let w = flatWeights(model);
    let v = w.map(() => 0);
    for (let t = 0; t < 3; t++) {
      const g = flatGrad(model);
      const u = g.map((gi, i) => gi + wd * w[i]);
      v = v.map((vi, i) => mu * vi + u[i]);
      const expected = w.map((wi, i) => wi - eta * (nesterov ? u[i] + mu * v[i] : v[i]));
      opt.step(model, x, x, ctx(t));
      w = flatWeights(model);
      w.forEach((wi, i) => expect(wi).toBeCloseTo(expected[i], 5));
    }
    opt.dispose();
    model.dispose();
  });

  it('uses a learning-rate schedule evaluated at the step context', () => {
    const model = net();
    const seen: number[] = [];
    const opt = naturalGradient(spyPlugin(), {
      learningRate: (c) => (seen.push(c.step), 0.1),
      klClip: null,
    });
    opt.step(model, x, x, { step: 41, epoch: 2 });
    expect(seen).toEqual([41]);
    const bad = naturalGradient(spyPlugin(), { learningRate: () => -1 });
    expect(() => bad.step(model, x, x, ctx(0))).toThrow(/learningRate at step 0 \(epoch 0\) is -1/);
    opt.dispose();
    bad.dispose();
    model.dispose();
  });
});

describe('naturalGradient state and ownership', () => {
  it('round-trips its state: a restored optimiser continues the same trajectory bit for bit', () => {
    const run = (steps: number, model: DenseNetwork, opt: ReturnType<typeof naturalGradient>, from = 0) => {
      for (let t = from; t < from + steps; t++) opt.step(model, x, x, ctx(t));
    };
    const options = { tCov: 2, tInv: 3, learningRate: 0.3, seed: 5 };
    const a = net();
    const optA = naturalGradient(spyPlugin(), options);
    run(7, a, optA);

    const b = net();
    const optB = naturalGradient(spyPlugin(), options);
    run(3, b, optB);
    const state = structuredClone(optB.getState());
    const weights = b.getWeights();
    const c = net(99);
    c.setWeights(weights);
    tf.dispose(weights);
    const optC = naturalGradient(spyPlugin(), options);
    optC.setState(state);
    run(4, c, optC, 3);
    expect(flatWeights(c)).toEqual(flatWeights(a));
    expect(optC.diagnostics()).toEqual(optA.diagnostics());
    [optA, optB, optC].forEach((o) => o.dispose());
    [a, b, c].forEach((m) => m.dispose());
  });

  it('rejects states of another plug-in or architecture', () => {
    const model = net();
    const opt = naturalGradient(spyPlugin(), {});
    opt.step(model, x, x, ctx(0));
    const state = opt.getState();
    const other = naturalGradient({ ...spyPlugin(), id: 'other' });
    expect(() => other.setState(state)).toThrow(/saved by plug-in "spy"/);
    const wide = createDenseNetwork({ sizes: [6, 5, 6], activations: ['tanh', 'sigmoid'], loss: 'bce', seed: 1 });
    const fresh = naturalGradient(spyPlugin());
    fresh.setState(state);
    expect(() => fresh.step(wide, x, x, ctx(1))).toThrow(/restore it into the same architecture/);
    [opt, other, fresh].forEach((o) => o.dispose());
    model.dispose();
    wide.dispose();
  });

  it('validates the plug-in and its options', () => {
    expect(() => naturalGradient({ id: 'x' } as never)).toThrow(/missing createBlock/);
    const strict = { ...spyPlugin(), validateOptions: (o: { scale: number }) => { if (o.scale <= 0) throw new OptionError('scale must be > 0'); } };
    expect(() => naturalGradient(strict, { pluginOptions: { scale: -1 } })).toThrow(/scale must be > 0/);
  });

  it('leaks no tensors and disposes its buffers', () => {
    const model = net();
    const before = tf.memory().numTensors;
    const opt = naturalGradient(spyPlugin(), { tCov: 2, tInv: 2 });
    for (let t = 0; t < 10; t++) opt.step(model, x, x, ctx(t));
    opt.getState();
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
