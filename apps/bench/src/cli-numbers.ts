import { CliError } from './cli-error.js';

/**
 * Parses an integer option (`--epochs 200`): digits only, at least `min` (default 1); anything else
 * is a CliError naming the option and the value.
 * @example `parseInteger('64', '--batch-size') // 64`
 */
export function parseInteger(value: string | number, option: string, min = 1): number {
  const text = String(value).trim();
  const n = Number(text);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new CliError(`${option} must be an integer ≥ ${min}, got "${value}"`);
  }
  return n;
}

/**
 * Parses a number option that must be finite and satisfy the bounds (`> 0` by default).
 * @example `parseNumber('0.9', '--momentum', { min: 0, max: 1, maxExclusive: true })`
 */
export function parseNumber(
  value: string | number,
  option: string,
  bounds: { min?: number; minExclusive?: boolean; max?: number; maxExclusive?: boolean } = { min: 0, minExclusive: true },
): number {
  const text = String(value).trim();
  const n = text === '' ? NaN : Number(text);
  const { min, minExclusive, max, maxExclusive } = bounds;
  const low = min === undefined || (minExclusive ? n > min : n >= min);
  const high = max === undefined || (maxExclusive ? n < max : n <= max);
  if (!Number.isFinite(n) || !low || !high) {
    const range = [min === undefined ? '' : `${minExclusive ? '>' : '≥'} ${min}`, max === undefined ? '' : `${maxExclusive ? '<' : '≤'} ${max}`]
      .filter(Boolean)
      .join(' and ');
    throw new CliError(`${option} must be a number${range ? ` ${range}` : ''}, got "${value}"`);
  }
  return n;
}

/**
 * Parses a comma-separated list of numbers > 0 (`--lr 1e-3,3e-3,0.01`).
 * @example `parseNumberList('1e-3, 0.01', '--lr') // [0.001, 0.01]`
 */
export function parseNumberList(value: string, option: string): number[] {
  const items = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new CliError(`${option} needs at least one number, e.g. "1e-3,0.01"`);
  return items.map((s) => parseNumber(s, option));
}
