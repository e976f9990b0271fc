import { describe, expect, it } from 'vitest';
import { gemmModel } from './onnx-model.js';
import { messageField, stringField, varint, varintField } from './protobuf-writer.js';

describe('protobuf writer', () => {
  it('encodes varints low 7 bits first with a continuation bit', () => {
    expect(varint(0)).toEqual([0]);
    expect(varint(127)).toEqual([127]);
    expect(varint(300)).toEqual([0xac, 0x02]);
    expect(varint(2 ** 35)).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    expect(() => varint(-1)).toThrow(RangeError);
  });

  it('writes keys as field << 3 | wire type', () => {
    expect(varintField(1, 8)).toEqual([0x08, 0x08]);
    expect(stringField(4, 'Gemm')).toEqual([0x22, 4, 71, 101, 109, 109]);
    expect(messageField(7, [1, 2, 3])).toEqual([0x3a, 3, 1, 2, 3]);
  });
});

describe('gemmModel', () => {
  it('differs only in the transpose attributes and names Gemm, A, B, C', () => {
    const text = (m: Uint8Array) => Buffer.from(m).toString('latin1');
    const plain = gemmModel({ transA: false, transB: false });
    const both = gemmModel({ transA: true, transB: true });
    expect(plain.length).toBe(both.length);
    expect(text(plain)).toContain('Gemm');
    expect(text(plain)).toContain('transA');
    // Attribute i = 0 vs 1 (field 3, varint) right after each attribute name.
    expect(text(plain)).toContain('transA\x18\x00');
    expect(text(both)).toContain('transA\x18\x01');
    expect(text(both)).toContain('transB\x18\x01');
  });

  it('builds C − A·Bᵀ in float64 with a third input, alpha = −1 and beta = 1', () => {
    const text = Buffer.from(gemmModel({ transA: false, transB: true, dtype: 'float64', subtractFromC: true })).toString('latin1');
    // alpha: name, then field 2 as fixed32 (key 0x15) holding −1.0f = 0xbf800000 little-endian, then type FLOAT (20 → 1).
    expect(text).toContain('alpha\x15\x00\x00\x80\xbf\xa0\x01\x01');
    expect(text).toContain('beta\x15\x00\x00\x80\x3f');
    expect(text).toContain('\x0a\x01A\x0a\x01B\x0a\x01C\x12\x01Y'); // inputs A, B, C; output Y
    expect(text).toContain('\x08\x0b'); // elem_type 11 (DOUBLE)
    expect(text).not.toContain('\x08\x01\x12'); // no float32 value info
  });
});
