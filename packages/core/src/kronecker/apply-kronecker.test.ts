import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../errors.js';
import { zeros } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { applyKronecker } from './apply-kronecker.js';
import { kron } from './kron.js';
import { diffNorm, matVec, normOf, randomMatrix, randomSymmetric } from './test-support.js';
import { vec } from './vec.js';

describe('applyKronecker', () => {
  it('equals kron(A, G) · vec(V) for symmetric factors', () => {
    const rng = createRng(31);
    for (let t = 0; t < 30; t++) {
      const da = 1 + rng.int(7);
      const dg = 1 + rng.int(7);
      const A = randomSymmetric(rng, da);
      const G = randomSymmetric(rng, dg);
      const v = randomMatrix(rng, dg, da);
      const out = applyKronecker({ A, G }, v);
      expect(out.rows).toBe(dg);
      expect(out.cols).toBe(da);
      const ref = matVec(kron(A, G), vec(v));
      expect(diffNorm(vec(out), ref)).toBeLessThan(1e-13 * (1 + normOf(ref)));
    }
  });

  it('rejects a gradient of the wrong shape or with NaN', () => {
    const term = { A: zeros(3, 3), G: zeros(2, 2) };
    expect(() => applyKronecker(term, zeros(3, 2))).toThrow(ShapeError);
    const bad = zeros(2, 3);
    bad.data[4] = NaN;
    expect(() => applyKronecker(term, bad)).toThrow(NonFiniteError);
  });
});
