import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { selectBackend } from '@fisherkit/core';
import type { TrainingState } from '@fisherkit/preconditioner';
import { checkpointPath, readCheckpoint } from '../checkpoint-file.js';
import { CliError, runCommand } from '../cli-error.js';
import { parseInteger, parseNumberList } from '../cli-numbers.js';
import { APPROXIMATION_IDS } from '../approximations.js';
import { PRESET_PROBLEMS } from '../presets.js';
import { loadProblemData } from '../problem-data.js';
import { tryReadJson, writeJsonAtomic } from '../results-file.js';
import { runTraining, type TrainResultFile } from '../run-train.js';
import { resolveMethod, resolveTrainConfig, type TrainConfig } from '../train-config.js';
import { parseBackend } from './train.js';

/** Every method `grid` knows by name: the discovered approximation packages, then the baselines. */
const GRID_METHODS = [...APPROXIMATION_IDS, 'sgd', 'adam'];

/** The paper's grid (its per-pixel convention), used for both lr and λ. */
export const PAPER_GRID = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3];

/** `fisherkit grid`'s options as commander gives them. */
export interface GridCliOptions {
  problem?: string;
  method?: string;
  approx?: string;
  lr?: string;
  damping?: string;
  epochs?: string;
  batchSize?: string;
  trainSize?: string;
  validationSize?: string;
  tCov?: string;
  tInv?: string;
  units?: string;
  hidden?: string;
  sizes?: string;
  seed?: string;
  backend?: string;
  data?: string;
  outDir?: string;
}

/** One cell of the grid in the summary. */
export interface GridCell {
  lr: number;
  damping: number | null;
  file: string;
  /** `run`, `skipped` (already complete) or `resumed` (from its checkpoint). */
  status: 'run' | 'skipped' | 'resumed';
  finalTrainLoss: number | null;
  finalValLoss: number | null;
}

/** `<dir>/grid-summary.json`. */
export interface GridSummary {
  kind: 'grid-summary';
  problem: string;
  method: string;
  units: string;
  epochs: number;
  cells: GridCell[];
  /** The cell with the lowest final validation loss (training loss without validation data). */
  best: GridCell | null;
}

/**
 * The file name of a grid cell: `<method>-lr<x>-damping<y>.json` (`<method>-lr<x>.json` for SGD
 * and Adam), with the values as given (paper units by default).
 * @example `cellFileName('kfac', 0.1, 0.003) // 'kfac-lr0.1-damping0.003.json'`
 */
export function cellFileName(method: string, lr: number, damping: number | null): string {
  return damping === null ? `${method}-lr${lr}.json` : `${method}-lr${lr}-damping${damping}.json`;
}

/**
 * A results file counts as finished when it is a `train` result marked complete with all epochs.
 * @example `isCompleteResult(tryReadJson(file), 200)`
 */
export function isCompleteResult(value: unknown, epochs: number): value is TrainResultFile {
  const r = value as Partial<TrainResultFile> | undefined;
  return r?.kind === 'train' && r.complete === true && Array.isArray(r.epochs) && r.epochs.length >= epochs;
}

/**
 * `fisherkit grid`: the paper's lr × λ grid search (MATH.md §7), one `fisherkit train` run per
 * cell in-process. Resumable: complete cells are skipped, an interrupted cell continues from its
 * checkpoint. SGD and Adam have no damping, so their grid is over lr only. Writes
 * `grid-summary.json` with the best cell by final validation loss.
 *
 * @example `await gridCommand({ problem: 'curves', method: 'kfac', lr: '0.01,0.1', damping: '1e-3', outDir: 'grid' })`
 */
export async function gridCommand(options: GridCliOptions): Promise<GridSummary> {
  if (!options.outDir) throw new CliError('--out-dir <dir> is required');
  if (statSync(options.outDir, { throwIfNoEntry: false })?.isFile()) {
    throw new CliError(`--out-dir ${options.outDir} is a file; pass a folder (it is created if needed)`);
  }
  if (options.problem === undefined) throw new CliError(`--problem is required: ${PRESET_PROBLEMS.join(', ')}`);
  if (options.method === undefined && options.approx === undefined) {
    throw new CliError(`--method is required: ${GRID_METHODS.join(', ')} or a plug-in module`);
  }
  const resolved = await resolveMethod(options.method, options.approx);
  const lrs = options.lr === undefined ? PAPER_GRID : parseNumberList(options.lr, '--lr');
  const firstOrder = resolved.kind !== 'natural-gradient';
  if (firstOrder && options.damping !== undefined) {
    process.stderr.write(`fisherkit: note: ${resolved.method} has no damping; the grid runs over --lr only\n`);
  }
  const dampings: (number | null)[] = firstOrder ? [null] : options.damping === undefined ? PAPER_GRID : parseNumberList(options.damping, '--damping');
  const { outDir, lr: _lr, damping: _damping, ...common } = options;
  const configs: { lr: number; damping: number | null; config: TrainConfig; file: string }[] = [];
  for (const lr of lrs) {
    for (const damping of dampings) {
      const config = resolveTrainConfig({ ...common, lr: String(lr), ...(damping === null ? {} : { damping: String(damping) }) }, resolved);
      configs.push({ lr, damping, config, file: join(outDir, cellFileName(resolved.method, lr, damping)) });
    }
  }
  const first = configs[0].config;
  const backend = await selectBackend({ backend: parseBackend(options.backend) });
  const data = await loadProblemData({
    problem: first.problem,
    seed: first.seed,
    ...(first.trainSize !== null ? { trainSize: first.trainSize } : {}),
    ...(first.validationSize !== null ? { validationSize: first.validationSize } : {}),
    ...(first.dataPath !== null ? { dataPath: first.dataPath } : {}),
  });
  const cells: GridCell[] = [];
  const writeSummary = (): GridSummary => {
    const finished = cells.filter((c) => c.finalTrainLoss !== null && Number.isFinite(c.finalValLoss ?? c.finalTrainLoss));
    const score = (c: GridCell) => c.finalValLoss ?? c.finalTrainLoss ?? Infinity;
    const best = finished.reduce<GridCell | null>((b, c) => (b === null || score(c) < score(b) ? c : b), null);
    const summary: GridSummary = { kind: 'grid-summary', problem: first.problem, method: first.method, units: first.units, epochs: first.epochs, cells, best };
    writeJsonAtomic(join(outDir, 'grid-summary.json'), summary);
    return summary;
  };
  for (const [i, cell] of configs.entries()) {
    const label = `[${i + 1}/${configs.length}] ${cell.config.method} lr ${cell.lr}${cell.damping === null ? '' : ` λ ${cell.damping}`}`;
    const previous = tryReadJson(cell.file);
    if (previous === undefined && existsSync(cell.file)) {
      process.stderr.write(`fisherkit: warning: ${cell.file} is not valid JSON (truncated or corrupt); running the cell again (from its checkpoint if there is one)\n`);
    }
    let result: TrainResultFile;
    let status: GridCell['status'] = 'run';
    if (isCompleteResult(previous, cell.config.epochs)) {
      result = previous;
      status = 'skipped';
      process.stderr.write(`${label}: complete, skipped\n`);
    } else {
      let resumeFrom: TrainingState | undefined;
      if (existsSync(checkpointPath(cell.file))) {
        resumeFrom = readCheckpoint<TrainConfig>(checkpointPath(cell.file)).state;
        status = 'resumed';
      }
      result = await runTraining({
        config: cell.config,
        plugin: resolved.plugin,
        data,
        backend,
        out: cell.file,
        checkpointEvery: 1,
        label,
        ...(resumeFrom ? { resumeFrom } : {}),
      });
    }
    const last = result.epochs[result.epochs.length - 1];
    cells.push({
      lr: cell.lr,
      damping: cell.damping,
      file: cellFileName(cell.config.method, cell.lr, cell.damping),
      status,
      finalTrainLoss: last?.trainLoss ?? null,
      finalValLoss: last?.valLoss ?? null,
    });
    writeSummary();
  }
  return writeSummary();
}

/** Registers `fisherkit grid` on the program. */
export function registerGrid(program: Command): void {
  program
    .command('grid')
    .description("the paper's lr × damping grid search: one results file per cell, resumable, with a summary of the best cell")
    .option('--problem <problem>', PRESET_PROBLEMS.join(', '))
    .option('--method <method>', `${GRID_METHODS.join(', ')}, or a module that default-exports a plug-in`)
    .option('--approx <module>', 'third-party approximation plug-in')
    .option('--lr <list>', `comma-separated learning rates (default ${PAPER_GRID.join(',')}, paper units)`)
    .option('--damping <list>', `comma-separated λ values (default ${PAPER_GRID.join(',')}, paper units; ignored by sgd/adam)`)
    .option('--epochs <n>', 'epochs per cell (preset 200)')
    .option('--batch-size <n>', 'mini-batch size (preset)')
    .option('--train-size <n>', 'keep only the first N training examples')
    .option('--validation-size <n>', 'keep only the first N validation examples')
    .option('--t-cov <n>', 'statistics every N steps (preset 100)')
    .option('--t-inv <n>', 'inverses every N steps (preset 100)')
    .option('--units <units>', 'paper (default, converted) or native')
    .option('--hidden <units>', 'relu (default) or logistic')
    .option('--sizes <list>', "layer widths replacing the preset's")
    .option('--seed <n>', 'seed (default 0)')
    .option('--backend <name>', 'auto, wasm, cpu or tensorflow')
    .option('--data <path>', 'data file or folder')
    .option('--out-dir <dir>', 'folder of the cell files and grid-summary.json (required)')
    .action((options: GridCliOptions) =>
      runCommand(async () => {
        await gridCommand(options);
      }),
    );
}
