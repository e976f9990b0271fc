import { writeFileSync } from 'node:fs';
import { read as matForJs } from 'mat-for-js';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { detectMatFormat, openMatFile } from './mat-file.js';
import { parseMatV5 } from './mat-v5.js';
import { tempDir } from './testing/temp-dir.js';
import { writeMatV4 } from './testing/write-mat-v4.js';
import { writeMatV5 } from './testing/write-mat-v5.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

// A 3 × 5 matrix, column-major: element (i, j) = 10 i + j + 0.25.
const rows = 3;
const cols = 5;
const data = Array.from({ length: rows * cols }, (_, k) => 10 * (k % rows) + Math.floor(k / rows) + 0.25);
const vars = [
  { name: 'M', type: 'double' as const, rows, cols, data },
  { name: 'label', type: 'char' as const, text: 'curves' },
  { name: 'bytes_u8', type: 'uint8' as const, rows: 2, cols: 2, data: [1, 2, 3, 250] },
];

describe('MAT v5 reader', () => {
  for (const options of [{}, { compress: true }, { bigEndian: true }, { compress: true, bigEndian: true }]) {
    it(`reads names, classes, dims and values (${JSON.stringify(options)})`, () => {
      const vs = parseMatV5(writeMatV5(vars, options), 'x.mat');
      expect(vs.map((v) => [v.name, v.className, v.dims, v.numeric])).toEqual([
        ['M', 'double', [3, 5], true],
        ['label', 'char', [1, 6], false],
        ['bytes_u8', 'uint8', [2, 2], true],
      ]);
      expect(Array.from(vs[0].readColumns())).toEqual(data);
      expect(Array.from(vs[0].readColumns(1, 3))).toEqual(data.slice(3, 9));
      expect(Array.from(vs[2].readColumns())).toEqual([1, 2, 3, 250]);
      expect(() => vs[1].readColumns()).toThrow(/not a real 2-D numeric matrix/);
    });
  }

  it('writes files that an independent reader (mat-for-js) decodes the same way', () => {
    const bytes = writeMatV5([{ name: 'bdata', type: 'single', rows, cols, data }], { compress: true });
    const ref = matForJs(Uint8Array.from(bytes).buffer) as { data: Record<string, number[][]> };
    const ours = parseMatV5(bytes, 'x.mat')[0].readColumns();
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) expect(ours[i + rows * j]).toBe(ref.data.bdata[i][j]);
  });

  it('reports truncated files', () => {
    const bytes = writeMatV5(vars);
    expect(() => parseMatV5(bytes.subarray(0, 200), 'x.mat')).toThrow(/truncated: the data element at byte 128 declares \d+ bytes but only \d+ remain/);
    expect(() => parseMatV5(bytes.subarray(0, 100), 'x.mat')).toThrow(/truncated: 100 bytes, shorter than the 128-byte/);
    const compressed = writeMatV5(vars, { compress: true });
    expect(() => parseMatV5(compressed.subarray(0, compressed.length - 3), 'x.mat')).toThrow(DataError);
  });

  it('reports corrupt compressed data when the values are read', () => {
    const bytes = writeMatV5([{ name: 'M', type: 'double', rows: 40, cols: 40, data: new Array(1600).fill(0.5) }], { compress: true });
    bytes.fill(0x55, bytes.length - 20, bytes.length - 4); // damage the end of the zlib stream
    const [v] = parseMatV5(bytes, 'x.mat');
    expect(() => v.readColumns()).toThrow(/corrupt or truncated: the compressed variable at byte 128 cannot be decompressed/);
  });

  it('reports a data part whose size does not match the dimensions', () => {
    const bytes = writeMatV5([{ name: 'M', type: 'double', rows, cols, data }]);
    new DataView(bytes.buffer, bytes.byteOffset).setInt32(128 + 8 + 16 + 8, 4, true); // rows 3 → 4
    expect(() => parseMatV5(bytes, 'x.mat')[0].readColumns()).toThrow(/needs 160 bytes of miDOUBLE data, its element holds 120/);
  });

  it('rejects a bad endian mark', () => {
    const bytes = writeMatV5(vars);
    bytes[126] = 0x41;
    expect(() => parseMatV5(bytes, 'x.mat')).toThrow(/endian indicator at byte 126 is 'AM'/);
  });
});

describe('openMatFile / detectMatFormat', () => {
  it('opens v5 and v4 files from disk', async () => {
    const v5 = tmp.path('a.mat');
    writeFileSync(v5, writeMatV5(vars, { compress: true }));
    const mat = await openMatFile(v5);
    expect(mat.format).toBe('v5');
    expect(Array.from(mat.variables[0].readColumns(4, 5))).toEqual(data.slice(12, 15));
    const v4 = tmp.path('b.mat');
    writeFileSync(v4, writeMatV4([{ name: 'bdata', rows, cols, data }, { name: 'other', rows: 1, cols: 2, data: [5, 6] }]));
    const old = await openMatFile(v4);
    expect(old.format).toBe('v4');
    expect(old.variables.map((v) => [v.name, v.dims])).toEqual([['bdata', [3, 5]], ['other', [1, 2]]]);
    expect(Array.from(old.variables[0].readColumns(1, 2))).toEqual(data.slice(3, 6));
  });

  it('reports missing, non-MAT and truncated v4 files', async () => {
    await expect(openMatFile(tmp.path('none.mat'), 'CURVES file', 'pass --data')).rejects.toThrow(/CURVES file not found: no file at .*none\.mat\. pass --data/);
    const text = tmp.path('text.mat');
    writeFileSync(text, 'hello, this is not a MAT-file at all, just some text that is long enough to read');
    await expect(openMatFile(text)).rejects.toThrow(/not a MATLAB MAT-file .* starts with 'hello, this/);
    const v4 = writeMatV4([{ name: 'bdata', rows, cols, data }]);
    const cut = tmp.path('cut4.mat');
    writeFileSync(cut, v4.subarray(0, v4.length - 8));
    await expect(openMatFile(cut)).rejects.toThrow(/truncated: matrix 'bdata' \(3×5\) needs 120 bytes/);
  });

  it('detects v7.3 headers and rejects a v7.3 header without HDF5 data', () => {
    const head = new Uint8Array(520);
    head.set(new TextEncoder().encode('MATLAB 7.3 MAT-file'));
    head.set([0x00, 0x02, 0x49, 0x4d], 124);
    expect(() => detectMatFormat(head, 'f.mat')).toThrow(/no HDF5 signature at byte 512/);
    head.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 512);
    expect(detectMatFormat(head, 'f.mat')).toBe('v7.3');
    expect(detectMatFormat(head.subarray(512), 'f.h5')).toBe('v7.3');
    expect(() => detectMatFormat(head.subarray(0, 60), 'f.mat')).toThrow(/truncated: it starts like a MAT-file/);
  });
});
