import { OptionError } from '@fisherkit/core';

/**
 * Validates an optional truncation (`trainSize` / `validationSize`): absent → `available`; else it
 * must be a positive integer ≤ `available`, otherwise an {@link OptionError} names the option, the
 * value and the allowed range.
 *
 * @example
 * ```ts
 * resolveSize('trainSize', 1000, 50000); // 1000
 * resolveSize('trainSize', undefined, 50000); // 50000
 * ```
 */
export function resolveSize(option: string, value: number | undefined, available: number): number {
  if (value === undefined) return available;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new OptionError(`${option} must be a positive integer, got ${String(value)}`);
  }
  if (value > available) {
    throw new OptionError(`${option} = ${value} exceeds the ${available} examples available in this split; use at most ${available}`);
  }
  return value;
}
