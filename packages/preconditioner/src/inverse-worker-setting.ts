import { OptionError } from '@fisherkit/core';
import { describe } from './option-checks.js';

/**
 * Where a Kronecker block's inverse refreshes run (`inverseWorker`, see `kroneckerBlock`):
 * - `false`: on the calling thread (exact, reproducible, one core);
 * - `true`: asynchronously on the shared inverse worker thread while training continues with the
 *   previous inverse (the trajectory then depends on timing);
 * - `'split'`: each refresh's blocks are shared between the calling thread and the worker, and
 *   every block waits for its own job before use (the same trajectory as `false`, on two cores).
 *
 * @example
 * ```ts
 * const setting: InverseWorkerSetting = 'split';
 * kroneckerBlock(layer, 'kfac', estimator, { inverseWorker: setting });
 * ```
 */
export type InverseWorkerSetting = boolean | 'split';

/**
 * The values {@link checkInverseWorkerSetting} accepts, as error messages list them.
 *
 * @example
 * ```ts
 * throw new OptionError(`myPlugin: inverseWorker must be ${INVERSE_WORKER_SETTINGS}`);
 * ```
 */
export const INVERSE_WORKER_SETTINGS = "true (asynchronous worker), false (calling thread) or 'split' (both threads, exact)";

/**
 * Throws an {@link OptionError} unless `value` is a valid {@link InverseWorkerSetting}, naming the
 * allowed values, so that a typo such as `'yes'` or `1` is not silently taken for `true`.
 *
 * @example
 * ```ts
 * checkInverseWorkerSetting('split', 'inverseWorker', 'kfac'); // ok
 * checkInverseWorkerSetting('yes', 'inverseWorker', 'kfac');   // OptionError
 * ```
 */
export function checkInverseWorkerSetting(value: unknown, name: string, what: string): asserts value is InverseWorkerSetting {
  if (value === true || value === false || value === 'split') return;
  throw new OptionError(`${what}: ${name} must be ${INVERSE_WORKER_SETTINGS}, got ${describe(value)}`);
}
