import { OptionError } from '@fisherkit/core';
import type { StepContext } from './contract.js';

/**
 * A hyper-parameter that is either a constant or a function of where training is
 * (e.g. a learning-rate schedule): `η_t = schedule(ctx)`.
 */
export type Schedule = number | ((context: StepContext) => number);

/**
 * Throws one {@link OptionError} listing every unknown option name together with the valid names,
 * so a typo such as `learningrate` is reported instead of silently ignored.
 *
 * @example
 * ```ts
 * assertKnownOptions({ lr: 0.1 }, ['learningRate', 'momentum'], 'sgd');
 * // OptionError: sgd: unknown option "lr"; valid options are learningRate, momentum
 * ```
 */
export function assertKnownOptions(options: object, valid: readonly string[], what: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(`${what}: options must be an object such as { ${valid[0]}: … }, got ${describe(options)}`);
  }
  const unknown = Object.keys(options).filter((k) => !valid.includes(k));
  if (unknown.length > 0) {
    throw new OptionError(
      `${what}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; ` +
        `valid options are ${valid.join(', ')}`,
    );
  }
}

/**
 * Checks a {@link Schedule} option: a finite number satisfying `min` (`> 0` by default, `>= 0` with
 * `allowZero`), or a function (checked each time it is evaluated by {@link evaluateSchedule}).
 *
 * @example
 * ```ts
 * checkSchedule(0.1, 'learningRate', 'sgd');          // ok
 * checkSchedule(({ epoch }) => 0.1 / (1 + epoch), 'learningRate', 'sgd'); // ok
 * checkSchedule(-1, 'learningRate', 'sgd');           // OptionError
 * ```
 */
export function checkSchedule(value: unknown, name: string, what: string, allowZero = false): void {
  if (typeof value === 'function') return;
  checkNumber(value, name, what, { min: 0, minExclusive: !allowZero });
}

/**
 * Evaluates a {@link Schedule} at a step: the constant itself or `schedule(context)`, and checks
 * the result is finite and positive (non-negative with `allowZero`).
 *
 * @example
 * ```ts
 * evaluateSchedule((c) => 0.1 * 0.5 ** c.epoch, { step: 10, epoch: 1 }, 'learningRate', 'sgd'); // 0.05
 * ```
 */
export function evaluateSchedule(
  schedule: Schedule,
  context: StepContext,
  name: string,
  what: string,
  allowZero = false,
): number {
  const value = typeof schedule === 'function' ? schedule(context) : schedule;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new OptionError(
      `${what}: ${name} at step ${context.step} (epoch ${context.epoch}) is ${describe(value)}; ` +
        `it must be a finite number ${allowZero ? '>= 0' : '> 0'} (check the schedule function)`,
    );
  }
  return value;
}

/** Bounds for {@link checkNumber}. */
export interface NumberBounds {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  integer?: boolean;
}

/**
 * Throws an {@link OptionError} unless `value` is a finite number inside the bounds.
 *
 * @example
 * ```ts
 * checkNumber(0.9, 'momentum', 'sgd', { min: 0, max: 1, maxExclusive: true });
 * checkNumber(100, 'tCov', 'naturalGradient', { min: 1, integer: true });
 * ```
 */
export function checkNumber(value: unknown, name: string, what: string, bounds: NumberBounds = {}): void {
  const { min, max, minExclusive = false, maxExclusive = false, integer = false } = bounds;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || (maxExclusive ? value < max : value <= max));
  if (ok) return;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${minExclusive ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`${maxExclusive ? '<' : '<='} ${max}`);
  throw new OptionError(
    `${what}: ${name} must be a finite ${integer ? 'integer' : 'number'}${parts.length ? ' ' + parts.join(' and ') : ''}, ` +
      `got ${describe(value)}`,
  );
}

/**
 * Throws an {@link OptionError} unless `value` is one of `choices`.
 *
 * @example
 * ```ts
 * checkChoice('tracenorm', ['tracenorm', 'one'], 'pi', 'naturalGradient');
 * ```
 */
export function checkChoice(value: unknown, choices: readonly string[], name: string, what: string): void {
  if (typeof value === 'string' && choices.includes(value)) return;
  throw new OptionError(`${what}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
}

/**
 * Throws an {@link OptionError} unless `value` is a boolean.
 *
 * @example
 * ```ts
 * checkBoolean(true, 'nesterov', 'sgd');
 * ```
 */
export function checkBoolean(value: unknown, name: string, what: string): void {
  if (typeof value !== 'boolean') throw new OptionError(`${what}: ${name} must be true or false, got ${describe(value)}`);
}

/**
 * A short description of a value for error messages: strings quoted, objects, arrays and functions
 * named by kind, everything else as `String(value)`.
 *
 * @example
 * ```ts
 * describe('x'); // '"x"'
 * describe([1]); // 'an array'
 * ```
 */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
