import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { openMatFile } from './mat-file.js';
import { tempDir } from './testing/temp-dir.js';
import { writeMatV73 } from './testing/write-mat-v73.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

// MATLAB 4 × 6 single matrix, column-major: element (i, j) = i + 0.5 j.
const rows = 4;
const cols = 6;
const data = Array.from({ length: rows * cols }, (_, k) => (k % rows) + 0.5 * Math.floor(k / rows));
const withHeader = tmp.path('v73.mat');
const bare = tmp.path('bare.h5');
beforeAll(async () => {
  const vars = [
    { name: 'faces', type: 'single' as const, rows, cols, data },
    { name: 'small', type: 'double' as const, rows: 1, cols: 3, data: [1, 2, 3] },
  ];
  await writeMatV73(withHeader, vars, { structName: 'info' });
  await writeMatV73(bare, vars, { header: false });
});

describe('MAT v7.3 (HDF5) through h5wasm', () => {
  it('has the MATLAB header and the HDF5 superblock at byte 512', () => {
    const bytes = readFileSync(withHeader);
    expect(bytes.subarray(0, 19).toString('latin1')).toBe('MATLAB 7.3 MAT-file');
    expect(Array.from(bytes.subarray(512, 516))).toEqual([0x89, 0x48, 0x44, 0x46]);
  });

  it('lists variables with MATLAB dims (HDF5 shape reversed) and reads column ranges', async () => {
    const mat = await openMatFile(withHeader);
    try {
      expect(mat.format).toBe('v7.3');
      const byName = Object.fromEntries(mat.variables.map((v) => [v.name, v]));
      expect(byName.faces.dims).toEqual([4, 6]);
      expect(byName.faces.className).toBe('single');
      expect(byName.faces.numeric).toBe(true);
      expect(byName.small.dims).toEqual([1, 3]);
      expect(byName.info.className).toBe('struct');
      expect(byName.info.numeric).toBe(false);
      expect(Array.from(byName.faces.readColumns())).toEqual(data);
      expect(Array.from(byName.faces.readColumns(2, 4))).toEqual(data.slice(8, 16));
      expect(Array.from(byName.small.readColumns())).toEqual([1, 2, 3]);
      expect(() => byName.info.readColumns()).toThrow(DataError);
    } finally {
      mat.close();
    }
  });

  it('reads a bare HDF5 file the same way', async () => {
    const mat = await openMatFile(bare);
    try {
      expect(Array.from(mat.variables.find((v) => v.name === 'faces')!.readColumns(5, 6))).toEqual(data.slice(20, 24));
    } finally {
      mat.close();
    }
  });

  it('reports a truncated v7.3 file', async () => {
    const bytes = readFileSync(withHeader);
    const cut = tmp.path('cut.mat');
    writeFileSync(cut, bytes.subarray(0, 900));
    await expect(openMatFile(cut)).rejects.toThrow(/cannot be opened as HDF5 \(MATLAB v7\.3\): truncated file: eof = 388.*truncated or corrupt/);
    const headerOnly = tmp.path('head.mat');
    writeFileSync(headerOnly, bytes.subarray(0, 300));
    await expect(openMatFile(headerOnly)).rejects.toThrow(/no HDF5 signature at byte 512 \(the file has only 300 bytes: truncated\)/);
  });
});
