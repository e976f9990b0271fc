import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, LoadOptions, ProblemName, Split } from './dataset.js';
import { autoencoderDataset } from './autoencoder-dataset.js';
import { DataError } from './data-error.js';
import { readIdx } from './idx.js';

/** Options of {@link loadIdxFolder}: the folder (or training-image file) is required. */
export interface IdxFolderOptions extends LoadOptions {
  dataPath: string;
  /** Problem name stored in the dataset (default `'mnist'`). */
  name?: Extract<ProblemName, 'mnist' | 'fashion-mnist'>;
  /** Human-readable name used in titles and messages (default `"IDX images"`). */
  label?: string;
  /** Appended to "not found" messages: where to get the files. */
  hint?: string;
}

/** The file names an IDX folder may use for a part (upstream, Debian and Kaggle spellings). */
function candidates(part: 'train' | 't10k'): string[] {
  const base = part === 'train' ? 'train-images' : 't10k-images';
  return [`${base}-idx3-ubyte`, `${base}-idx3-ubyte.gz`, `${base}.idx3-ubyte`, `${base}.idx3-ubyte.gz`];
}

/**
 * Finds the training (`'train'`) or test (`'t10k'`) image file of an IDX folder, plain or `.gz`.
 * A `dataPath` that is itself a file is returned as it is (for `'train'`).
 *
 * @throws {@link DataError} naming the folder and the file names looked for.
 * @example
 * ```ts
 * findIdxImages('/usr/share/dataset-fashion-mnist', 'train'); // …/train-images-idx3-ubyte.gz
 * ```
 */
export function findIdxImages(dataPath: string, part: 'train' | 't10k', label = 'IDX images', hint = ''): string {
  const suffix = hint ? ` ${hint}` : '';
  if (!existsSync(dataPath)) throw new DataError(`${label}: ${dataPath} does not exist.${suffix}`, dataPath);
  if (statSync(dataPath).isFile()) {
    if (part === 'train') return dataPath;
    throw new DataError(`${label}: ${dataPath} is a file; pass the folder holding ${candidates(part)[0]} to load the test set`, dataPath);
  }
  for (const name of candidates(part)) {
    const path = join(dataPath, name);
    if (existsSync(path)) return path;
  }
  throw new DataError(`${label}: no ${part === 'train' ? 'training' : 'test'} images in ${dataPath}; looked for ${candidates(part).join(', ')}.${suffix}`, dataPath);
}

/**
 * Loads the training images of an IDX folder (MNIST layout: `train-images-idx3-ubyte[.gz]`, N
 * images of r × c bytes) as an auto-encoder dataset: pixels / 255 ∈ [0, 1], y = x, and the MNIST
 * protocol's seeded split — round(N / 6) validation images (10,000 of 60,000), the rest training.
 * Labels are not read (auto-encoders do not use them).
 *
 * @example
 * ```ts
 * const ds = await loadIdxFolder({ dataPath: '/data/kmnist', seed: 1, label: 'KMNIST' });
 * ds.train.n; // 50000
 * ```
 */
export async function loadIdxFolder(options: IdxFolderOptions): Promise<Dataset> {
  const label = options.label ?? 'IDX images';
  const file = findIdxImages(options.dataPath, 'train', label, options.hint);
  const images = readIdx(file, { what: `${label} training images (IDX, train-images-idx3-ubyte)`, rank: 3, hint: options.hint });
  const [n, rows, cols] = images.dims;
  if (n < 2) throw new DataError(`${label}: ${file} holds ${n} image(s); a train/validation split needs at least 2`, file);
  return autoencoderDataset(
    {
      name: options.name ?? 'mnist',
      title: `${label} (${n.toLocaleString('en-US')} IDX training images ${rows}×${cols}, pixels / 255, from ${file})`,
      source: file,
      examples: images.data,
      n,
      d: rows * cols,
      scale: 1 / 255,
      nValidation: Math.max(1, Math.round(n / 6)),
    },
    options,
  );
}

/**
 * Loads the test images of an IDX folder (`t10k-images-idx3-ubyte[.gz]`) as one split, pixels /
 * 255, y = x.
 *
 * @example
 * ```ts
 * const test = loadIdxTest('/usr/share/dataset-fashion-mnist'); // test.n === 10000
 * ```
 */
export function loadIdxTest(dataPath: string, label = 'IDX images', hint = ''): Split {
  const file = findIdxImages(dataPath, 't10k', label, hint);
  const images = readIdx(file, { what: `${label} test images (IDX, t10k-images-idx3-ubyte)`, rank: 3, hint });
  const [n, rows, cols] = images.dims;
  const x = new Float32Array(n * rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x, y: x, n };
}
