import { closeSync, openSync, readSync } from 'node:fs';
import { DataError } from './data-error.js';
import { parseMatV4, matV4ByteOrder } from './mat-v4.js';
import { parseMatV5 } from './mat-v5.js';
import { openMatV73 } from './mat-v73.js';
import type { MatFile } from './mat-variable.js';
import { assertDataFile, readDataFile } from './read-bytes.js';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** The MAT-file format found by {@link detectMatFormat}. */
export type MatFormat = 'v4' | 'v5' | 'v7.3';

function hasHdf5Signature(head: Uint8Array, at: number): boolean {
  return HDF5_SIGNATURE.every((b, i) => head[at + i] === b);
}

/**
 * Detects a MAT-file's format from its first 520 bytes: a 128-byte header with version 0x0200 and
 * the HDF5 signature `\x89HDF\r\n\x1a\n` at byte 512 is v7.3 (a bare HDF5 file, signature at byte
 * 0, is read the same way); version 0x0100 with the `IM`/`MI` endian mark is Level 5 (MATLAB
 * `-v6`/`-v7`); a valid Level 4 type word at byte 0 is v4.
 *
 * @throws {@link DataError} for anything else, with what was found.
 * @example
 * ```ts
 * detectMatFormat(head, 'faces.mat'); // 'v7.3'
 * ```
 */
export function detectMatFormat(head: Uint8Array, path: string, label = `MAT-file ${path}`): MatFormat {
  if (hasHdf5Signature(head, 0)) return 'v7.3';
  const text = String.fromCharCode(...head.subarray(0, Math.min(116, head.length))).replace(/[^\x20-\x7e]/g, '');
  if (head.length >= 128) {
    const endian = String.fromCharCode(head[126], head[127]);
    if (endian === 'IM' || endian === 'MI') {
      const version = endian === 'IM' ? head[124] | (head[125] << 8) : (head[124] << 8) | head[125];
      if (version === 0x0200 || text.startsWith('MATLAB 7.3')) {
        if (hasHdf5Signature(head, 512)) return 'v7.3';
        throw new DataError(`${label} says it is a MATLAB v7.3 (HDF5) file, but there is no HDF5 signature at byte 512 (${head.length < 520 ? `the file has only ${head.length} bytes: truncated` : 'corrupt'})`, path);
      }
      if (version === 0x0100) return 'v5';
      throw new DataError(`${label} has an unknown MAT-file version 0x${version.toString(16)} (expected 0x0100 for v5/v7 or 0x0200 for v7.3)`, path);
    }
  }
  if (matV4ByteOrder(head)) return 'v4';
  if (text.startsWith('MATLAB')) {
    throw new DataError(`${label} is truncated: it starts like a MAT-file ('${text.slice(0, 40)}…') but has only ${head.length} bytes, less than its 128-byte header`, path);
  }
  throw new DataError(`${label} is not a MATLAB MAT-file (no 'MATLAB … MAT-file' header, no Level 4 matrix, no HDF5 signature); it starts with '${text.slice(0, 40)}'`, path);
}

function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const head = new Uint8Array(520);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens a MATLAB MAT-file of any version — Level 4, Level 5 (`-v6`, `-v7`, compressed or not) or
 * v7.3 (HDF5, through h5wasm) — and lists its variables; values are read per variable on demand.
 *
 * @param path - the file.
 * @param what - what the file should be, for messages (e.g. `"CURVES (digs3pts_1.mat)"`).
 * @param hint - how to supply the file, appended to "not found".
 * @throws {@link DataError} for a missing, truncated, corrupt or non-MAT file.
 * @example
 * ```ts
 * const mat = await openMatFile('/data/digs3pts_1.mat');
 * console.log(mat.format, mat.variables.map((v) => v.name));
 * mat.close();
 * ```
 */
export async function openMatFile(path: string, what = 'MAT-file', hint = ''): Promise<MatFile> {
  assertDataFile(path, what, hint);
  const label = `${what} ${path}`;
  try {
    const format = detectMatFormat(readHead(path), path, label);
    if (format === 'v7.3') return await openMatV73(path, label);
    const bytes = readDataFile(path, what, hint);
    const variables = format === 'v5' ? parseMatV5(bytes, path, label) : parseMatV4(bytes, path, label);
    return { path, format, variables, close: () => undefined };
  } catch (e) {
    // A truncated or corrupt file: say how to supply a good one, as a missing file does.
    if (e instanceof DataError && hint && !e.message.includes(hint)) throw new DataError(`${e.message}. ${hint}`, e.path);
    throw e;
  }
}
