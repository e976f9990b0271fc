import { OptionError } from '@fisherkit/core';
import {
  assertKnownOptions,
  checkBoolean,
  checkChoice,
  checkNumber,
  checkSchedule,
  describe,
  type Schedule,
} from './option-checks.js';
import type { NumericalWarning } from './non-finite-guard.js';

/** Options of {@link naturalGradient}; every one is optional (defaults in brackets). */
export interface NaturalGradientOptions<O extends object = Record<string, unknown>> {
  /** Learning rate η, a number or a function of the step context [0.01]. */
  learningRate?: Schedule;
  /** Tikhonov damping λ (> 0), a number or a function of the step context, read at inverse updates [1e-3]. */
  damping?: Schedule;
  /** How λ is split between the factors: trace-norm ratio π or π = 1 ['tracenorm']. */
  pi?: 'tracenorm' | 'one';
  /** Statistics (Fisher capture) every `tCov` global steps [100]. */
  tCov?: number;
  /** Inverse refresh every `tInv` global steps [100]. */
  tInv?: number;
  /** Cap on the running-average weight: ρ = min(1 − 1/k, decay) [0.95]. */
  decay?: number;
  /** KL-clip bound κ, or null to disable [0.01]. */
  klClip?: number | null;
  /** Heavy-ball momentum μ [0.9]. */
  momentum?: number;
  /** Nesterov momentum [false]. */
  nesterov?: boolean;
  /** L2 weight decay added to the clipped preconditioned gradient [1e-3]. */
  weightDecay?: number;
  /** Rows of the mini-batch used for the Fisher [ceil(batch / 4)]. */
  fisherBatchSize?: number;
  /** `sampled` (true Fisher, targets drawn from the model) or `empirical` (observed targets) ['sampled']. */
  fisher?: 'sampled' | 'empirical';
  /** Seed of the capture random stream (Fisher rows and sampled targets) [0]. */
  seed?: number;
  /** Plug-in options, merged over `plugin.defaults` and checked by `plugin.validateOptions`. */
  pluginOptions?: Partial<O>;
  /**
   * NaN/Infinity in one layer's gradient, statistics, inverse or update skips that part of the
   * layer's step (keeping the previous statistics/inverse); this many in a row of one kind stop
   * training with a NonFiniteError [5].
   */
  maxNonFinite?: number;
  /** Receives each skipped-step warning [console.warn]. */
  onWarning?: (warning: NumericalWarning) => void;
}

/** {@link NaturalGradientOptions} with every default filled in. */
export interface ResolvedNaturalGradientOptions {
  learningRate: Schedule;
  damping: Schedule;
  pi: 'tracenorm' | 'one';
  tCov: number;
  tInv: number;
  decay: number;
  klClip: number | null;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  fisherBatchSize: number | null;
  fisher: 'sampled' | 'empirical';
  seed: number;
  maxNonFinite: number;
  onWarning: ((warning: NumericalWarning) => void) | null;
}

/** The defaults of {@link naturalGradient} (MATH.md §6: the paper's settings). */
export const NATURAL_GRADIENT_DEFAULTS: Readonly<ResolvedNaturalGradientOptions> = Object.freeze({
  learningRate: 0.01,
  damping: 1e-3,
  pi: 'tracenorm',
  tCov: 100,
  tInv: 100,
  decay: 0.95,
  klClip: 0.01,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 1e-3,
  fisherBatchSize: null,
  fisher: 'sampled',
  seed: 0,
  maxNonFinite: 5,
  onWarning: null,
});

const VALID = [
  'learningRate',
  'damping',
  'pi',
  'tCov',
  'tInv',
  'decay',
  'klClip',
  'momentum',
  'nesterov',
  'weightDecay',
  'fisherBatchSize',
  'fisher',
  'seed',
  'pluginOptions',
  'maxNonFinite',
  'onWarning',
] as const;

/**
 * Validates {@link NaturalGradientOptions} and fills in the defaults. Unknown names, non-positive
 * learning rate or damping, `tCov`/`tInv` < 1 or non-integer, `decay` outside [0, 1), a negative
 * κ, momentum outside [0, 1), negative weight decay, … throw an {@link OptionError} naming the
 * option and its valid range.
 *
 * @example
 * ```ts
 * resolveNaturalGradientOptions({ tCov: 10 }).tInv; // 100
 * resolveNaturalGradientOptions({ tcov: 10 });      // OptionError: unknown option "tcov"; valid options are …
 * ```
 */
export function resolveNaturalGradientOptions(options: NaturalGradientOptions<object> = {}): ResolvedNaturalGradientOptions {
  const what = 'naturalGradient';
  assertKnownOptions(options, VALID, what);
  const o = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as NaturalGradientOptions<object>;
  const r: ResolvedNaturalGradientOptions = { ...NATURAL_GRADIENT_DEFAULTS };
  if ('learningRate' in o) (checkSchedule(o.learningRate, 'learningRate', what), (r.learningRate = o.learningRate!));
  if ('damping' in o) (checkSchedule(o.damping, 'damping', what), (r.damping = o.damping!));
  if ('pi' in o) (checkChoice(o.pi, ['tracenorm', 'one'], 'pi', what), (r.pi = o.pi!));
  if ('tCov' in o) (checkNumber(o.tCov, 'tCov', what, { min: 1, integer: true }), (r.tCov = o.tCov!));
  if ('tInv' in o) (checkNumber(o.tInv, 'tInv', what, { min: 1, integer: true }), (r.tInv = o.tInv!));
  if ('decay' in o) (checkNumber(o.decay, 'decay', what, { min: 0, max: 1, maxExclusive: true }), (r.decay = o.decay!));
  if ('klClip' in o) {
    if (o.klClip !== null) checkNumber(o.klClip, 'klClip', what, { min: 0, minExclusive: true });
    r.klClip = o.klClip ?? null;
  }
  if ('momentum' in o) (checkNumber(o.momentum, 'momentum', what, { min: 0, max: 1, maxExclusive: true }), (r.momentum = o.momentum!));
  if ('nesterov' in o) (checkBoolean(o.nesterov, 'nesterov', what), (r.nesterov = o.nesterov!));
  if ('weightDecay' in o) (checkNumber(o.weightDecay, 'weightDecay', what, { min: 0 }), (r.weightDecay = o.weightDecay!));
  if ('fisherBatchSize' in o) {
    checkNumber(o.fisherBatchSize, 'fisherBatchSize', what, { min: 1, integer: true });
    r.fisherBatchSize = o.fisherBatchSize!;
  }
  if ('fisher' in o) (checkChoice(o.fisher, ['sampled', 'empirical'], 'fisher', what), (r.fisher = o.fisher!));
  if ('seed' in o) (checkNumber(o.seed, 'seed', what, { min: 0, max: 0xffffffff, integer: true }), (r.seed = o.seed!));
  if ('maxNonFinite' in o) (checkNumber(o.maxNonFinite, 'maxNonFinite', what, { min: 1, integer: true }), (r.maxNonFinite = o.maxNonFinite!));
  if ('onWarning' in o) {
    if (typeof o.onWarning !== 'function') throw new OptionError(`${what}: onWarning must be a function (warning) => void, got ${describe(o.onWarning)}`);
    r.onWarning = o.onWarning;
  }
  if ('pluginOptions' in o) {
    const p = o.pluginOptions;
    if (p === null || typeof p !== 'object' || Array.isArray(p)) {
      throw new OptionError(`${what}: pluginOptions must be an object of the plug-in's options, got ${describe(p)}`);
    }
  }
  return r;
}
