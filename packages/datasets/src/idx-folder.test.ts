import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { findIdxImages, loadIdxFolder } from './idx-folder.js';
import { loadFashionMnist, loadFashionMnistTest } from './mnist.js';
import { seededSplit } from './split.js';
import { tempDir } from './testing/temp-dir.js';
import { encodeIdx } from './testing/write-idx.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

// A Debian-like Fashion-MNIST folder with 60 gzip'd 4×4 training images and 12 test images.
const n = 60;
const train = Array.from({ length: n * 16 }, (_, i) => (i * 7 + 3) % 256);
const fashion = tmp.path('fashion');
mkdirSync(fashion);
writeFileSync(tmp.path('fashion/train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([n, 4, 4], train)));
writeFileSync(tmp.path('fashion/train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([n], new Array(n).fill(1))));
writeFileSync(tmp.path('fashion/t10k-images-idx3-ubyte.gz'), gzipSync(encodeIdx([12, 4, 4], new Array(12 * 16).fill(255))));

describe('loadIdxFolder / loadFashionMnist', () => {
  it('loads gzip’d IDX files with the MNIST protocol (1/6 validation, pixels / 255)', async () => {
    const ds = await loadFashionMnist({ seed: 3, dataPath: fashion });
    expect(ds.name).toBe('fashion-mnist');
    expect(ds.title).toMatch(/^Fashion-MNIST/);
    expect(ds.inputSize).toBe(16);
    expect(ds.train.n).toBe(50);
    expect(ds.validation.n).toBe(10);
    const { train: order } = seededSplit(n, 10, 3);
    expect(Array.from(ds.train.x.subarray(16, 32))).toEqual(train.slice(order[1] * 16, order[1] * 16 + 16).map((v) => Math.fround(v / 255)));
  });

  it('accepts the training-image file itself', async () => {
    const ds = await loadIdxFolder({ seed: 0, dataPath: tmp.path('fashion/train-images-idx3-ubyte.gz') });
    expect(ds.name).toBe('mnist');
    expect(ds.train.n + ds.validation.n).toBe(n);
  });

  it('loads the test images', () => {
    const test = loadFashionMnistTest({ dataPath: fashion });
    expect(test.n).toBe(12);
    expect(test.x.every((v) => v === 1)).toBe(true);
  });

  it('says where to get Fashion-MNIST when no folder is given', async () => {
    await expect(loadFashionMnist({ seed: 0 })).rejects.toThrow(/apt-get install dataset-fashion-mnist.*--data <folder>/);
    expect(() => loadFashionMnistTest({})).toThrow(DataError);
  });

  it('names the folder and the files looked for', async () => {
    const empty = tmp.path('empty');
    mkdirSync(empty);
    expect(() => findIdxImages(empty, 'train')).toThrow(/no training images in .*empty; looked for train-images-idx3-ubyte, train-images-idx3-ubyte\.gz/);
    await expect(loadFashionMnist({ seed: 0, dataPath: tmp.path('missing') })).rejects.toThrow(/missing does not exist.*apt-get install dataset-fashion-mnist/);
  });
});
