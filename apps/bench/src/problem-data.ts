import { loadProblem, type Dataset, type LoadOptions, type ProblemName } from '@fisherkit/datasets';
import { CliError } from './cli-error.js';

/** What the bench asks of a problem's data. */
export interface DataRequest {
  problem: string;
  seed: number;
  trainSize?: number;
  validationSize?: number;
  dataPath?: string;
}

/**
 * Loads a problem through `@fisherkit/datasets`' `loadProblem` and checks the sizes: a
 * `trainSize` / `validationSize` above what the problem has is a CliError naming the available
 * count (the loader keeps "the first N"; fewer rows than asked means the request was too large).
 *
 * @example `const data = await loadProblemData({ problem: 'curves-synthetic', seed: 0, trainSize: 256 })`
 */
export async function loadProblemData(request: DataRequest): Promise<Dataset> {
  const options: LoadOptions = { seed: request.seed };
  if (request.trainSize !== undefined) options.trainSize = request.trainSize;
  if (request.validationSize !== undefined) options.validationSize = request.validationSize;
  if (request.dataPath !== undefined) options.dataPath = request.dataPath;
  const data = await loadProblem(request.problem as ProblemName, options);
  if (request.trainSize !== undefined && data.train.n < request.trainSize) {
    throw new CliError(`--train-size ${request.trainSize} is above the ${data.train.n} training examples ${request.problem} has; use at most ${data.train.n}`);
  }
  if (request.validationSize !== undefined && data.validation.n < request.validationSize) {
    throw new CliError(
      `--validation-size ${request.validationSize} is above the ${data.validation.n} validation examples ${request.problem} has; use at most ${data.validation.n}`,
    );
  }
  return data;
}
