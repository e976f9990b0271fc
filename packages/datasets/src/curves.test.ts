import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { loadCurves } from './curves.js';
import { seededSplit } from './split.js';
import { tempDir } from './testing/temp-dir.js';
import { writeMatV5 } from './testing/write-mat-v5.js';
import { writeMatV73 } from './testing/write-mat-v73.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

// A small digs3pts_1.mat stand-in: bdata is 50 × 784 (one image per row), bdatatest 10 × 784.
const n = 50;
const value = (img: number, px: number): number => ((img * 31 + px * 7) % 1000) / 1000;
function columnMajor(count: number, offset = 0): number[] {
  const out = new Array<number>(count * 784);
  for (let j = 0; j < 784; j++) for (let i = 0; i < count; i++) out[i + count * j] = value(i + offset, j);
  return out;
}
const v5 = tmp.path('digs3pts_1.mat');
const v73 = tmp.path('digs3pts_1_v73.mat');
beforeAll(async () => {
  const vars = [
    { name: 'bdata', type: 'double' as const, rows: n, cols: 784, data: columnMajor(n) },
    { name: 'bdatatest', type: 'double' as const, rows: 10, cols: 784, data: columnMajor(10, 1000) },
  ];
  writeFileSync(v5, writeMatV5(vars, { compress: true }));
  await writeMatV73(v73, vars);
});

describe('loadCurves', () => {
  for (const [format, file] of [['v5', () => v5], ['v7.3', () => v73]] as const) {
    it(`reads bdata (rows = images) from a MAT ${format} file with a seeded 80/20 split`, async () => {
      const ds = await loadCurves({ seed: 4, dataPath: file() });
      expect(ds.name).toBe('curves');
      expect(ds.inputSize).toBe(784);
      expect(ds.train.n).toBe(40);
      expect(ds.validation.n).toBe(10);
      expect(ds.title).toMatch(new RegExp(`^CURVES \\(50 training images 28×28, variable bdata .*MAT ${format.replace('.', '\\.')}\\)`));
      const { train, validation } = seededSplit(n, 10, 4);
      for (const [split, order] of [[ds.train, train], [ds.validation, validation]] as const) {
        for (let k = 0; k < split.n; k++) {
          for (const j of [0, 1, 391, 783]) expect(split.x[k * 784 + j]).toBeCloseTo(value(order[k], j), 6);
        }
      }
    });
  }

  it('uses a variable override, and truncates', async () => {
    const ds = await loadCurves({ seed: 0, dataPath: v5, variable: 'bdatatest', trainSize: 3 });
    expect(ds.train.n).toBe(3);
    expect(ds.validation.n).toBe(2);
    expect(ds.title).toMatch(/variable bdatatest/);
  });

  it('says what CURVES is and how to supply it when the file is absent', async () => {
    await expect(loadCurves({ seed: 0 })).rejects.toThrow(/CURVES needs digs3pts_1\.mat.*pass --data <path.*--problem curves-synthetic/);
    await expect(loadCurves({ seed: 0, dataPath: tmp.path('nope.mat') })).rejects.toThrow(/no file at .*nope\.mat\. CURVES needs digs3pts_1\.mat/);
    await expect(loadCurves({ seed: 0 })).rejects.toBeInstanceOf(DataError);
  });

  it('lists the variables when none or several could be the data', async () => {
    const two = tmp.path('two.mat');
    writeFileSync(two, writeMatV5([
      { name: 'a', type: 'single', rows: 4, cols: 784, data: new Array(4 * 784).fill(0.5) },
      { name: 'b', type: 'single', rows: 784, cols: 3, data: new Array(3 * 784).fill(0.5) },
    ]));
    await expect(loadCurves({ seed: 0, dataPath: two })).rejects.toThrow(/2 variables could be the data \(a, b\); variables found: a \(single 4×784\), b \(single 784×3\)\. Name the variable/);
    await expect(loadCurves({ seed: 0, dataPath: two, variable: 'zzz' })).rejects.toThrow(/has no variable 'zzz'; variables found: a \(single 4×784\)/);
    const b = await loadCurves({ seed: 0, dataPath: two, variable: 'b' });
    expect(b.train.n + b.validation.n).toBe(3);
    const none = tmp.path('none.mat');
    writeFileSync(none, writeMatV5([{ name: 'q', type: 'double', rows: 2, cols: 2, data: [1, 2, 3, 4] }]));
    await expect(loadCurves({ seed: 0, dataPath: none })).rejects.toThrow(/no variable is a real numeric 2-D matrix with one dimension 784.*variables found: q \(double 2×2\)/);
  });
});
