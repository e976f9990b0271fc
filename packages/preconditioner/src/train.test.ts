import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptionError, selectBackend, ShapeError } from '@fisherkit/core';
import { createDenseNetwork, type DenseNetwork } from '@fisherkit/fisher';
import { naturalGradient } from './natural-gradient.js';
import { flatWeights, lowRankData, spyPlugin } from './test-helpers.js';
import { train, type StepRecord, type TrainingState } from './train.js';

const net = (seed = 1): DenseNetwork =>
  createDenseNetwork({ sizes: [6, 3, 6], activations: ['sigmoid', 'sigmoid'], loss: 'bce', seed });
const optimizer = () => naturalGradient(spyPlugin(), { learningRate: 0.5, tCov: 3, tInv: 2, seed: 3 });

const x = lowRankData(50, 6, 2, 1);
const vx = lowRankData(21, 6, 2, 2);
const data = { x, y: x, validation: { x: vx, y: vx } };

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

describe('train', () => {
  it('keeps the last partial batch, averages losses by batch size and reports validation loss and time', async () => {
    const model = net();
    const opt = optimizer();
    const steps: StepRecord[] = [];
    const epochsSeen: number[] = [];
    const { epochs, state } = await train(model, opt, data, {
      epochs: 3,
      batchSize: 16,
      seed: 7,
      evaluationBatchSize: 8,
      onStep: (s) => steps.push(s),
      onEpoch: (e) => void epochsSeen.push(e.epoch),
    });
    expect(epochs).toHaveLength(3);
    expect(epochsSeen).toEqual([0, 1, 2]);
    expect(steps.map((s) => s.batchSize)).toEqual([16, 16, 16, 2, 16, 16, 16, 2, 16, 16, 16, 2]);
    expect(steps.map((s) => s.step)).toEqual([...Array(12).keys()]);
    for (const e of epochs) {
      const mine = steps.filter((s) => s.epoch === e.epoch);
      expect(e.trainLoss).toBeCloseTo(mine.reduce((s, r) => s + r.loss * r.batchSize, 0) / 50, 12);
    }
    const vxt = tf.tensor2d(vx, [21, 6]);
    expect(epochs[2].valLoss).toBeCloseTo(model.evaluate(vxt, vxt), 5);
    vxt.dispose();
    expect(epochs[0].seconds).toBeGreaterThan(0);
    expect(epochs[1].seconds).toBeGreaterThanOrEqual(epochs[0].seconds);
    expect(state).toMatchObject({ kind: 'training-state', epoch: 3, stepInEpoch: 0, step: 12 });
    expect(opt.diagnostics().steps).toBe(12);
    opt.dispose();
    model.dispose();
  });

  it('is reproducible from its seed, accepts tensors, and leaks nothing', async () => {
    const run = async (seed: number, asTensor: boolean) => {
      const model = net();
      const opt = optimizer();
      const xt = asTensor ? tf.tensor2d(x, [50, 6]) : x;
      const before = tf.memory().numTensors;
      const r = await train(model, opt, { x: xt, y: xt }, { epochs: 2, batchSize: 8, seed });
      opt.dispose();
      const w = flatWeights(model);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before - 4); // the model's 4 variables are gone; nothing else remains
      if (asTensor) (xt as tf.Tensor).dispose();
      return { losses: r.epochs.map((e) => e.trainLoss), w };
    };
    const a = await run(5, false);
    const b = await run(5, true);
    const c = await run(6, false);
    expect(b).toEqual(a);
    expect(c.losses).not.toEqual(a.losses);
  });

  it.each([
    ['after whole epochs', { every: 2 }, 2, 0],
    ['mid-epoch', { everySteps: 7 }, 1, 2],
  ] as const)('resumes bit for bit %s', async (_label, when, epoch, stepInEpoch) => {
    const options = { epochs: 4, batchSize: 12, seed: 11 };
    const full = net();
    const fullOpt = optimizer();
    const saved: TrainingState[] = [];
    const reference = await train(full, fullOpt, data, { ...options, checkpoint: { ...when, save: (s) => void saved.push(JSON.parse(JSON.stringify(s))) } });
    const state = saved[0];
    expect([state.epoch, state.stepInEpoch]).toEqual([epoch, stepInEpoch]);
    const model = net(42);
    const opt = optimizer();
    const steps: number[] = [];
    const resumed = await train(model, opt, data, { ...options, resumeFrom: state, onStep: (s) => steps.push(s.step) });
    expect(steps[0]).toBe(state.step);
    expect(resumed.epochs.map(({ epoch: e, trainLoss, valLoss }) => [e, trainLoss, valLoss])).toEqual(
      reference.epochs.map(({ epoch: e, trainLoss, valLoss }) => [e, trainLoss, valLoss]),
    );
    expect(flatWeights(model)).toEqual(flatWeights(full));
    expect(resumed.epochs[3].seconds).toBeGreaterThanOrEqual(state.seconds);
    [fullOpt, opt].forEach((o) => o.dispose());
    [full, model].forEach((m) => m.dispose());
  });

  it('asks checkpoint.wanted before every snapshot and takes only the ones it wants', async () => {
    const model = net();
    const opt = optimizer();
    const asked: string[] = [];
    const saved: number[] = [];
    let getStates = 0;
    const spied = { ...opt, getState: () => (getStates++, opt.getState()) };
    await train(model, spied, data, {
      epochs: 2,
      batchSize: 16,
      seed: 2,
      checkpoint: {
        everySteps: 1,
        wanted: ({ step, epoch, stepInEpoch }) => (asked.push(`${step}:${epoch}:${stepInEpoch}`), step === 5),
        save: (s) => void saved.push(s.step),
      },
    });
    // 4 steps per epoch: polled after each mid-epoch step and at each epoch end (stepInEpoch 0)
    expect(asked).toEqual(['1:0:1', '2:0:2', '3:0:3', '4:1:0', '5:1:1', '6:1:2', '7:1:3', '8:2:0']);
    expect(saved).toEqual([5]);
    expect(getStates).toBe(2); // the wanted snapshot and the final state train() returns
    opt.dispose();
    model.dispose();
  });

  it('explains bad input', async () => {
    const model = net();
    const opt = optimizer();
    await expect(train(model, opt, data, { epochs: 1, batchSize: 0, seed: 1 })).rejects.toThrow(/batchSize must be a finite integer >= 1/);
    await expect(train(model, opt, data, { epochs: 1, batchSize: 4, seed: 1, batch: 3 } as never)).rejects.toThrow(OptionError);
    await expect(train(model, opt, { x: new Float32Array(7), y: x }, { epochs: 1, batchSize: 4, seed: 1 })).rejects.toThrow(ShapeError);
    await expect(train(model, opt, { x, y: lowRankData(49, 6, 2, 1) }, { epochs: 1, batchSize: 4, seed: 1 })).rejects.toThrow(
      /data.x has 50 rows but data.y has 49/,
    );
    await expect(
      train(model, opt, data, { epochs: 1, batchSize: 4, seed: 1, checkpoint: {} as never }),
    ).rejects.toThrow(/checkpoint.save must be a function/);
    await expect(
      train(model, opt, data, { epochs: 1, batchSize: 4, seed: 1, checkpoint: { save: () => {}, wanted: true } as never }),
    ).rejects.toThrow(/checkpoint.wanted must be a function/);
    opt.dispose();
    model.dispose();
  });
});
