import { DataError } from './data-error.js';
import { columnRange, type MatVariable } from './mat-variable.js';
import { decodeNumbers, MI_TYPES } from './numeric-decode.js';

/** Level 4 precision digit P → [MATLAB class, Level 5 storage type code]. */
const V4_PRECISION: Record<number, [string, number]> = { 0: ['double', 9], 1: ['single', 7], 2: ['int32', 5], 3: ['int16', 3], 4: ['uint16', 4], 5: ['uint8', 2] };

/**
 * Byte order of a MATLAB Level 4 file from its first type word MOPT (M = 0 little-endian IEEE,
 * M = 1 big-endian IEEE), or `undefined` when the bytes do not start like a Level 4 matrix.
 *
 * @example
 * ```ts
 * matV4ByteOrder(bytes); // 'le' for a file written by MATLAB `save -v4` on x86
 * ```
 */
export function matV4ByteOrder(bytes: Uint8Array): 'le' | 'be' | undefined {
  if (bytes.length < 20) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ok = (type: number, le: boolean): boolean => {
    const o = Math.floor(type / 100) % 10;
    const p = Math.floor(type / 10) % 10;
    const t = type % 10;
    const namlen = view.getInt32(16, le);
    return o === 0 && p <= 5 && t <= 2 && view.getInt32(4, le) >= 0 && view.getInt32(8, le) >= 0 && namlen > 0 && namlen < 4096;
  };
  const le = view.getInt32(0, true);
  if (le >= 0 && le < 1000 && ok(le, true)) return 'le';
  const be = view.getInt32(0, false);
  if (be >= 1000 && be < 2000 && ok(be, false)) return 'be';
  return undefined;
}

/**
 * Lists the matrices of a MATLAB Level 4 MAT-file (`save -v4`): each is a 20-byte header
 * (MOPT type, rows, columns, imaginary flag, name length), the name, then the column-major values.
 *
 * @throws {@link DataError} for an unsupported number format or a truncated matrix.
 * @example
 * ```ts
 * const [v] = parseMatV4(readFileSync('old.mat'), 'old.mat');
 * v.readColumns(0, 10);
 * ```
 */
export function parseMatV4(bytes: Uint8Array, path: string, label = `MAT-file ${path}`): MatVariable[] {
  const order = matV4ByteOrder(bytes);
  if (!order) throw new DataError(`${label} is not a MATLAB Level 4 file (its first word is not a valid MOPT type)`, path);
  const le = order === 'le';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const variables: MatVariable[] = [];
  let off = 0;
  while (off < bytes.length) {
    if (off + 20 > bytes.length) throw new DataError(`${label} is truncated: a matrix header at byte ${off} needs 20 bytes, ${bytes.length - off} remain`, path);
    const type = view.getInt32(off, le);
    const rows = view.getInt32(off + 4, le);
    const cols = view.getInt32(off + 8, le);
    const imag = view.getInt32(off + 12, le) !== 0;
    const namlen = view.getInt32(off + 16, le);
    const p = Math.floor(type / 10) % 10;
    const kind = type % 10;
    const precision = V4_PRECISION[p];
    if (!precision || Math.floor(type / 1000) !== (le ? 0 : 1) || namlen < 1) {
      throw new DataError(`${label} is malformed: matrix header at byte ${off} has type ${type} and name length ${namlen}`, path);
    }
    let name = '';
    for (let i = 0; i < namlen - 1 && off + 20 + i < bytes.length; i++) name += String.fromCharCode(bytes[off + 20 + i]);
    const data = off + 20 + namlen;
    const size = MI_TYPES[precision[1]].size;
    const nbytes = rows * cols * size * (imag ? 2 : 1);
    if (data + nbytes > bytes.length) {
      throw new DataError(`${label} is truncated: matrix '${name}' (${rows}×${cols}) needs ${nbytes} bytes at byte ${data}, ${Math.max(0, bytes.length - data)} remain`, path);
    }
    const numeric = kind === 0 && !imag;
    const className = kind === 1 ? 'char' : kind === 2 ? 'sparse' : imag ? `complex ${precision[0]}` : precision[0];
    variables.push({
      name,
      className,
      dims: [rows, cols],
      numeric,
      readColumns(start?: number, end?: number) {
        if (!numeric) throw new DataError(`${label}: variable '${name}' is not a real full numeric matrix (${className})`, path);
        const [s, e] = columnRange([rows, cols], start, end);
        return decodeNumbers(bytes, data + s * rows * size, (e - s) * rows, precision[1], le);
      },
    });
    off = data + nbytes;
  }
  return variables;
}
