import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error.js';

/** One epoch of a training run, as written by `fisherkit train`. */
export interface EpochRecord {
  /** 1-based epoch number. */
  epoch: number;
  /** Training loss (fisherkit convention: per-example loss summed over output units, mean over batch). */
  trainLoss: number;
  /** Validation loss, or null when the run had no validation split. */
  valLoss: number | null;
  /** Cumulative wall-clock seconds at the end of the epoch. */
  seconds: number;
  /** Cumulative CPU seconds of the training process (optional; written by `fisherkit train`). */
  cpuSeconds?: number;
}

/** A training-run result file (`"kind": "train"`). */
export interface TrainRun {
  kind: 'train';
  problem: string;
  method: string;
  config: Record<string, unknown>;
  backend: Record<string, unknown>;
  machine: Record<string, unknown>;
  epochs: EpochRecord[];
  /**
   * `perPixelDivisor`: the number of output units the loss is summed over. `authorsLossFactor`
   * (optional, written by `fisherkit train`): fisherkit loss ÷ the authors' loss, which differs from
   * the divisor for the ½-squared-error of FACES (d_out / 2 against torch's MSELoss).
   */
  lossScale?: { perPixelDivisor: number; authorsLossFactor?: number };
  /** false while the run is still going or was interrupted (optional). */
  complete?: boolean;
  /** Any other top-level fields of the file (data, hidden units, versions, …), shown with the config. */
  extra: Record<string, unknown>;
  /** Path the run was read from (added by the reader, not part of the file). */
  file: string;
}

/** One iteration of experiment 1: per-method Error 1 and Error 2. */
export interface FimErrorIteration {
  iteration: number;
  errors: Record<string, { error1: number; error2: number | null }>;
}

/** An experiment-1 result file (`"kind": "fim-error"`). */
export interface FimErrorRun {
  kind: 'fim-error';
  problem: string;
  layer: number;
  iterations: FimErrorIteration[];
  /** The approximated block, when the file says (optional). */
  block?: { name?: string; dA?: number; dG?: number };
  /** false while the run is still going or was interrupted (optional). */
  complete?: boolean;
  /** Run settings and environment, when the file has them (optional). */
  config?: Record<string, unknown>;
  backend?: Record<string, unknown>;
  machine?: Record<string, unknown>;
  /** Path the run was read from (added by the reader, not part of the file). */
  file: string;
}

/** Any result file the report understands. */
export type ResultFile = TrainRun | FimErrorRun;

type Json = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? 'an array' : 'an empty array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number') return String(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, expected: string, got: unknown): never {
    throw new CliError(`${this.file}: "${path}" must be ${expected}, got ${describe(got)}`);
  }

  object(parent: Json, key: string, path = key): Json {
    const value = parent[key];
    if (!isObject(value)) this.fail(path, 'an object', value);
    return value;
  }

  string(parent: Json, key: string, path = key): string {
    const value = parent[key];
    if (typeof value !== 'string' || value.trim() === '') this.fail(path, 'a non-empty string', value);
    return value;
  }

  number(parent: Json, key: string, path = key, rule: 'finite' | 'nonneg' | 'positive' | 'int>=1' | 'int>=0' = 'finite'): number {
    const value = parent[key];
    const expected = {
      finite: 'a finite number',
      nonneg: 'a finite number ≥ 0',
      positive: 'a finite number > 0',
      'int>=1': 'an integer ≥ 1',
      'int>=0': 'an integer ≥ 0',
    }[rule];
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, expected, value);
    const ok =
      rule === 'finite' ||
      (rule === 'nonneg' && value >= 0) ||
      (rule === 'positive' && value > 0) ||
      (rule === 'int>=1' && Number.isInteger(value) && value >= 1) ||
      (rule === 'int>=0' && Number.isInteger(value) && value >= 0);
    if (!ok) this.fail(path, expected, value);
    return value;
  }

  optionalBoolean(parent: Json, key: string, path = key): boolean | undefined {
    const value = parent[key];
    if (value !== undefined && typeof value !== 'boolean') this.fail(path, 'true or false', value);
    return value as boolean | undefined;
  }

  array(parent: Json, key: string, path = key): unknown[] {
    const value = parent[key];
    if (!Array.isArray(value) || value.length === 0) this.fail(path, 'a non-empty array', value);
    return value;
  }
}

/**
 * Validates a parsed `"kind": "train"` result against the report's contract.
 *
 * @param value - the parsed JSON.
 * @param file - the path, used in error messages.
 * @returns the typed run (with `file` added).
 * @throws CliError naming the file and the offending field.
 * @example
 * ```ts
 * const run = parseTrainRun(JSON.parse(text), 'runs/mnist-kfac.json');
 * run.epochs.at(-1)?.trainLoss;
 * ```
 */
export function parseTrainRun(value: unknown, file: string): TrainRun {
  const c: Checker = new Checker(file);
  if (!isObject(value)) c.fail('(top level)', 'an object', value);
  const problem = c.string(value, 'problem');
  const method = c.string(value, 'method');
  const config = c.object(value, 'config');
  const backend = c.object(value, 'backend');
  const machine = c.object(value, 'machine');
  const epochs = c.array(value, 'epochs').map((raw, i): EpochRecord => {
    const path = `epochs[${i}]`;
    if (!isObject(raw)) c.fail(path, 'an object {epoch, trainLoss, valLoss, seconds}', raw);
    if (raw.valLoss !== null && (typeof raw.valLoss !== 'number' || !Number.isFinite(raw.valLoss))) {
      c.fail(`${path}.valLoss`, 'a finite number or null', raw.valLoss);
    }
    const valLoss = raw.valLoss as number | null;
    return {
      epoch: c.number(raw, 'epoch', `${path}.epoch`, 'int>=1'),
      trainLoss: c.number(raw, 'trainLoss', `${path}.trainLoss`),
      valLoss,
      seconds: c.number(raw, 'seconds', `${path}.seconds`, 'nonneg'),
      ...(typeof raw.cpuSeconds === 'number' ? { cpuSeconds: c.number(raw, 'cpuSeconds', `${path}.cpuSeconds`, 'nonneg') } : {}),
    };
  });
  for (let i = 1; i < epochs.length; i++) {
    if (epochs[i].epoch <= epochs[i - 1].epoch) {
      throw new CliError(`${file}: epochs must be in increasing order, but epochs[${i}].epoch = ${epochs[i].epoch} follows ${epochs[i - 1].epoch}`);
    }
    if (epochs[i].seconds < epochs[i - 1].seconds) {
      throw new CliError(
        `${file}: "seconds" is cumulative wall-clock and cannot decrease, but epochs[${i}].seconds = ${epochs[i].seconds} < ${epochs[i - 1].seconds}`,
      );
    }
  }
  const known = new Set(['kind', 'problem', 'method', 'config', 'backend', 'machine', 'epochs', 'lossScale', 'complete']);
  const extra = Object.fromEntries(Object.entries(value).filter(([k]) => !known.has(k)));
  const run: TrainRun = { kind: 'train', problem, method, config, backend, machine, epochs, extra, file };
  if (value.lossScale !== undefined) {
    const lossScale = c.object(value, 'lossScale');
    run.lossScale = { perPixelDivisor: c.number(lossScale, 'perPixelDivisor', 'lossScale.perPixelDivisor', 'positive') };
    if (lossScale.authorsLossFactor !== undefined) {
      run.lossScale.authorsLossFactor = c.number(lossScale, 'authorsLossFactor', 'lossScale.authorsLossFactor', 'positive');
    }
  }
  run.complete = c.optionalBoolean(value, 'complete');
  return run;
}

/**
 * Validates a parsed `"kind": "fim-error"` (experiment 1) result against the report's contract.
 *
 * @param value - the parsed JSON.
 * @param file - the path, used in error messages.
 * @returns the typed run (with `file` added).
 * @throws CliError naming the file and the offending field.
 * @example
 * ```ts
 * const fim = parseFimErrorRun(JSON.parse(text), 'runs/mnist-fim.json');
 * fim.iterations[0].errors.kfac.error1;
 * ```
 */
export function parseFimErrorRun(value: unknown, file: string): FimErrorRun {
  const c: Checker = new Checker(file);
  if (!isObject(value)) c.fail('(top level)', 'an object', value);
  const problem = c.string(value, 'problem');
  const layer = c.number(value, 'layer', 'layer', 'int>=0');
  const iterations = c.array(value, 'iterations').map((raw, i): FimErrorIteration => {
    const path = `iterations[${i}]`;
    if (!isObject(raw)) c.fail(path, 'an object {iteration, errors}', raw);
    const iteration = c.number(raw, 'iteration', `${path}.iteration`, 'int>=0');
    const errorsRaw = c.object(raw, 'errors', `${path}.errors`);
    const errors: FimErrorIteration['errors'] = {};
    for (const [method, entry] of Object.entries(errorsRaw)) {
      const mpath = `${path}.errors.${method}`;
      if (!isObject(entry)) c.fail(mpath, 'an object {error1, error2}', entry);
      const error1 = c.number(entry, 'error1', `${mpath}.error1`, 'nonneg');
      if (entry.error2 === undefined) c.fail(`${mpath}.error2`, 'a number ≥ 0 or null', undefined);
      const error2 = entry.error2 === null ? null : c.number(entry, 'error2', `${mpath}.error2`, 'nonneg');
      errors[method] = { error1, error2 };
    }
    return { iteration, errors };
  });
  const run: FimErrorRun = { kind: 'fim-error', problem, layer, iterations, file };
  run.complete = c.optionalBoolean(value, 'complete');
  for (const key of ['config', 'backend', 'machine'] as const) if (value[key] !== undefined) run[key] = c.object(value, key);
  if (value.block !== undefined) {
    const block = c.object(value, 'block');
    run.block = {
      name: typeof block.name === 'string' ? block.name : undefined,
      dA: typeof block.dA === 'number' ? block.dA : undefined,
      dG: typeof block.dG === 'number' ? block.dG : undefined,
    };
  }
  return run;
}

/**
 * Reads one result file and dispatches on its `"kind"`; every failure (missing file, bad JSON,
 * unknown kind, wrong schema) becomes a one-line CliError naming the file.
 *
 * @example
 * ```ts
 * const result = readResultFile('results/mnist-kfac.json');
 * if (result.kind === 'train') console.log(result.method);
 * ```
 */
export function readResultFile(file: string): ResultFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new CliError(`result file ${file} does not exist`);
    if (code === 'EISDIR') throw new CliError(`result file ${file} is a directory; pass the JSON files inside it`);
    throw new CliError(`cannot read result file ${file}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`result file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new CliError(`result file ${file} must hold a JSON object with a "kind" field, got ${describe(value)}`);
  if (value.kind === 'train') return parseTrainRun(value, file);
  if (value.kind === 'fim-error') return parseFimErrorRun(value, file);
  throw new CliError(`result file ${file} has unknown kind ${describe(value.kind)}; expected "train" or "fim-error"`);
}
