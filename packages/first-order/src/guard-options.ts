import { OptionError } from '@fisherkit/core';
import { checkNumber, type NonFiniteGuardOptions, type NumericalWarning } from '@fisherkit/preconditioner';

/**
 * Validates the NaN/Infinity options shared by the first-order methods and maps them to the
 * guard's options.
 *
 * @example `checkGuardOptions({ maxNonFinite: 3 }, 'sgd') // { maxConsecutive: 3 }`
 */
export function checkGuardOptions(
  options: { maxNonFinite?: number; onWarning?: (w: NumericalWarning) => void },
  what: string,
): NonFiniteGuardOptions {
  const out: NonFiniteGuardOptions = {};
  if (options.maxNonFinite !== undefined) {
    checkNumber(options.maxNonFinite, 'maxNonFinite', what, { min: 1, integer: true });
    out.maxConsecutive = options.maxNonFinite;
  }
  if (options.onWarning !== undefined) {
    if (typeof options.onWarning !== 'function') throw new OptionError(`${what}: onWarning must be a function (warning) => void`);
    out.onWarning = options.onWarning;
  }
  return out;
}
