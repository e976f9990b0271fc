import { gunzipSync } from 'node:zlib';
import { DataError } from './data-error.js';
import { readDataFile } from './read-bytes.js';

/** An IDX array: its dimensions (outermost first) and its unsigned-byte values in row-major order. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Options of {@link readIdx}. */
export interface ReadIdxOptions {
  /** What the file should be, used in error messages (default `"IDX file"`). */
  what?: string;
  /** How to obtain the file, appended to the "not found" message. */
  hint?: string;
  /** Required number of dimensions (3 for images, 1 for labels); other ranks are an error. */
  rank?: number;
}

const IDX_TYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/**
 * Reads an IDX file (the MNIST / Fashion-MNIST format), plain or gzip-compressed (detected from
 * the gzip magic bytes 1f 8b, whatever the file name).
 *
 * Layout: a 4-byte magic `00 00 TT RR` (TT = element type, only `08` = unsigned byte is supported;
 * RR = rank, so `0x00000803` is a stack of images and `0x00000801` a label vector), RR big-endian
 * uint32 dimensions, then ∏ dims bytes of data in row-major order.
 *
 * @param source - a file path, or the file's bytes.
 * @param options - what the file should be (for messages) and the required rank.
 * @returns `{dims, data}` with `data.length = ∏ dims`.
 * @throws {@link DataError} for a missing file, a bad magic number, an unsupported element type,
 *   a wrong rank or a truncated file (expected against actual bytes).
 * @example
 * ```ts
 * const images = readIdx('/usr/share/dataset-fashion-mnist/train-images-idx3-ubyte.gz', { rank: 3 });
 * images.dims; // [60000, 28, 28]
 * ```
 */
export function readIdx(source: string | Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  try {
    return parseIdx(source, options);
  } catch (e) {
    // A truncated or corrupt file: say how to supply a good one, as a missing file does.
    const hint = options.hint;
    if (e instanceof DataError && hint && !e.message.includes(hint)) throw new DataError(`${e.message}. ${hint}`, e.path);
    throw e;
  }
}

function parseIdx(source: string | Uint8Array, options: ReadIdxOptions): IdxArray {
  const what = options.what ?? 'IDX file';
  const label = typeof source === 'string' ? `${what} ${source}` : what;
  const path = typeof source === 'string' ? source : undefined;
  let bytes = typeof source === 'string' ? readDataFile(source, what, options.hint) : source;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new DataError(`${label} is gzip-compressed but cannot be decompressed (${(e as Error).message}); the download is probably truncated or corrupt`, path);
    }
  }
  if (bytes.length < 4) {
    throw new DataError(`${label} is truncated: ${bytes.length} bytes, shorter than the 4-byte IDX magic number`, path);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const magic = hex32(bytes);
    throw new DataError(`${label} is not an IDX file: magic number ${magic} should be 0x00000803 (images) or 0x00000801 (labels)`, path);
  }
  const type = bytes[2];
  const rank = bytes[3];
  if (type !== 0x08) {
    const name = IDX_TYPES[type] ?? 'unknown';
    throw new DataError(`${label} has element type 0x${type.toString(16).padStart(2, '0')} (${name}); only unsigned-byte IDX files (type 0x08) are supported`, path);
  }
  if (rank === 0) throw new DataError(`${label} declares 0 dimensions (magic ${hex32(bytes)})`, path);
  if (options.rank !== undefined && rank !== options.rank) {
    throw new DataError(`${label} has ${rank} dimension(s) (magic ${hex32(bytes)}), expected ${options.rank} (magic 0x0000080${options.rank})`, path);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(`${label} is truncated: the header needs ${headerBytes} bytes for ${rank} dimensions, the file has ${bytes.length}`, path);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const expected = headerBytes + count;
  if (bytes.length < expected) {
    throw new DataError(`${label} is truncated: dimensions [${dims.join(', ')}] need ${expected} bytes, the file has ${bytes.length}`, path);
  }
  if (bytes.length > expected) {
    throw new DataError(`${label} has ${bytes.length - expected} trailing bytes after the ${expected} bytes its dimensions [${dims.join(', ')}] describe; it is not a well-formed IDX file`, path);
  }
  return { dims, data: bytes.subarray(headerBytes, expected) };
}

function hex32(bytes: Uint8Array): string {
  let s = '0x';
  for (let i = 0; i < 4; i++) s += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return s;
}
