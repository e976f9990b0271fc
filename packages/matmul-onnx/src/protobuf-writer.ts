/**
 * The few protocol-buffer encodings an ONNX model needs, written by hand so that building a
 * one-node graph needs no protobuf library. Every helper returns the bytes of one field
 * (`key = field number << 3 | wire type`, then the payload).
 *
 * Wire types used: 0 (varint) for integers, 2 (length-delimited) for strings and sub-messages,
 * 5 (fixed 32-bit) for floats.
 *
 * @example
 * ```ts
 * varintField(1, 8);               // [0x08, 0x08]: field 1 = 8
 * messageField(7, stringField(2, 'g'));
 * ```
 */

/** Encodes a non-negative integer as a base-128 varint: 7 bits a byte, low bits first, high bit = "more". */
export function varint(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint takes a non-negative safe integer, got ${value}`);
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** A varint field: `key(field, 0) · varint(value)`. */
export function varintField(field: number, value: number): number[] {
  return [...varint(field * 8), ...varint(value)];
}

/** A length-delimited field holding already encoded bytes (a sub-message): `key(field, 2) · len · bytes`. */
export function messageField(field: number, body: readonly number[]): number[] {
  return [...varint(field * 8 + 2), ...varint(body.length), ...body];
}

/** A length-delimited field holding a UTF-8 string. */
export function stringField(field: number, text: string): number[] {
  return messageField(field, [...new TextEncoder().encode(text)]);
}

/** A float field: `key(field, 5) · value` as a little-endian IEEE-754 float32. */
export function float32Field(field: number, value: number): number[] {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return [...varint(field * 8 + 5), ...bytes];
}
