import { readFileSync, statSync } from 'node:fs';
import { DataError } from './data-error.js';

/**
 * Reads a whole file, turning "no such file" and "is a directory" into a {@link DataError} that
 * names the path and says what the file should be.
 *
 * @param path - the file to read.
 * @param what - what the file should contain, e.g. `"MNIST training images (IDX)"`.
 * @param hint - how to supply it, appended to the message.
 * @example
 * ```ts
 * const bytes = readDataFile('/data/digs3pts_1.mat', 'CURVES (digs3pts_1.mat)', 'pass --data <path>');
 * ```
 */
export function readDataFile(path: string, what: string, hint = ''): Uint8Array {
  assertDataFile(path, what, hint);
  try {
    return readFileSync(path);
  } catch (e) {
    throw new DataError(`cannot read ${what} at ${path}: ${(e as Error).message}`, path);
  }
}

/**
 * Checks that `path` exists and is a regular file; otherwise throws a {@link DataError} naming the
 * path, what it should be and `hint`.
 *
 * @example
 * ```ts
 * assertDataFile('/data/newfaces_rot_single.mat', 'FACES (newfaces_rot_single.mat)');
 * ```
 */
export function assertDataFile(path: string, what: string, hint = ''): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new DataError(`${what} not found: no file at ${path}.${hint ? ` ${hint}` : ''}`, path);
  }
  if (!stat.isFile()) {
    throw new DataError(`${what}: ${path} is a ${stat.isDirectory() ? 'folder' : 'special file'}, not a file.${hint ? ` ${hint}` : ''}`, path);
  }
}
