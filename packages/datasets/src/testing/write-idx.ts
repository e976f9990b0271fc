/**
 * Encodes an unsigned-byte IDX file: magic 00 00 08 rank, big-endian dims, the bytes.
 * Test helper; `type` overrides the element-type byte to make malformed files.
 *
 * @example
 * ```ts
 * writeFileSync(path, encodeIdx([2, 28, 28], pixels));
 * ```
 */
export function encodeIdx(dims: number[], data: ArrayLike<number>, type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(Array.from(data), 4 + 4 * dims.length);
  return out;
}
