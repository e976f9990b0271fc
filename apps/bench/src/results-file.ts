import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError } from './cli-error.js';

/**
 * The temporary path {@link writeFileAtomic} writes before renaming: a hidden file in the same
 * folder (a rename within one file system is atomic), unique per process.
 * @example `temporaryPath('out/run.json') // 'out/.run.json.1234.tmp'`
 */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
}

/**
 * Writes a file atomically: the data goes to a temporary file beside `path`, which is then renamed
 * over `path`. A reader (or an interrupted run) sees either the old or the new content, never a
 * partial one. Creates the folder if needed; a failure is a CliError naming the path.
 *
 * @example `writeFileAtomic('results/run.json', JSON.stringify(result))`
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = temporaryPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new CliError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/**
 * Writes a value as pretty-printed JSON, atomically ({@link writeFileAtomic}).
 * @example `writeJsonAtomic('run.json', { kind: 'train', epochs: [] })`
 */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
}

/**
 * Reads a JSON file, or returns undefined when it does not exist or does not parse (e.g. a file
 * from another program); used to decide whether a grid cell is finished.
 * @example `const previous = tryReadJson('grid/kfac-lr0.1-damping0.001.json')`
 */
export function tryReadJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
