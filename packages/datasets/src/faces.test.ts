import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACES_TRAINING, loadFaces } from './faces.js';
import { seededSplit } from './split.js';
import { tempDir } from './testing/temp-dir.js';
import { writeMatV5 } from './testing/write-mat-v5.js';
import { writeMatV73 } from './testing/write-mat-v73.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

// A small newfaces_rot_single.mat: 625 × 30 single, one face per column; the first 20 "train".
const faces = 30;
const pixel = (face: number, px: number): number => Math.fround(Math.sin(face * 0.37 + px * 0.011));
const data = Array.from({ length: 625 * faces }, (_, k) => pixel(Math.floor(k / 625), k % 625));
const v5 = tmp.path('newfaces_rot_single.mat');
const v73 = tmp.path('newfaces_rot_single_v73.mat');
beforeAll(async () => {
  const vars = [{ name: 'newfaces_single', type: 'single' as const, rows: 625, cols: faces, data }];
  writeFileSync(v5, writeMatV5(vars, { compress: true }));
  await writeMatV73(v73, vars);
});

describe('loadFaces', () => {
  it('trains on the first 103,500 faces by default', () => {
    expect(FACES_TRAINING).toBe(103500);
  });

  for (const [format, file] of [['v5', () => v5], ['v7.3', () => v73]] as const) {
    it(`reads the first faces (columns) of a MAT ${format} file with a seeded 80/20 split`, async () => {
      const ds = await loadFaces({ seed: 9, dataPath: file(), trainingFaces: 20 });
      expect(ds.name).toBe('faces');
      expect(ds.inputSize).toBe(625);
      expect(ds.outputSize).toBe(625);
      expect(ds.train.n).toBe(16);
      expect(ds.validation.n).toBe(4);
      expect(ds.title).toMatch(new RegExp(`^FACES \\(first 20 of 30 25×25 faces, variable newfaces_single .*MAT ${format.replace('.', '\\.')}`));
      const { train, validation } = seededSplit(20, 4, 9);
      for (const [split, order] of [[ds.train, train], [ds.validation, validation]] as const) {
        for (let k = 0; k < split.n; k++) {
          expect(order[k]).toBeLessThan(20);
          for (const j of [0, 5, 624]) expect(split.x[k * 625 + j]).toBe(pixel(order[k], j));
        }
      }
    });
  }

  it('picks the only variable of the right size under another name, and rows as faces', async () => {
    const rowsFile = tmp.path('rows.mat');
    const rowMajorAsColumnMajor = Array.from({ length: 625 * faces }, (_, k) => pixel(k % faces, Math.floor(k / faces)));
    writeFileSync(rowsFile, writeMatV5([
      { name: 'label', type: 'char', text: 'faces' },
      { name: 'F', type: 'single', rows: faces, cols: 625, data: rowMajorAsColumnMajor },
    ]));
    const ds = await loadFaces({ seed: 1, dataPath: rowsFile, trainingFaces: 25 });
    expect(ds.title).toMatch(/variable F/);
    const { train } = seededSplit(25, 5, 1);
    expect(ds.train.x[3 * 625 + 100]).toBe(pixel(train[3], 100));
  });

  it('rejects non-finite values', async () => {
    const bad = tmp.path('nan.mat');
    const values = data.slice();
    values[625 * 3 + 7] = Number.NaN;
    writeFileSync(bad, writeMatV5([{ name: 'newfaces_single', type: 'single', rows: 625, cols: faces, data: values }]));
    await expect(loadFaces({ seed: 0, dataPath: bad, trainingFaces: 20 })).rejects.toThrow(/variable newfaces_single: example 3 \(0-based\), pixel 7 is NaN/);
  });

  it('errors on too few faces and lists the variables', async () => {
    await expect(loadFaces({ seed: 0, dataPath: v5 })).rejects.toThrow(/no variable is a real numeric 2-D matrix with one dimension 625 and at least 103,500 examples.*variables found: newfaces_single \(single 625×30\)/);
    await expect(loadFaces({ seed: 0, dataPath: v5, variable: 'newfaces_single' })).rejects.toThrow(/variable newfaces_single \(single 625×30\) is not a real numeric 2-D matrix/);
  });

  it('says what FACES is and where to put it when the file is absent; no stand-in', async () => {
    await expect(loadFaces({ seed: 0 })).rejects.toThrow(/newfaces_rot_single\.mat: 165,600 25×25 face.*Olivetti.*Hinton & Salakhutdinov 2006.*no stand-in: pass --data <path/);
    await expect(loadFaces({ seed: 0, dataPath: tmp.path('x.mat') })).rejects.toThrow(/FACES file \(newfaces_rot_single\.mat\) not found: no file at .*x\.mat\. FACES needs/);
  });
});
