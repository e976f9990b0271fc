import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { fromData, zeros, type Matrix } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { deflatedOperator } from './deflated-operator.js';
import { leadingKroneckerPair } from './leading-kronecker-pair.js';
import { scaledGram } from './scaled-gram.js';
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

describe('deflatedOperator, compressed, with KFAC factors of an ill-conditioned sample Gram', () => {
  // 32 gradient rows that are 3 base rows plus 1e-5 noise: the squared Gram is nearly singular, so
  // the KFAC factor G = gᵀg/m (in the span exactly) round-trips through the coordinates at ≈ 1.7e-9.
  function nearlyRepeated(): { a: Matrix; g: Matrix } {
    const rng = createRng(2);
    const [m, da, dg, k] = [32, 6, 12, 3];
    const base = Array.from({ length: k * dg }, () => rng.normal());
    const g = new Float64Array(m * dg);
    for (let i = 0; i < m; i++) for (let j = 0; j < dg; j++) g[i * dg + j] = base[(i % k) * dg + j] + 1e-5 * rng.normal();
    const a = new Float64Array(m * da);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < da - 1; j++) a[i * da + j] = rng.normal();
      a[i * da + da - 1] = 1;
    }
    return { a: fromData(m, da, a), g: fromData(m, dg, g) };
  }

  it('keeps the compressed form (its resolution is √GRAM_CUTOFF) and finds the explicit operator’s leading pair', () => {
    const { a, g } = nearlyRepeated();
    const kfac = { A: scaledGram(a, 1 / a.rows), G: scaledGram(g, 1 / g.rows) };
    const compressed = deflatedOperator(rfOperator(a, g, { compressed: true }), [kfac]);
    expect(compressed.compressed).toBeDefined();
    const explicit = deflatedOperator(rfOperator(a, g, { compressed: false }), [kfac]);
    expect(explicit.compressed).toBeUndefined();
    const fast = leadingKroneckerPair(compressed, { tol: 1e-10, maxIterations: 2000 });
    const slow = leadingKroneckerPair(explicit, { tol: 1e-10, maxIterations: 2000 });
    expect(Math.abs(fast.sigma - slow.sigma)).toBeLessThan(1e-6 * slow.sigma);
    const term = (t: { A: Matrix; G: Matrix }) => rearrangedSum([t]);
    expect(diffNorm(term(fast.term).data, term(slow.term).data)).toBeLessThan(1e-5 * normOf(term(slow.term).data));
  });
});
