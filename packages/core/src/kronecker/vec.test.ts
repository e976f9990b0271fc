import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { fromRows, toRows } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { randomMatrix } from './test-support.js';
import { unvec, vec } from './vec.js';

describe('vec / unvec', () => {
  it('stacks columns (column-major)', () => {
    expect(Array.from(vec(fromRows([[1, 2, 3], [4, 5, 6]])))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(toRows(unvec([1, 4, 2, 5, 3, 6], 2, 3))).toEqual([[1, 2, 3], [4, 5, 6]]);
  });

  it('are inverse to each other on random shapes', () => {
    const rng = createRng(11);
    for (let t = 0; t < 20; t++) {
      const m = randomMatrix(rng, 1 + rng.int(6), 1 + rng.int(6));
      const back = unvec(vec(m), m.rows, m.cols);
      expect(back.rows).toBe(m.rows);
      expect(Array.from(back.data)).toEqual(Array.from(m.data));
    }
  });

  it('rejects a vector of the wrong length', () => {
    expect(() => unvec([1, 2, 3], 2, 2)).toThrow(ShapeError);
    expect(() => unvec([1, 2, 3], 2, 2)).toThrow(/3 entries but 2 × 2 = 4/);
  });
});
