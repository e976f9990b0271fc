import type { Activation, LossName } from '@fisherkit/fisher';
import { adam, sgd } from '@fisherkit/first-order';
import { naturalGradient, withInverseWorker, type ApproximationPlugin, type InverseWorkerSetting, type NumericalWarning, type Optimizer } from '@fisherkit/preconditioner';
import { APPROXIMATION_IDS, approximationById } from './approximations.js';
import { CliError } from './cli-error.js';
import { parseInteger, parseNumber } from './cli-numbers.js';
import { parseInverseWorker } from './inverse-worker-option.js';
import { loadPluginModule, moduleSpecifier } from './plugin-loader.js';
import {
  architecture,
  authorsLossFactor,
  conversionFactors,
  convertKlClip,
  methodPreset,
  optimizerKind,
  PAPER_COMMON,
  problemPreset,
  type HiddenUnits,
  type OptimizerKind,
} from './presets.js';
import { parseSchedule, scaledSchedule, scaledScheduleText } from './schedule.js';

/** `fisherkit train`'s options as commander gives them (strings; undefined when not given). */
export interface TrainCliOptions {
  problem?: string;
  method?: string;
  approx?: string;
  epochs?: string;
  batchSize?: string;
  trainSize?: string;
  validationSize?: string;
  lr?: string;
  damping?: string;
  tCov?: string;
  tInv?: string;
  klClip?: string;
  momentum?: string;
  weightDecay?: string;
  fisherBatchSize?: string;
  pi?: string;
  units?: string;
  seed?: string;
  backend?: string;
  /** `--matmul`: backend (default) or onnx. */
  matmul?: string;
  matmulThreads?: string;
  /** `--gradient-pass`: onnx (default with --matmul onnx) or tfjs. */
  gradientPass?: string;
  data?: string;
  hidden?: string;
  /** Comma-separated layer widths replacing the preset's (e.g. `784,64,6,64,784`). */
  sizes?: string;
  resume?: string;
  checkpointEvery?: string;
  out?: string;
  /**
   * `--inverse-worker [mode]` / `--no-inverse-worker`: true (the bare flag), the mode's text
   * (async or split), false, or undefined when neither is given (async). `timeTrainingSteps` also
   * passes the library setting `'split'` directly.
   */
  inverseWorker?: boolean | string;
}

/** Units of `--lr`, `--damping`, `--kl-clip`, `--weight-decay`: the paper's or fisherkit's. */
export type Units = 'paper' | 'native';

/** One hyper-parameter as given and as passed to the optimiser. */
export interface ResolvedValue {
  /** As given (or preset), in `units`; schedules as their expression text. */
  given: string;
  /** Where it came from: `cli` or the preset's description. */
  source: string;
  /** Multiplier applied to go from `units` to fisherkit's convention. */
  factor: number;
  /** What the optimiser gets (a number or an expression text). */
  native: string;
}

/**
 * Every resolved option of a training run (plain JSON: written to the results file and the
 * checkpoint, and enough to rebuild the run on `--resume`).
 */
export interface TrainConfig {
  problem: string;
  method: string;
  /** Module of a third-party plug-in (file URL or package name), or null. */
  approx: string | null;
  optimizer: OptimizerKind;
  hidden: HiddenUnits;
  sizes: number[];
  activations: Activation[];
  loss: LossName;
  epochs: number;
  batchSize: number;
  trainSize: number | null;
  validationSize: number | null;
  seed: number;
  dataPath: string | null;
  units: Units;
  /** k = fisherkit loss / authors' per-pixel loss. */
  authorsLossFactor: number;
  learningRate: ResolvedValue;
  /** Natural gradient only. */
  damping: ResolvedValue | null;
  klClip: ResolvedValue | null;
  weightDecay: ResolvedValue;
  /** Adam only. */
  epsilon: ResolvedValue | null;
  momentum: number | null;
  nesterov: boolean | null;
  tCov: number | null;
  tInv: number | null;
  decay: number | null;
  pi: 'tracenorm' | 'one' | null;
  fisherBatchSize: number | null;
  fisher: 'sampled' | null;
  /**
   * Natural gradient only: inverse refreshes on a worker thread while training continues with the
   * previous inverse (true: faster; the trajectory depends on timing), shared between the main
   * thread and the worker with every block waiting for its job (`'split'`: the trajectory of
   * false, on two cores) or, when false, on the main thread (exact reproduction). Absent in results
   * written before the option existed: those ran without.
   */
  inverseWorker?: InverseWorkerSetting | null;
}

/** A method resolved to its update rule and, for natural gradient, its plug-in. */
export interface ResolvedMethod {
  method: string;
  kind: OptimizerKind;
  plugin: ApproximationPlugin<any> | null;
  /** Module the plug-in came from (third-party plug-ins), else null. */
  approx: string | null;
}

const FIRST_ORDER = ['sgd', 'adam'];

/**
 * Resolves `--method` / `--approx`: an in-repo approximation id, `sgd`, `adam`, or a module
 * (`--approx <module>`, or a `--method` that is neither) whose default export is a plug-in.
 *
 * @example `await resolveMethod('kfac') // { method: 'kfac', kind: 'natural-gradient', plugin: kfac, approx: null }`
 */
export async function resolveMethod(method: string | undefined, approx?: string | null): Promise<ResolvedMethod> {
  if (approx) {
    const plugin = await loadPluginModule(approx);
    if (method !== undefined && method !== plugin.id) {
      throw new CliError(`--method "${method}" does not match the id "${plugin.id}" of the plug-in given by --approx; omit --method`);
    }
    return { method: plugin.id, kind: 'natural-gradient', plugin, approx: moduleSpecifier(approx) };
  }
  if (method === undefined) throw new CliError(`--method is required: ${[...APPROXIMATION_IDS, ...FIRST_ORDER].join(', ')} or a plug-in module`);
  if (APPROXIMATION_IDS.includes(method)) return { method, kind: 'natural-gradient', plugin: approximationById(method), approx: null };
  if (FIRST_ORDER.includes(method)) return { method, kind: optimizerKind(method), plugin: null, approx: null };
  try {
    const plugin = await loadPluginModule(method);
    return { method: plugin.id, kind: 'natural-gradient', plugin, approx: moduleSpecifier(method) };
  } catch (err) {
    if (err instanceof CliError && /was not found/.test(err.message)) {
      throw new CliError(
        `unknown method "${method}"; use one of ${[...APPROXIMATION_IDS, ...FIRST_ORDER].join(', ')}, or a module that default-exports a plug-in (--approx <module>)`,
      );
    }
    throw err;
  }
}

function choice<T extends string>(value: string | undefined, choices: readonly T[], option: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new CliError(`${option} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

/**
 * Resolves every training option: the problem's preset (architecture, loss, batch size, epochs,
 * the authors' lr / λ for the method, MATH.md §6 settings) overridden by the CLI values, with
 * `--lr`, `--damping`, `--kl-clip`, `--weight-decay` read in `--units` (`paper` by default: the
 * authors' per-pixel convention, converted as documented in presets.ts; `native`: passed as is).
 * Bad values are CliErrors.
 *
 * @example
 * ```ts
 * const config = resolveTrainConfig({ problem: 'curves', lr: '0.1 * 0.97^epoch' }, await resolveMethod('kfac'));
 * config.learningRate.native; // '784 * (0.1 * 0.97^epoch)'
 * ```
 */
export function resolveTrainConfig(options: TrainCliOptions, resolved: ResolvedMethod): TrainConfig {
  if (options.problem === undefined) throw new CliError('--problem is required');
  const preset = problemPreset(options.problem);
  const hidden = choice(options.hidden, ['relu', 'logistic'] as const, '--hidden', 'relu');
  const units = choice(options.units, ['paper', 'native'] as const, '--units', 'paper');
  let custom: number[] | undefined;
  if (options.sizes !== undefined) {
    custom = String(options.sizes).split(',').map((w) => parseInteger(w, '--sizes'));
    const [first, last] = [preset.sizes[0], preset.sizes[preset.sizes.length - 1]];
    if (custom.length < 3 || custom[0] !== first || custom[custom.length - 1] !== last) {
      throw new CliError(`--sizes must list at least three widths from ${first} (input) to ${last} (output) for ${preset.problem}, got "${options.sizes}"`);
    }
  }
  const { sizes, activations } = architecture(preset.problem, hidden, custom);
  const kind = resolved.kind;
  const k = authorsLossFactor(preset.loss, sizes[sizes.length - 1]);
  const factors = units === 'paper' ? conversionFactors(kind, k) : { learningRate: 1, damping: 1, weightDecay: 1, epsilon: 1 };
  const mp = methodPreset(preset.problem, resolved.method);

  const epochs = options.epochs === undefined ? preset.epochs : parseInteger(options.epochs, '--epochs');
  const batchSize = options.batchSize === undefined ? preset.batchSize : parseInteger(options.batchSize, '--batch-size');
  const trainSize = options.trainSize === undefined ? null : parseInteger(options.trainSize, '--train-size');
  const validationSize = options.validationSize === undefined ? null : parseInteger(options.validationSize, '--validation-size');
  const seed = options.seed === undefined ? 0 : parseInteger(options.seed, '--seed', 0);
  if (seed > 0xffffffff) throw new CliError(`--seed must be an integer in [0, 4294967295], got "${options.seed}"`);

  const presetSource = (what: string) => (units === 'paper' ? mp.source : `${mp.source}, converted to native units (${what})`);
  const value = (text: string, source: string, factor: number, option: string): ResolvedValue => {
    const s = parseSchedule(text, option);
    return { given: s.text, source, factor, native: scaledScheduleText(s, factor) };
  };
  // Presets are in the paper's units; with --units native they are converted once here.
  const presetFactors = conversionFactors(kind, k);
  const lrText = options.lr ?? String(units === 'paper' ? mp.lr : mp.lr * presetFactors.learningRate);
  const learningRate = value(lrText, options.lr === undefined ? presetSource('lr') : 'cli', factors.learningRate, '--lr');
  const lrInitial = parseSchedule(learningRate.native, '--lr').initial;

  const wdPreset = kind === 'natural-gradient' ? PAPER_COMMON.weightDecay : PAPER_COMMON.firstOrderWeightDecay;
  const wdGiven = options.weightDecay === undefined
    ? (units === 'paper' ? wdPreset : wdPreset * presetFactors.weightDecay)
    : parseNumber(options.weightDecay, '--weight-decay', { min: 0 });
  const weightDecay: ResolvedValue = {
    given: String(wdGiven),
    source:
      options.weightDecay !== undefined
        ? 'cli'
        : kind === 'natural-gradient'
          ? 'MATH.md §6 (1e-3, paper units)'
          : "0: the authors' saved SGD/Adam curves are reproduced without weight decay (docs/benchmarks.md)",
    factor: factors.weightDecay,
    native: String(wdGiven * factors.weightDecay),
  };
  const momentum = options.momentum === undefined ? PAPER_COMMON.momentum : parseNumber(options.momentum, '--momentum', { min: 0, max: 1, maxExclusive: true });

  const base = {
    problem: preset.problem,
    method: resolved.method,
    approx: resolved.approx,
    optimizer: kind,
    hidden,
    sizes,
    activations,
    loss: preset.loss,
    epochs,
    batchSize,
    trainSize,
    validationSize,
    seed,
    dataPath: options.data ?? null,
    units,
    authorsLossFactor: k,
    learningRate,
    weightDecay,
  };
  const unusedNg = { tCov: options.tCov, tInv: options.tInv, damping: options.damping, klClip: options.klClip, fisherBatchSize: options.fisherBatchSize, pi: options.pi, inverseWorker: options.inverseWorker };
  if (kind !== 'natural-gradient') {
    const given = Object.entries(unusedNg).find(([, v]) => v !== undefined);
    if (given) throw new CliError(`--${given[0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to natural-gradient methods only, not ${resolved.method}`);
    if (kind === 'sgd') {
      return { ...base, damping: null, klClip: null, epsilon: null, momentum, nesterov: true, tCov: null, tInv: null, decay: null, pi: null, fisherBatchSize: null, fisher: null, inverseWorker: null };
    }
    if (options.momentum !== undefined) throw new CliError('--momentum does not apply to adam');
    const epsGiven = units === 'paper' ? PAPER_COMMON.adamEpsilon : PAPER_COMMON.adamEpsilon * presetFactors.epsilon;
    const epsilon: ResolvedValue = { given: String(epsGiven), source: "torch.optim.Adam's default", factor: factors.epsilon, native: String(epsGiven * factors.epsilon) };
    return { ...base, damping: null, klClip: null, epsilon, momentum: null, nesterov: null, tCov: null, tInv: null, decay: null, pi: null, fisherBatchSize: null, fisher: null, inverseWorker: null };
  }

  const dampingText = options.damping ?? String(units === 'paper' ? mp.damping : (mp.damping ?? 0) * presetFactors.damping);
  const damping = value(dampingText, options.damping === undefined ? presetSource('λ') : 'cli', factors.damping, '--damping');
  const kappaGiven = options.klClip === undefined
    ? (units === 'paper' ? PAPER_COMMON.klClip : convertKlClip(PAPER_COMMON.klClip, lrInitial))
    : parseNumber(options.klClip, '--kl-clip');
  const klClip: ResolvedValue = {
    given: String(kappaGiven),
    source: options.klClip === undefined ? 'MATH.md §6 (κ = 0.01, paper units)' : 'cli',
    factor: units === 'paper' ? lrInitial * lrInitial : 1,
    native: String(units === 'paper' ? convertKlClip(kappaGiven, lrInitial) : kappaGiven),
  };
  const tCov = options.tCov === undefined ? PAPER_COMMON.tCov : parseInteger(options.tCov, '--t-cov');
  const tInv = options.tInv === undefined ? PAPER_COMMON.tInv : parseInteger(options.tInv, '--t-inv');
  const fisherBatchSize = options.fisherBatchSize === undefined
    ? Math.max(1, Math.floor(batchSize / PAPER_COMMON.fisherBatchDivisor))
    : parseInteger(options.fisherBatchSize, '--fisher-batch-size');
  if (fisherBatchSize > batchSize) throw new CliError(`--fisher-batch-size ${fisherBatchSize} is above the batch size ${batchSize}`);
  const pi = choice(options.pi, ['tracenorm', 'one'] as const, '--pi', 'tracenorm');
  const inverseWorker = parseInverseWorker(options.inverseWorker) ?? true;
  return {
    ...base,
    damping,
    klClip,
    epsilon: null,
    momentum,
    nesterov: false,
    tCov,
    tInv,
    decay: PAPER_COMMON.decay,
    pi,
    fisherBatchSize,
    fisher: 'sampled',
    inverseWorker,
  };
}

/**
 * Builds the optimiser a config describes: `naturalGradient(plugin, …)`, `sgd(…)` or `adam(…)`,
 * with the native (converted) values. Schedules are re-parsed from their text. With
 * `config.inverseWorker` true or `'split'` the plug-in's inverses are refreshed on the inverse
 * worker, asynchronously or split with the main thread (`withInverseWorker(plugin, setting)`).
 *
 * @example `const optimizer = createOptimizer(config, resolved.plugin)`
 */
export function createOptimizer(
  config: TrainConfig,
  plugin: ApproximationPlugin<any> | null,
  hooks: { onWarning?: (warning: NumericalWarning) => void } = {},
): Optimizer {
  const schedule = (v: ResolvedValue, option: string) => scaledSchedule(parseSchedule(v.given, option), v.factor);
  const learningRate = schedule(config.learningRate, '--lr');
  const weightDecay = Number(config.weightDecay.native);
  const onWarning = hooks.onWarning ? { onWarning: hooks.onWarning } : {};
  if (config.optimizer === 'sgd') return sgd({ learningRate, momentum: config.momentum ?? 0.9, nesterov: true, weightDecay, ...onWarning });
  if (config.optimizer === 'adam') return adam({ learningRate, weightDecay, epsilon: Number(config.epsilon!.native), ...onWarning });
  if (!plugin) throw new CliError(`method ${config.method} needs an approximation plug-in`);
  const setting = config.inverseWorker ?? false;
  return naturalGradient(setting === false ? plugin : withInverseWorker(plugin, setting), {
    learningRate,
    damping: schedule(config.damping!, '--damping'),
    klClip: Number(config.klClip!.native),
    momentum: config.momentum!,
    weightDecay,
    tCov: config.tCov!,
    tInv: config.tInv!,
    decay: config.decay!,
    pi: config.pi!,
    fisherBatchSize: config.fisherBatchSize!,
    fisher: 'sampled',
    seed: config.seed,
    ...onWarning,
  });
}
