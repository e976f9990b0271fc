/** Byte size and reader of each numeric storage type (MATLAB Level 5 miTYPE codes). */
interface NumericType {
  name: string;
  size: number;
  get(view: DataView, offset: number, le: boolean): number;
}

/** MATLAB Level 5 numeric data types by their miTYPE code. */
export const MI_TYPES: Record<number, NumericType> = {
  1: { name: 'miINT8', size: 1, get: (v, o) => v.getInt8(o) },
  2: { name: 'miUINT8', size: 1, get: (v, o) => v.getUint8(o) },
  3: { name: 'miINT16', size: 2, get: (v, o, le) => v.getInt16(o, le) },
  4: { name: 'miUINT16', size: 2, get: (v, o, le) => v.getUint16(o, le) },
  5: { name: 'miINT32', size: 4, get: (v, o, le) => v.getInt32(o, le) },
  6: { name: 'miUINT32', size: 4, get: (v, o, le) => v.getUint32(o, le) },
  7: { name: 'miSINGLE', size: 4, get: (v, o, le) => v.getFloat32(o, le) },
  9: { name: 'miDOUBLE', size: 8, get: (v, o, le) => v.getFloat64(o, le) },
  12: { name: 'miINT64', size: 8, get: (v, o, le) => Number(v.getBigInt64(o, le)) },
  13: { name: 'miUINT64', size: 8, get: (v, o, le) => Number(v.getBigUint64(o, le)) },
};

/**
 * Decodes `count` numbers of storage type `type` starting at byte `offset` of `bytes` into a new
 * Float32Array, with fast paths for aligned little-endian single and double data.
 *
 * @example
 * ```ts
 * const x = decodeNumbers(bytes, 136, 784, 9, true); // 784 doubles → float32
 * ```
 */
export function decodeNumbers(bytes: Uint8Array, offset: number, count: number, type: number, le: boolean): Float32Array {
  const t = MI_TYPES[type];
  if (!t) throw new RangeError(`unsupported numeric storage type ${type}`);
  const at = bytes.byteOffset + offset;
  const out = new Float32Array(count);
  if (le && type === 7 && at % 4 === 0) {
    out.set(new Float32Array(bytes.buffer, at, count));
  } else if (le && type === 9 && at % 8 === 0) {
    out.set(new Float64Array(bytes.buffer, at, count));
  } else if (type === 2) {
    out.set(bytes.subarray(offset, offset + count));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) out[i] = t.get(view, offset + i * t.size, le);
  }
  return out;
}
