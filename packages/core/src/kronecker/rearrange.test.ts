import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { combine, frobeniusNorm } from '../matrix/elementwise.js';
import { zeros } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { denseFisher } from './dense-fisher.js';
import { kron } from './kron.js';
import { rearrange } from './rearrange.js';
import { diffNorm, outer, randomMatrix, randomSamples } from './test-support.js';
import { vec } from './vec.js';

describe('rearrange', () => {
  it('maps X ⊗ Y to vec(X) vec(Y)ᵀ', () => {
    const rng = createRng(21);
    for (let t = 0; t < 30; t++) {
      const da = 1 + rng.int(5);
      const dg = 1 + rng.int(5);
      const x = randomMatrix(rng, da, da);
      const y = randomMatrix(rng, dg, dg);
      const r = rearrange(kron(x, y), da, dg);
      expect(r.rows).toBe(da * da);
      expect(r.cols).toBe(dg * dg);
      expect(diffNorm(r.data, outer(vec(x), vec(y)).data)).toBeLessThan(1e-14 * (1 + frobeniusNorm(r)));
    }
  });

  it('preserves the Frobenius distance to a Kronecker product', () => {
    const rng = createRng(22);
    for (let t = 0; t < 20; t++) {
      const da = 1 + rng.int(5);
      const dg = 1 + rng.int(5);
      const { a, g } = randomSamples(rng, 1 + rng.int(12), da, dg);
      const f = denseFisher(a, g);
      const x = randomMatrix(rng, da, da);
      const y = randomMatrix(rng, dg, dg);
      const lhs = frobeniusNorm(combine(1, f, -1, kron(x, y)));
      const rhs = frobeniusNorm(combine(1, rearrange(f, da, dg), -1, outer(vec(x), vec(y))));
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-12 * lhs);
    }
  });

  it('rejects a matrix of the wrong size', () => {
    expect(() => rearrange(zeros(6, 6), 2, 2)).toThrow(ShapeError);
    expect(() => rearrange(zeros(4, 4), 0, 2)).toThrow(/positive integers/);
  });
});
