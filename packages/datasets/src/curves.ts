import type { Dataset, LoadOptions } from './dataset.js';
import { autoencoderDataset } from './autoencoder-dataset.js';
import { DataError } from './data-error.js';
import { assertFiniteExamples, chooseExampleMatrix, readExamples } from './mat-examples.js';
import { openMatFile } from './mat-file.js';
import { eightyTwenty } from './split.js';

/** Where the CURVES file comes from and how to supply it (used in every CURVES error). */
export const CURVES_HINT =
  'CURVES needs digs3pts_1.mat (Hinton & Salakhutdinov 2006: 20,000 training and 10,000 test 28×28 images of curves through 3 random points; MATLAB variables bdata and bdatatest). It cannot be downloaded here: pass --data <path to digs3pts_1.mat>; or use --problem curves-synthetic for the generated stand-in.';

/**
 * CURVES (MATH.md §7–§8) from the original `digs3pts_1.mat` (any MAT version): the training
 * matrix (`bdata`, 20,000 × 784, intensities in [0, 1], or `options.variable`), y = x, seeded 80/20
 * split (16,000 / 4,000). Values are used as stored.
 *
 * @throws {@link DataError} when `dataPath` is missing or the file has no suitable matrix.
 * @example
 * ```ts
 * const curves = await loadCurves({ seed: 0, dataPath: '/data/digs3pts_1.mat' });
 * curves.train.n; // 16000
 * ```
 */
export async function loadCurves(options: LoadOptions): Promise<Dataset> {
  if (options.dataPath === undefined) throw new DataError(`CURVES data file not given. ${CURVES_HINT}`);
  const mat = await openMatFile(options.dataPath, 'CURVES file (digs3pts_1.mat)', CURVES_HINT);
  try {
    const choice = chooseExampleMatrix(mat, {
      what: 'CURVES file',
      featureSize: 784,
      preferred: ['bdata'],
      minExamples: 2,
      variable: options.variable,
      examplesAs: 'rows',
    });
    const n = choice.count;
    const examples = readExamples(choice, 784, n);
    assertFiniteExamples(examples, 784, `CURVES file ${mat.path}, variable ${choice.variable.name}`, mat.path);
    return autoencoderDataset(
      {
        name: 'curves',
        title: `CURVES (${n.toLocaleString('en-US')} training images 28×28, variable ${choice.variable.name} of ${mat.path}, MAT ${mat.format})`,
        source: mat.path,
        examples,
        n,
        d: 784,
        nValidation: eightyTwenty(n),
      },
      options,
    );
  } finally {
    mat.close();
  }
}
