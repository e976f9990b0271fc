import { FisherkitError } from '@fisherkit/core';

/**
 * A data file is missing, unreadable, truncated or not in the expected format. The message names
 * the file, what it should contain and how to supply it; the CLI shows it as it is.
 *
 * @example
 * ```ts
 * try {
 *   await loadFaces({ seed: 0, dataPath: 'missing.mat' });
 * } catch (e) {
 *   if (e instanceof DataError) console.error(e.message); // says what FACES is and where to put it
 * }
 * ```
 */
export class DataError extends FisherkitError {
  /** The file or folder the error is about, when there is one. */
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super('data', message);
    this.path = path;
  }
}
