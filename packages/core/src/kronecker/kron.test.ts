import { kron as mathKron, matrix } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { fromRows, identity, toRows } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { kron } from './kron.js';
import { randomMatrix } from './test-support.js';

describe('kron', () => {
  it('puts X_ij · Y in block (i, j)', () => {
    expect(toRows(kron(identity(2), fromRows([[1, 2], [3, 4]])))).toEqual([
      [1, 2, 0, 0],
      [3, 4, 0, 0],
      [0, 0, 1, 2],
      [0, 0, 3, 4],
    ]);
  });

  it('matches mathjs kron on random rectangular factors', () => {
    const rng = createRng(5);
    for (let t = 0; t < 5; t++) {
      const x = randomMatrix(rng, 1 + rng.int(3), 1 + rng.int(3));
      const y = randomMatrix(rng, 1 + rng.int(3), 1 + rng.int(3));
      const ref = (mathKron(matrix(toRows(x)), matrix(toRows(y))).toArray() as number[][]);
      const ours = toRows(kron(x, y));
      expect(ours.length).toBe(ref.length);
      ours.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(ref[i][j], 14)));
    }
  });
});
