import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh temporary folder for test files and a function that removes it.
 *
 * @example
 * ```ts
 * const tmp = tempDir(); const file = tmp.path('a.mat'); … tmp.remove();
 * ```
 */
export function tempDir(prefix = 'fisherkit-datasets-'): { dir: string; path(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
