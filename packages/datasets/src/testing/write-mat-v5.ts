import { deflateSync } from 'node:zlib';

/** A variable to write: numeric matrices (column-major data) or a char row. */
export type MatV5Input =
  | { name: string; type: 'double' | 'single' | 'uint8'; rows: number; cols: number; data: ArrayLike<number> }
  | { name: string; type: 'char'; text: string };

/** Options of {@link writeMatV5}. */
export interface WriteMatV5Options {
  /** Wrap every variable in a zlib miCOMPRESSED element (what MATLAB -v7 does). */
  compress?: boolean;
  /** Write a big-endian file ('MI'). */
  bigEndian?: boolean;
}

const CLASS = { double: 6, single: 7, uint8: 9, char: 4 } as const;
const MI = { double: 9, single: 7, uint8: 2, char: 4 } as const;
const SIZE = { double: 8, single: 4, uint8: 1, char: 2 } as const;

class Out {
  private chunks: Uint8Array[] = [];
  constructor(readonly le: boolean) {}
  u32(...values: number[]): void {
    const b = new Uint8Array(4 * values.length);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => v.setUint32(4 * i, x, this.le));
    this.chunks.push(b);
  }
  i32(...values: number[]): void {
    const b = new Uint8Array(4 * values.length);
    const v = new DataView(b.buffer);
    values.forEach((x, i) => v.setInt32(4 * i, x, this.le));
    this.chunks.push(b);
  }
  bytes(b: Uint8Array): void {
    this.chunks.push(b);
  }
  pad8(length: number): void {
    if (length % 8) this.chunks.push(new Uint8Array(8 - (length % 8)));
  }
  concat(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

function encodeValues(type: keyof typeof SIZE, values: ArrayLike<number>, le: boolean): Uint8Array {
  const size = SIZE[type];
  const b = new Uint8Array(values.length * size);
  const v = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) {
    if (type === 'double') v.setFloat64(i * size, values[i], le);
    else if (type === 'single') v.setFloat32(i * size, values[i], le);
    else if (type === 'uint8') v.setUint8(i, values[i]);
    else v.setUint16(i * size, values[i], le);
  }
  return b;
}

/** Encodes one miMATRIX element (tag included). */
function matrixElement(input: MatV5Input, le: boolean): Uint8Array {
  const body = new Out(le);
  const rows = input.type === 'char' ? 1 : input.rows;
  const cols = input.type === 'char' ? input.text.length : input.cols;
  const values = input.type === 'char' ? Array.from(input.text, (ch) => ch.charCodeAt(0)) : input.data;
  body.u32(6, 8, CLASS[input.type], 0); // array flags
  body.u32(5, 8);
  body.i32(rows, cols); // dimensions
  const name = new TextEncoder().encode(input.name);
  if (name.length <= 4) {
    body.u32((name.length << 16) | 1); // small data element: miINT8 name in 4 bytes
    const b = new Uint8Array(4);
    b.set(name);
    body.bytes(b);
  } else {
    body.u32(1, name.length);
    body.bytes(name);
    body.pad8(name.length);
  }
  const data = encodeValues(input.type, values, le);
  body.u32(MI[input.type], data.length);
  body.bytes(data);
  body.pad8(data.length);
  const content = body.concat();
  const el = new Out(le);
  el.u32(14, content.length);
  el.bytes(content);
  return el.concat();
}

/**
 * Writes a minimal MATLAB Level 5 MAT-file (test helper, written from the MathWorks format
 * description): a 128-byte header (116 bytes of text, 8-byte subsystem offset, version 0x0100,
 * endian mark 'IM'), then one miMATRIX element per variable — array flags (miUINT32), dimensions
 * (miINT32), name (miINT8, small format when ≤ 4 bytes), real part — each padded to 8 bytes,
 * optionally wrapped in zlib-compressed miCOMPRESSED elements.
 *
 * @example
 * ```ts
 * writeFileSync(path, writeMatV5([{ name: 'bdata', type: 'double', rows: 3, cols: 784, data }]));
 * ```
 */
export function writeMatV5(vars: MatV5Input[], options: WriteMatV5Options = {}): Uint8Array {
  const le = !options.bigEndian;
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, Platform: fisherkit-test, Created on: Thu Jan  1 00:00:00 2026'));
  header.fill(0, 116, 124);
  new DataView(header.buffer).setUint16(124, 0x0100, le);
  header.set(le ? [0x49, 0x4d] : [0x4d, 0x49], 126); // 'IM' read in the writer's byte order
  const out = new Out(le);
  out.bytes(header);
  for (const v of vars) {
    const el = matrixElement(v, le);
    if (options.compress) {
      const z = deflateSync(el);
      out.u32(15, z.length);
      out.bytes(z);
    } else {
      out.bytes(el);
    }
  }
  return out.concat();
}
