import type { TwoTermRule } from '@fisherkit/core';
import { assertKnownOptions, checkBoolean, checkChoice, checkNumber } from './option-checks.js';

/** Options shared by the iterative KPSVD-family plug-ins. */
export interface IterativeOptions {
  /** Relative residual tolerance of power iteration / Lanczos. */
  tol: number;
  /** Iteration cap (power iterations, or Lanczos restarts); reaching it is counted in diagnostics. */
  maxIterations: number;
  /**
   * Compute inverse refreshes on a worker thread while training continues with the previous
   * inverse (faster on two or more cores; the trajectory then depends on timing). Default false:
   * exact reproduction. See `kroneckerBlock`; `withInverseWorker(plugin)` sets it for any plug-in.
   */
  inverseWorker?: boolean;
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
 * `inverseWorker`)
 * and throws one OptionError naming the bad option and its valid values.
 *
 * @example `validateIterativeOptions('deflation', { tol: 1e-6, maxIterations: 200, inverse: 'abs', floor: 1e-3 }, true)`
 */
export function validateIterativeOptions(id: string, options: Partial<TwoTermOptions>, twoTerm: boolean): void {
  const names = twoTerm ? ['tol', 'maxIterations', 'inverse', 'floor', 'inverseWorker'] : ['tol', 'maxIterations', 'inverseWorker'];
  assertKnownOptions(options, names, id);
  if (options.inverseWorker !== undefined) checkBoolean(options.inverseWorker, 'inverseWorker', id);
  checkNumber(options.tol, 'tol', id, { min: 0, minExclusive: true, max: 1, maxExclusive: true });
  checkNumber(options.maxIterations, 'maxIterations', id, { min: 1, integer: true });
  if (twoTerm) {
    checkChoice(options.inverse, ['abs', 'exact'], 'inverse', id);
    checkNumber(options.floor, 'floor', id, { min: 0, minExclusive: true });
  }
}
