import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from '../cli-error.js';

/** One of the authors' saved runs: per-epoch per-pixel losses and cumulative seconds. */
export interface PaperRun {
  trainLoss: number[];
  valLoss: number[];
  seconds: number[];
}

/** The authors' saved runs (apps/bench/data/authors-runs.json). */
export interface PaperRuns {
  /** Where the curves come from (repository, commit, path); cited on the report page. */
  source: string;
  note: string;
  runs: Record<string, { batchSize: number; methods: Record<string, PaperRun> }>;
}

/** Where the authors' runs are stored in this repository. */
export const PAPER_RUNS_PATH = fileURLToPath(new URL('../../data/authors-runs.json', import.meta.url));

/**
 * Final training losses (per-pixel means, 200 epochs) of the authors' saved runs as quoted in
 * MATH.md §7, per problem and method.
 */
export const PAPER_FINAL_TRAIN_LOSS: Record<string, Record<string, number>> = {
  mnist: { kfac: 0.0692, kpsvd: 0.0693, deflation: 0.0653, 'kfac-corrected': 0.0644, lanczos: 0.0652, sgd: 0.0768, adam: 0.0732 },
  curves: { kfac: 0.0752, kpsvd: 0.075, deflation: 0.0747, 'kfac-corrected': 0.0705, lanczos: 0.0705, sgd: 0.0769, adam: 0.0796 },
  faces: { kfac: 0.0313, kpsvd: 0.0317, deflation: 0.0169, 'kfac-corrected': 0.0172, lanczos: 0.0165, sgd: 0.0456, adam: 0.042 },
};

/**
 * The paper problem whose curves may be drawn beside ours: only the same dataset counts
 * (curves-synthetic is a stand-in, not CURVES, so it gets none).
 * @example `paperProblemFor('mnist') // 'mnist'`, `paperProblemFor('curves-synthetic') // undefined`
 */
export function paperProblemFor(problem: string): string | undefined {
  return ['mnist', 'curves', 'faces'].includes(problem) ? problem : undefined;
}

let cached: PaperRuns | undefined;

/**
 * Loads and checks the authors' saved runs.
 * @throws CliError when the data file is missing or malformed.
 * @example `loadPaperRuns().runs.mnist.methods.kfac.trainLoss.at(-1) // 0.0692…`
 */
export function loadPaperRuns(path = PAPER_RUNS_PATH): PaperRuns {
  if (cached && path === PAPER_RUNS_PATH) return cached;
  let data: PaperRuns;
  try {
    data = JSON.parse(readFileSync(path, 'utf8')) as PaperRuns;
  } catch (err) {
    throw new CliError(`cannot load the paper's runs from ${path} (${(err as Error).message}); use --no-paper to leave them out`);
  }
  const ok =
    data !== null &&
    typeof data === 'object' &&
    typeof data.source === 'string' &&
    typeof data.runs === 'object' &&
    Object.values(data.runs).every(
      (p) =>
        p &&
        typeof p.methods === 'object' &&
        Object.values(p.methods).every(
          (r) =>
            Array.isArray(r.trainLoss) &&
            Array.isArray(r.valLoss) &&
            Array.isArray(r.seconds) &&
            r.trainLoss.length === r.seconds.length &&
            r.valLoss.length === r.seconds.length,
        ),
    );
  if (!ok) throw new CliError(`the paper's runs in ${path} are malformed; use --no-paper to leave them out`);
  if (path === PAPER_RUNS_PATH) cached = data;
  return data;
}
