import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { zeros } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { denseKroneckerSum } from './dense-kronecker-sum.js';
import { kron } from './kron.js';
import { diffNorm, randomSymmetric } from './test-support.js';

describe('denseKroneckerSum', () => {
  it('adds the dense Kronecker products', () => {
    const rng = createRng(41);
    const terms = [0, 1, 2].map(() => ({ A: randomSymmetric(rng, 3), G: randomSymmetric(rng, 2) }));
    const sum = denseKroneckerSum(terms);
    const ref = terms.map((t) => kron(t.A, t.G).data).reduce((acc, d) => acc.map((v, e) => v + d[e]));
    expect(diffNorm(sum.data, ref)).toBeLessThan(1e-13);
  });

  it('rejects an empty list and terms of different sizes', () => {
    expect(() => denseKroneckerSum([])).toThrow(ShapeError);
    expect(() =>
      denseKroneckerSum([
        { A: zeros(2, 2), G: zeros(3, 3) },
        { A: zeros(2, 2), G: zeros(2, 2) },
      ]),
    ).toThrow(/terms\[1\]\.G must be 3 × 3/);
  });
});
