import { constants, inflateSync } from 'node:zlib';
import { DataError } from './data-error.js';
import { columnRange, NUMERIC_CLASSES, type MatVariable } from './mat-variable.js';
import { decodeNumbers, MI_TYPES } from './numeric-decode.js';

const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const CLASS_NAMES: Record<number, string> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8',
  10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64', 16: 'function', 17: 'opaque',
};

interface Tag {
  type: number;
  nbytes: number;
  /** Offset of the element's data. */
  data: number;
  /** Offset of the next element (8-byte padded, or right after the data for miCOMPRESSED). */
  next: number;
}

/** Parsing state: bytes, byte order and what to call the file in messages. */
interface Ctx {
  bytes: Uint8Array;
  view: DataView;
  le: boolean;
  label: string;
  path: string;
}

function ctxOf(bytes: Uint8Array, le: boolean, label: string, path: string): Ctx {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), le, label, path };
}

/** Reads the data-element tag at `off` (long 8-byte or small 4-byte format), checking bounds. */
function readTag(c: Ctx, off: number, end: number, checkData = true): Tag {
  if (off + 8 > end) {
    throw new DataError(`${c.label} is truncated: a data element starts at byte ${off} but only ${end - off} byte(s) remain (a tag needs 8)`, c.path);
  }
  const word = c.view.getUint32(off, c.le);
  if (word >>> 16 !== 0) return { type: word & 0xffff, nbytes: word >>> 16, data: off + 4, next: off + 8 };
  const nbytes = c.view.getUint32(off + 4, c.le);
  const data = off + 8;
  if (checkData && data + nbytes > end) {
    throw new DataError(`${c.label} is truncated: the data element at byte ${off} declares ${nbytes} bytes but only ${end - data} remain`, c.path);
  }
  const next = word === MI_COMPRESSED ? data + nbytes : data + Math.ceil(nbytes / 8) * 8;
  return { type: word, nbytes, data, next: Math.min(next, end) };
}

/** Header of a miMATRIX element: class, dims, name, and where its numeric parts start. */
interface MatrixHeader {
  className: string;
  classCode: number;
  complex: boolean;
  dims: number[];
  name: string;
  /** Offset of the real-part element. */
  body: number;
  end: number;
}

function readMatrixHeader(c: Ctx, start: number, end: number): MatrixHeader {
  const flagsTag = readTag(c, start, end);
  if (flagsTag.type !== 6 || flagsTag.nbytes !== 8) {
    throw new DataError(`${c.label} is malformed: a matrix at byte ${start} should start with an 8-byte miUINT32 array-flags element, found type ${flagsTag.type} of ${flagsTag.nbytes} bytes`, c.path);
  }
  const flags = c.view.getUint32(flagsTag.data, c.le);
  const classCode = flags & 0xff;
  const dimsTag = readTag(c, flagsTag.next, end);
  if (dimsTag.type !== 5 || dimsTag.nbytes % 4 !== 0) {
    throw new DataError(`${c.label} is malformed: the dimensions of the matrix at byte ${start} should be miINT32, found type ${dimsTag.type}`, c.path);
  }
  const dims: number[] = [];
  for (let i = 0; i < dimsTag.nbytes / 4; i++) dims.push(c.view.getInt32(dimsTag.data + 4 * i, c.le));
  const nameTag = readTag(c, dimsTag.next, end);
  let name = '';
  for (let i = 0; i < nameTag.nbytes; i++) name += String.fromCharCode(c.bytes[nameTag.data + i]);
  return {
    className: CLASS_NAMES[classCode] ?? `class-${classCode}`,
    classCode,
    complex: (flags & 0x0800) !== 0,
    dims,
    name,
    body: nameTag.next,
    end,
  };
}

function readRealPart(c: Ctx, h: MatrixHeader, first: number, count: number): Float32Array {
  const part = readTag(c, h.body, h.end);
  const t = MI_TYPES[part.type];
  if (!t) throw new DataError(`${c.label}: variable '${h.name}' stores its values as type ${part.type}, which is not a numeric MATLAB type`, c.path);
  const total = h.dims.reduce((a, b) => a * b, 1);
  if (part.nbytes !== total * t.size) {
    throw new DataError(`${c.label} is malformed or truncated: variable '${h.name}' (${h.dims.join('×')}) needs ${total * t.size} bytes of ${t.name} data, its element holds ${part.nbytes}`, c.path);
  }
  return decodeNumbers(c.bytes, part.data + first * t.size, count, part.type, c.le);
}

function variableOf(c: Ctx, h: MatrixHeader, reload: () => { c: Ctx; h: MatrixHeader }): MatVariable {
  const numeric = NUMERIC_CLASSES.includes(h.className) && !h.complex && h.classCode >= 6 && h.classCode <= 15;
  return {
    name: h.name,
    className: h.complex ? `complex ${h.className}` : h.className,
    dims: h.dims,
    numeric,
    readColumns(start?: number, end?: number) {
      if (!numeric || h.dims.length !== 2) {
        throw new DataError(`${c.label}: variable '${h.name}' is not a real 2-D numeric matrix (${h.className}, ${h.dims.join('×')})`, c.path);
      }
      const [s, e] = columnRange(h.dims, start, end);
      const full = reload();
      const rows = h.dims[0];
      return readRealPart(full.c, full.h, s * rows, (e - s) * rows);
    },
  };
}

/** Inflates a miCOMPRESSED element; `partial` inflates only what a prefix of the input gives. */
function inflate(c: Ctx, tag: Tag, partial: boolean): Uint8Array {
  const input = c.bytes.subarray(tag.data, partial ? Math.min(tag.data + 4096, tag.data + tag.nbytes) : tag.data + tag.nbytes);
  try {
    return inflateSync(input, partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {});
  } catch (e) {
    throw new DataError(`${c.label} is corrupt or truncated: the compressed variable at byte ${tag.data - 8} cannot be decompressed (${(e as Error).message})`, c.path);
  }
}

/**
 * Lists the variables of a MATLAB Level 5 MAT-file (what MATLAB writes with `-v6` and `-v7`,
 * compressed or not, either byte order). Each top-level element is a miMATRIX or a zlib-compressed
 * miCOMPRESSED one; only the headers are decoded here (a compressed element is inflated from a 4 KB
 * prefix), and a variable's values are decoded when its `readColumns` is called.
 *
 * @param bytes - the whole file.
 * @param path - the file's path, for messages.
 * @throws {@link DataError} for a bad header, truncated elements or corrupt compressed data.
 * @example
 * ```ts
 * const vars = parseMatV5(readFileSync('digs3pts_1.mat'), 'digs3pts_1.mat');
 * vars.map((v) => v.name); // ['bdata', 'bdatatest', …]
 * ```
 */
export function parseMatV5(bytes: Uint8Array, path: string, label = `MAT-file ${path}`): MatVariable[] {
  if (bytes.length < 128) throw new DataError(`${label} is truncated: ${bytes.length} bytes, shorter than the 128-byte MAT-file header`, path);
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') {
    throw new DataError(`${label} is not a MATLAB Level 5 file: the endian indicator at byte 126 is '${endian}', expected 'IM' or 'MI'`, path);
  }
  const c = ctxOf(bytes, endian === 'IM', label, path);
  const variables: MatVariable[] = [];
  let off = 128;
  while (off < bytes.length) {
    const tag = readTag(c, off, bytes.length);
    if (tag.type === MI_MATRIX) {
      const h = readMatrixHeader(c, tag.data, tag.data + tag.nbytes);
      variables.push(variableOf(c, h, () => ({ c, h })));
    } else if (tag.type === MI_COMPRESSED) {
      const head = inflate(c, tag, true);
      const hc = ctxOf(head, c.le, label, path);
      const inner = readTag(hc, 0, head.length, false);
      if (inner.type === MI_MATRIX) {
        const h = readMatrixHeader(hc, inner.data, head.length);
        variables.push(
          variableOf(c, h, () => {
            const full = ctxOf(inflate(c, tag, false), c.le, label, path);
            const t = readTag(full, 0, full.bytes.length);
            return { c: full, h: readMatrixHeader(full, t.data, t.data + t.nbytes) };
          }),
        );
      }
    }
    off = tag.next;
  }
  return variables;
}
