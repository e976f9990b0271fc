import type { TwoTermRule } from '@fisherkit/core';
import { checkInverseWorkerSetting, type InverseWorkerSetting } from './inverse-worker-setting.js';
import { assertKnownOptions, checkChoice, checkNumber } from './option-checks.js';

/** Options shared by the iterative KPSVD-family plug-ins. */
export interface IterativeOptions {
  /** Relative residual tolerance of power iteration / Lanczos. */
  tol: number;
  /** Iteration cap (power iterations, or Lanczos restarts); reaching it is counted in diagnostics. */
  maxIterations: number;
  /**
   * Where inverse refreshes run: `true` on a worker thread while training continues with the
   * previous inverse (faster on two or more cores; the trajectory then depends on timing),
   * `'split'` shared between the calling thread and the worker, each block waiting for its job
   * (two cores, the same trajectory as `false`), or `false` on the calling thread. Default false:
   * exact reproduction. See `kroneckerBlock`; `withInverseWorker(plugin, setting)` sets it for any
   * plug-in.
   */
  inverseWorker?: InverseWorkerSetting;
}

/** Options of the plug-ins whose approximation has two Kronecker terms (MATH.md §5). */
export interface TwoTermOptions extends IterativeOptions {
  /** `abs` (default, always positive definite) or `exact` (with `floor`). */
  inverse: TwoTermRule;
  /** Positive floor of the `exact` rule. */
  floor: number;
}

/**
 * Validates the options of a KPSVD-family plug-in (unknown names, tolerances, caps, inverse rule,
 * `inverseWorker`: true, false or `'split'`) and throws one OptionError naming the bad option and
 * its valid values.
 *
 * @example `validateIterativeOptions('deflation', { tol: 1e-6, maxIterations: 200, inverse: 'abs', floor: 1e-3 }, true)`
 */
export function validateIterativeOptions(id: string, options: Partial<TwoTermOptions>, twoTerm: boolean): void {
  const names = twoTerm ? ['tol', 'maxIterations', 'inverse', 'floor', 'inverseWorker'] : ['tol', 'maxIterations', 'inverseWorker'];
  assertKnownOptions(options, names, id);
  if (options.inverseWorker !== undefined) checkInverseWorkerSetting(options.inverseWorker, 'inverseWorker', id);
  checkNumber(options.tol, 'tol', id, { min: 0, minExclusive: true, max: 1, maxExclusive: true });
  checkNumber(options.maxIterations, 'maxIterations', id, { min: 1, integer: true });
  if (twoTerm) {
    checkChoice(options.inverse, ['abs', 'exact'], 'inverse', id);
    checkNumber(options.floor, 'floor', id, { min: 0, minExclusive: true });
  }
}
