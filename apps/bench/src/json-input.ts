import { readFileSync } from 'node:fs';
import { fromRows, type Matrix } from '@fisherkit/core';
import { CliError } from './cli-error.js';

/**
 * Reads and parses a JSON file, turning a missing file or bad JSON into a one-line CliError.
 * @example `const input = readJsonFile('layer.json')`
 */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new CliError(
      code === 'ENOENT' ? `input file ${path} does not exist; pass an existing JSON file with --input` : `cannot read input file ${path}: ${(err as Error).message}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`input file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Checks that `value` is a non-empty rectangular array of arrays of finite numbers and converts it
 * to a Float64 matrix; every problem is reported with the field name and the position.
 * @example `matrixField({ a: [[1, 2]] }, 'a') // 1 × 2 matrix`
 */
export function matrixField(input: Record<string, unknown>, field: string, shape?: [number, number]): Matrix {
  const value = input[field];
  if (!Array.isArray(value) || value.length === 0) {
    throw new CliError(`"${field}" must be a non-empty array of rows (number[][]), got ${value === undefined ? 'nothing' : typeof value}`);
  }
  const cols = Array.isArray(value[0]) ? value[0].length : -1;
  value.forEach((row, i) => {
    if (!Array.isArray(row)) throw new CliError(`"${field}" row ${i} is not an array of numbers`);
    if (row.length !== cols || cols === 0) {
      throw new CliError(`"${field}" is ragged: row 0 has ${cols} entries but row ${i} has ${row.length}`);
    }
    row.forEach((x, j) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        // JSON has no NaN/Infinity literals, but a number beyond ±1.8e308 (e.g. 1e999) parses as ±Infinity.
        const shown = typeof x === 'number' ? `${x} (a JSON number too large for a double)` : JSON.stringify(x);
        throw new CliError(`"${field}"[${i}][${j}] is ${shown}; every entry must be a finite number`);
      }
    });
  });
  if (shape && (value.length !== shape[0] || cols !== shape[1])) {
    throw new CliError(`"${field}" must be ${shape[0]} × ${shape[1]}, got ${value.length} × ${cols}`);
  }
  return fromRows(value as number[][], field);
}
