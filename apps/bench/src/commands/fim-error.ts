import type { Command } from 'commander';
import { selectBackend } from '@fisherkit/core';
import { runCommand, CliError } from '../cli-error.js';
import { parseInteger } from '../cli-numbers.js';
import { runFimError, type FimErrorFile } from '../fim-error-run.js';
import { PRESET_PROBLEMS, problemPreset } from '../presets.js';
import { loadProblemData } from '../problem-data.js';
import { ERROR2_MAX_SIZE } from '../singular-value-error.js';
import { resolveTrainConfig } from '../train-config.js';
import { parseBackend } from './train.js';

/** `fisherkit fim-error`'s options as commander gives them. */
export interface FimErrorCliOptions {
  problem?: string;
  iterations?: string;
  batchSize?: string;
  fisherBatchSize?: string;
  layer?: string;
  seed?: string;
  trainSize?: string;
  error2MaxSize?: string;
  error2Every?: string;
  hidden?: string;
  sizes?: string;
  lr?: string;
  weightDecay?: string;
  units?: string;
  backend?: string;
  data?: string;
  out?: string;
}

/**
 * `fisherkit fim-error`: experiment 1 (approximation accuracy along an Adam run) on one layer.
 * Defaults: 2,500 iterations, the problem's batch size, layer 4 (the 5th dense layer), the Fisher
 * on the whole current mini-batch, Error 2 up to d_a·d_g = 32768 (`ERROR2_MAX_SIZE`).
 *
 * @example `await fimErrorCommand({ problem: 'curves-synthetic', iterations: '3', out: 'fim.json' })`
 */
export async function fimErrorCommand(options: FimErrorCliOptions): Promise<FimErrorFile> {
  if (!options.out) throw new CliError('--out <file.json> is required');
  if (options.problem === undefined) throw new CliError(`--problem is required: ${PRESET_PROBLEMS.join(', ')}`);
  const preset = problemPreset(options.problem);
  const backendName = parseBackend(options.backend);
  const training = resolveTrainConfig(
    {
      problem: options.problem,
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.trainSize !== undefined ? { trainSize: options.trainSize } : {}),
      ...(options.hidden !== undefined ? { hidden: options.hidden } : {}),
      ...(options.sizes !== undefined ? { sizes: options.sizes } : {}),
      ...(options.lr !== undefined ? { lr: options.lr } : {}),
      ...(options.weightDecay !== undefined ? { weightDecay: options.weightDecay } : {}),
      ...(options.units !== undefined ? { units: options.units } : {}),
      ...(options.data !== undefined ? { data: options.data } : {}),
    },
    { method: 'adam', kind: 'adam', plugin: null, approx: null },
  );
  const batchSize = training.batchSize;
  const config = {
    problem: preset.problem,
    layer: options.layer === undefined ? 4 : parseInteger(options.layer, '--layer', 0),
    iterations: options.iterations === undefined ? 2500 : parseInteger(options.iterations, '--iterations'),
    batchSize,
    fisherBatchSize: options.fisherBatchSize === undefined ? batchSize : parseInteger(options.fisherBatchSize, '--fisher-batch-size'),
    error2MaxSize: options.error2MaxSize === undefined ? ERROR2_MAX_SIZE : parseInteger(options.error2MaxSize, '--error2-max-size', 0),
    error2Every: options.error2Every === undefined ? 1 : parseInteger(options.error2Every, '--error2-every'),
    seed: training.seed,
    training,
  };
  if (config.fisherBatchSize > batchSize) throw new CliError(`--fisher-batch-size ${config.fisherBatchSize} is above the batch size ${batchSize}`);
  const backend = await selectBackend({ backend: backendName });
  const data = await loadProblemData({
    problem: preset.problem,
    seed: training.seed,
    ...(training.trainSize !== null ? { trainSize: training.trainSize } : {}),
    validationSize: 1,
    ...(training.dataPath !== null ? { dataPath: training.dataPath } : {}),
  });
  return runFimError({ config, data, backend, out: options.out });
}

/** Registers `fisherkit fim-error` on the program. */
export function registerFimError(program: Command): void {
  program
    .command('fim-error')
    .description('experiment 1: Error 1 / Error 2 of the five approximations of one layer along an Adam run')
    .option('--problem <problem>', PRESET_PROBLEMS.join(', '))
    .option('--iterations <n>', 'iterations (default 2500)')
    .option('--batch-size <n>', 'mini-batch size (preset: 512 MNIST, 256 CURVES, 1024 FACES)')
    .option('--fisher-batch-size <n>', 'rows of the current mini-batch used for the Fisher (default: all)')
    .option('--layer <k>', 'dense layer, 0-based (default 4: the 5th)')
    .option('--seed <n>', 'seed (default 0)')
    .option('--train-size <n>', 'keep only the first N training examples')
    .option(
      '--error2-max-size <n>',
      `compute Error 2 up to d_a·d_g = N, null above (default ${ERROR2_MAX_SIZE}; exact for one-term methods, Lanczos for two-term ones: ` +
        'CPU time ∝ N·m², ~0.65 s per method at 31 × 250 with m = 128; 0 turns Error 2 off)',
    )
    .option('--error2-every <k>', 'Error 2 at every k-th iteration only (default 1; Error 1 is always computed)')
    .option('--hidden <units>', 'relu (default) or logistic')
    .option('--sizes <list>', "layer widths replacing the preset's")
    .option('--lr <x>', "Adam's learning rate (preset 1e-3)")
    .option('--weight-decay <x>', "Adam's weight decay (preset 1e-3 in paper units)")
    .option('--units <units>', 'units of --lr, --weight-decay: paper (per-pixel losses, converted) or native')
    .option('--backend <name>', 'auto, wasm, cpu or tensorflow (default auto)')
    .option('--data <path>', 'data file or folder')
    .option('--out <file>', 'results JSON (required)')
    .action((options: FimErrorCliOptions) =>
      runCommand(async () => {
        await fimErrorCommand(options);
      }),
    );
}
