import { OptionError } from '@fisherkit/core';
import { PROBLEM_NAMES, type Dataset, type LoadOptions, type ProblemName } from './dataset.js';
import { loadCurves } from './curves.js';
import { loadCurvesSynthetic } from './curves-synthetic.js';
import { loadFaces } from './faces.js';
import { loadFashionMnist, loadMnist } from './mnist.js';

const LOADERS: Record<ProblemName, (options: LoadOptions) => Promise<Dataset>> = {
  mnist: loadMnist,
  'fashion-mnist': loadFashionMnist,
  curves: loadCurves,
  'curves-synthetic': loadCurvesSynthetic,
  faces: loadFaces,
};

/**
 * Loads a benchmark problem by name: `mnist` ({@link loadMnist}), `fashion-mnist`
 * ({@link loadFashionMnist}), `curves` ({@link loadCurves}), `curves-synthetic`
 * ({@link loadCurvesSynthetic}) or `faces` ({@link loadFaces}). `trainSize` / `validationSize`
 * keep the first N examples of each split (positive integers ≤ what the split holds).
 *
 * @throws {@link OptionError} for an unknown name or bad sizes; {@link DataError} for missing or
 *   malformed data files.
 * @example
 * ```ts
 * const ds = await loadProblem('mnist', { seed: 0, trainSize: 5000 });
 * ds.train.n; // 5000
 * ```
 */
export async function loadProblem(name: ProblemName, options: LoadOptions): Promise<Dataset> {
  const load = Object.hasOwn(LOADERS, name) ? LOADERS[name] : undefined;
  if (!load) throw new OptionError(`unknown problem '${String(name)}'; choose one of ${PROBLEM_NAMES.join(', ')}`);
  if (options === null || typeof options !== 'object') throw new OptionError('loadProblem needs an options object with a seed');
  return load(options);
}
