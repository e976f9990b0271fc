import type { Dataset, LoadOptions } from './dataset.js';
import { autoencoderDataset } from './autoencoder-dataset.js';
import { DataError } from './data-error.js';
import { assertFiniteExamples, chooseExampleMatrix, readExamples } from './mat-examples.js';
import { openMatFile } from './mat-file.js';
import { eightyTwenty } from './split.js';

/** The number of FACES training faces (the first 103,500 of 165,600; the last 41,400 are the test set). */
export const FACES_TRAINING = 103_500;

/** What the FACES file is and how to supply it (used in every FACES error). */
export const FACES_HINT =
  'FACES needs newfaces_rot_single.mat: 165,600 25×25 face images (625 × 165600, one face per column, variable newfaces_single) derived from the Olivetti faces by Hinton & Salakhutdinov 2006 (first 103,500 training, last 41,400 test). It cannot be downloaded here and there is no stand-in: pass --data <path to newfaces_rot_single.mat> (MATLAB v5/v7 or v7.3).';

/** Options of {@link loadFaces}. */
export interface FacesOptions extends LoadOptions {
  /** How many leading faces form the training set (default {@link FACES_TRAINING}). */
  trainingFaces?: number;
}

/**
 * FACES (MATH.md §7–§8) from `newfaces_rot_single.mat` (MATLAB v5/v7 through the built-in reader,
 * v7.3 through h5wasm, detected from the header): the first 103,500 faces of `newfaces_single`
 * (625 × 165600, or `options.variable`; examples may be columns or rows), y = x, seeded 80/20
 * split (82,800 / 20,700). Values are used as stored (linear output, squared error).
 *
 * @throws {@link DataError} when `dataPath` is missing, or the file holds no 625-long example
 *   matrix with enough faces (the message lists the variables found).
 * @example
 * ```ts
 * const faces = await loadFaces({ seed: 0, dataPath: '/data/newfaces_rot_single.mat' });
 * faces.inputSize; // 625
 * ```
 */
export async function loadFaces(options: FacesOptions): Promise<Dataset> {
  if (options.dataPath === undefined) throw new DataError(`FACES data file not given. ${FACES_HINT}`);
  const count = options.trainingFaces ?? FACES_TRAINING;
  if (!Number.isInteger(count) || count < 2) throw new DataError(`trainingFaces must be an integer ≥ 2, got ${count}`);
  const mat = await openMatFile(options.dataPath, 'FACES file (newfaces_rot_single.mat)', FACES_HINT);
  try {
    const choice = chooseExampleMatrix(mat, {
      what: 'FACES file',
      featureSize: 625,
      preferred: ['newfaces_single'],
      minExamples: count,
      variable: options.variable,
      examplesAs: 'columns',
    });
    const examples = readExamples(choice, 625, count);
    assertFiniteExamples(examples, 625, `FACES file ${mat.path}, variable ${choice.variable.name}`, mat.path);
    return autoencoderDataset(
      {
        name: 'faces',
        title: `FACES (first ${count.toLocaleString('en-US')} of ${choice.count.toLocaleString('en-US')} 25×25 faces, variable ${choice.variable.name} of ${mat.path}, MAT ${mat.format})`,
        source: mat.path,
        examples,
        n: count,
        d: 625,
        nValidation: eightyTwenty(count),
      },
      options,
    );
  } finally {
    mat.close();
  }
}
