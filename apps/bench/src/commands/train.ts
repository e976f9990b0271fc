import type { Command } from 'commander';
import { selectBackend, type BackendName } from '@fisherkit/core';
import { readCheckpoint, resolveResume } from '../checkpoint-file.js';
import { installMatMul, parseMatMul } from '../matmul-option.js';
import { CliError, runCommand } from '../cli-error.js';
import { parseInteger } from '../cli-numbers.js';
import { loadProblemData } from '../problem-data.js';
import { APPROXIMATION_IDS } from '../approximations.js';
import { PRESET_PROBLEMS } from '../presets.js';
import { assertOutFile } from '../results-file.js';
import { runTraining, type TrainResultFile } from '../run-train.js';
import { resolveMethod, resolveTrainConfig, type TrainCliOptions, type TrainConfig } from '../train-config.js';

/** Every method `train` knows by name: the discovered approximation packages, then the baselines. */
const TRAIN_METHODS = [...APPROXIMATION_IDS, 'sgd', 'adam'];

/** Options that may accompany `--resume` (everything else comes from the checkpoint). */
const RESUME_COMPATIBLE = new Set(['resume', 'out', 'epochs', 'checkpointEvery', 'backend', 'data', 'matmul', 'matmulThreads', 'gradientPass']);

/**
 * Parses `--backend` (auto, wasm, cpu, tensorflow).
 * @example `parseBackend('cpu') // 'cpu'`
 */
export function parseBackend(value: string | undefined): BackendName | 'auto' {
  const backend = value ?? 'auto';
  if (!['auto', 'wasm', 'cpu', 'tensorflow'].includes(backend)) {
    throw new CliError(`--backend must be one of auto, wasm, cpu, tensorflow, got "${backend}"`);
  }
  return backend as BackendName | 'auto';
}

/**
 * `fisherkit train`: one training run of a method on a problem with the paper's presets
 * (presets.ts) and CLI overrides; the results JSON is rewritten atomically after every epoch.
 * With `--resume <path>` (a checkpoint, a results file whose `<out>.checkpoint.json` exists, or a
 * folder holding one checkpoint) the configuration comes from the checkpoint and the run continues
 * the same trajectory (bit for bit on the cpu backend), by default into the same results file.
 *
 * @example `await trainCommand({ problem: 'curves-synthetic', method: 'kfac', epochs: '2', out: 'run.json' })`
 */
export async function trainCommand(options: TrainCliOptions): Promise<TrainResultFile> {
  if (!options.out && !options.resume) throw new CliError('--out <file.json> is required');
  let out = options.out;
  const checkpointEvery = options.checkpointEvery === undefined ? undefined : parseInteger(options.checkpointEvery, '--checkpoint-every');
  const backendName = parseBackend(options.backend);
  const matMulChoice = parseMatMul(options.matmul, options.matmulThreads, options.gradientPass);
  let config: TrainConfig;
  let resumeState;
  let plugin;
  if (options.resume) {
    const extra = Object.entries(options).filter(([key, v]) => v !== undefined && !RESUME_COMPATIBLE.has(key));
    if (extra.length) {
      const flag = extra[0][0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
      throw new CliError(`--${flag} cannot be combined with --resume: the run's options come from the checkpoint (only --epochs, --out, --checkpoint-every, --backend, --matmul, --matmul-threads, --gradient-pass, --data may be given)`);
    }
    const target = resolveResume(options.resume);
    const { manifest, state } = readCheckpoint<TrainConfig>(target.checkpoint);
    out ??= target.results ?? undefined;
    config = { ...manifest.config };
    if (options.epochs !== undefined) config.epochs = parseInteger(options.epochs, '--epochs');
    if (options.data !== undefined) config.dataPath = options.data;
    if (state.epoch > config.epochs) throw new CliError(`the checkpoint is at epoch ${state.epoch}, beyond --epochs ${config.epochs}`);
    ({ plugin } = await resolveMethod(config.approx ? undefined : config.method, config.approx));
    resumeState = state;
  } else {
    if (options.problem === undefined) throw new CliError(`--problem is required: ${PRESET_PROBLEMS.join(', ')}`);
    if (options.method === undefined && options.approx === undefined) {
      throw new CliError(`--method is required: ${TRAIN_METHODS.join(', ')} or a plug-in module`);
    }
    const resolved = await resolveMethod(options.method, options.approx);
    config = resolveTrainConfig(options, resolved);
    plugin = resolved.plugin;
  }
  if (!out) throw new CliError(`--out <file.json> is required: ${options.resume} is not named <out>.checkpoint.json`);
  assertOutFile(out);
  const selected = await selectBackend({ backend: backendName });
  const installed = await installMatMul(matMulChoice, selected);
  const backend = { ...selected, matMul: installed.info };
  const data = await loadProblemData({
    problem: config.problem,
    seed: config.seed,
    ...(config.trainSize !== null ? { trainSize: config.trainSize } : {}),
    ...(config.validationSize !== null ? { validationSize: config.validationSize } : {}),
    ...(config.dataPath !== null ? { dataPath: config.dataPath } : {}),
  });
  return runTraining({
    config,
    plugin: plugin ?? null,
    data,
    backend,
    attachGradientPass: installed.attachGradientPass,
    out,
    ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
    ...(resumeState ? { resumeFrom: resumeState } : {}),
  });
}

/** Registers `fisherkit train` on the program. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("train a deep auto-encoder of the paper with one method; writes a results JSON after every epoch")
    .option('--problem <problem>', PRESET_PROBLEMS.join(', '))
    .option('--method <method>', `${TRAIN_METHODS.join(', ')}, or a module that default-exports a plug-in`)
    .option('--approx <module>', 'third-party approximation plug-in (package name or .mjs path; its default export)')
    .option('--epochs <n>', 'epochs (preset: 200)')
    .option('--batch-size <n>', 'mini-batch size (preset: 512 MNIST, 256 CURVES, 1024 FACES)')
    .option('--train-size <n>', 'keep only the first N training examples')
    .option('--validation-size <n>', 'keep only the first N validation examples')
    .option('--lr <x>', "learning rate: a number or an expression of step and epoch, e.g. '0.1 * 0.97^epoch' (preset: the authors' best)")
    .option('--damping <x>', "damping λ: a number or an expression of step and epoch (preset: the authors' best)")
    .option('--units <units>', 'units of --lr, --damping, --kl-clip, --weight-decay: paper (per-pixel losses, converted) or native', )
    .option('--t-cov <n>', 'statistics every N steps (preset 100)')
    .option('--t-inv <n>', 'inverses every N steps (preset 100)')
    .option('--kl-clip <x>', 'KL-clip κ (preset 0.01 in paper units)')
    .option('--momentum <x>', 'momentum (preset 0.9)')
    .option('--weight-decay <x>', 'weight decay (preset 1e-3 in paper units)')
    .option('--fisher-batch-size <n>', 'Fisher mini-batch rows (preset: a quarter of the batch)')
    .option('--pi <rule>', 'damping split: tracenorm (default) or one')
    .option('--inverse-worker [mode]', 'where inverse refreshes run (recorded in the results config): async (default) on a worker thread while training continues with the previous inverse, or split between the main thread and the worker, each layer waiting for its own (the exact trajectory of --no-inverse-worker, on two cores)')
    .option('--no-inverse-worker', 'refresh inverses on the main thread: exact, reproducible trajectories')
    .option('--seed <n>', 'seed of the initialisation, split, shuffling and Fisher sampling (default 0)')
    .option('--backend <name>', 'auto, wasm, cpu or tensorflow (default auto)')
    .option('--matmul <kernel>', "matrix-product kernels: backend (tfjs backend's own and core's wasm Float64 kernels, default) or onnx (ONNX Runtime from @fisherkit/matmul-onnx: float32 Gemm for tfjs, ≈ 3× faster per core, and DGEMM for the curvature's Float64 linear algebra, main thread and inverse worker; recorded in the results)")
    .option('--matmul-threads <n>', 'ONNX Runtime threads per product with --matmul onnx (default: all cores; 1 when two runs share the machine)')
    .option('--gradient-pass <engine>', 'with --matmul onnx: onnx (default: each plain forward/backward pass as one ONNX Runtime graph, ≈ 2.5× faster) or tfjs (kernel by kernel); recorded in the results')
    .option('--data <path>', 'data file or folder (CURVES/FACES .mat, IDX folder)')
    .option('--hidden <units>', "relu (the authors' runs, default) or logistic (logistic hidden units, linear code layer)")
    .option('--sizes <list>', "layer widths replacing the preset's, e.g. 784,64,6,64,784 (input and output fixed by the problem)")
    .option('--resume <path>', 'continue an interrupted run: its <out>.checkpoint.json, its results file <out>, or a folder holding one checkpoint (--out defaults to <out>)')
    .option('--checkpoint-every <n>', 'write <out>.checkpoint.json every N epochs (always on SIGINT/SIGTERM)')
    .option('--out <file>', 'results JSON (required, except with --resume)')
    .action((options: TrainCliOptions) =>
      runCommand(async () => {
        await trainCommand(options);
      }),
    );
}
