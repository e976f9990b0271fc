import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { zeros } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { deflatedOperator } from './deflated-operator.js';
import { denseFisher } from './dense-fisher.js';
import { rearrange } from './rearrange.js';
import { rfOperator } from './rf-operator.js';
import { diffNorm, matTVec, matVec, normOf, randomMatrix, randomSamples, randomSymmetric, rearrangedSum } from './test-support.js';
import { vec } from './vec.js';

describe('deflatedOperator', () => {
  it('matches the dense R(F) − Σ vec(A_k) vec(G_k)ᵀ', () => {
    const rng = createRng(201);
    for (let t = 0; t < 25; t++) {
      const da = 1 + rng.int(6);
      const dg = 1 + rng.int(6);
      const { a, g } = randomSamples(rng, 1 + rng.int(12), da, dg);
      const terms = Array.from({ length: 1 + rng.int(2) }, () => ({ A: randomSymmetric(rng, da), G: randomSymmetric(rng, dg) }));
      const correction = rearrangedSum(terms);
      const r = rearrange(denseFisher(a, g), da, dg);
      const dense = r.data.map((v, e) => v - correction.data[e]);
      const denseR = { rows: r.rows, cols: r.cols, data: dense };
      const op = deflatedOperator(rfOperator(a, g), terms);
      const y = randomMatrix(rng, dg, dg);
      const x = randomMatrix(rng, da, da);
      const ref1 = matVec(denseR, vec(y));
      const ref2 = matTVec(denseR, vec(x));
      expect(diffNorm(vec(op.times(y)), ref1)).toBeLessThanOrEqual(1e-12 * normOf(ref1));
      expect(diffNorm(vec(op.transposeTimes(x)), ref2)).toBeLessThanOrEqual(1e-12 * normOf(ref2));
    }
  });

  it('copies the terms and rejects terms of the wrong size', () => {
    const rng = createRng(202);
    const { a, g } = randomSamples(rng, 3, 2, 2);
    const term = { A: randomSymmetric(rng, 2), G: randomSymmetric(rng, 2) };
    const op = deflatedOperator(rfOperator(a, g), [term]);
    const y = randomMatrix(rng, 2, 2);
    const before = op.times(y);
    term.A.data.fill(100);
    expect(Array.from(op.times(y).data)).toEqual(Array.from(before.data));
    expect(() => deflatedOperator(rfOperator(a, g), [{ A: zeros(3, 3), G: zeros(2, 2) }])).toThrow(ShapeError);
  });
});
