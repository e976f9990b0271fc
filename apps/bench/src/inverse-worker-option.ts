import type { InverseWorkerSetting } from '@fisherkit/preconditioner';
import { CliError } from './cli-error.js';

/**
 * Where a run refreshed its Kronecker inverses, as results files record it: `async` on the inverse
 * worker while training goes on with the previous inverse, `split` shared between the main thread
 * and the worker with every block waiting for its job (exact), `main` on the main thread alone.
 */
export type InverseMode = 'async' | 'split' | 'main';

const MODES = "async (the default) or split; --no-inverse-worker computes them on the main thread";

/**
 * Parses `--inverse-worker [mode]` / `--no-inverse-worker` as commander gives them (`true` for the
 * bare flag, the mode's text, `false` for the negation, undefined when neither is given) into the
 * library's `inverseWorker` setting: `true` (async), `'split'` or `false`.
 *
 * @throws {CliError} for a mode other than async or split, naming the allowed values.
 * @example
 * ```ts
 * parseInverseWorker('split'); // 'split'
 * parseInverseWorker(true);    // true (--inverse-worker alone: async)
 * parseInverseWorker('yes');   // CliError
 * ```
 */
export function parseInverseWorker(value: boolean | string | undefined): InverseWorkerSetting | undefined {
  if (value === undefined || value === true || value === false) return value;
  if (value === 'async') return true;
  if (value === 'split') return 'split';
  throw new CliError(`--inverse-worker must be ${MODES}; got ${JSON.stringify(value)}`);
}

/**
 * The {@link InverseMode} a resolved `inverseWorker` setting stands for; null for first-order
 * methods (no inverses) and results written before the option existed read as `main`.
 *
 * @example `inverseMode('split') // 'split'`
 */
export function inverseMode(setting: InverseWorkerSetting | null | undefined): InverseMode | null {
  if (setting === null) return null;
  if (setting === 'split') return 'split';
  return setting === true ? 'async' : 'main';
}
