import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
 * partial one; the temporary file is flushed (`fsync`) before the rename, so a crash of the machine
 * does not leave an empty file behind the new name either. Creates the folder if needed; a failure is a CliError naming the path.
 *
 * @example `writeFileAtomic('results/run.json', JSON.stringify(result))`
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = temporaryPath(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, data);
      fsyncSync(fd); // the bytes are on disk before the rename makes them visible
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new CliError(`cannot write ${path}: ${(err as Error).message}`);
  }
}

/**
 * Checks up front that `--out` can name a results file (it is not a folder), so a run does not
 * train for an epoch and then fail to write.
 * @example `assertOutFile('runs/kfac.json')`
 */
export function assertOutFile(path: string, option = '--out'): void {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new CliError(`${option} ${path} is a folder; pass a file name such as ${join(path, 'run.json')}`);
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
 * Reads a JSON file written by fisherkit (a results file, a checkpoint manifest). A missing file, or
 * one that does not parse (truncated by a full disk, edited by hand, copied half-way), is a one-line
 * CliError naming `what`, the path and `fix`; the content is never used in part.
 *
 * @example `readJsonStrict('run.json', 'results file', 'rerun without --resume')`
 */
export function readJsonStrict(path: string, what: string, fix: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new CliError(`${what} ${path} does not exist; ${fix}`);
    throw new CliError(`cannot read ${what} ${path}: ${(err as Error).message}; ${fix}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const state = text.trim() === '' ? 'empty' : 'truncated or corrupt';
    throw new CliError(`${what} ${path} is ${state} (not valid JSON: ${(err as Error).message}); ${fix}`);
  }
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
