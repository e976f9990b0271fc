import { describe, expect, it } from 'vitest';
import { FisherkitError, ShapeError } from '../errors.js';
import { combine, frobeniusNorm, inner } from '../matrix/elementwise.js';
import { zeros, type Matrix } from '../matrix/matrix.js';
import { matmulTransA } from '../matrix/multiply.js';
import { createRng } from '../random/rng.js';
import { denseFisher } from './dense-fisher.js';
import { denseKroneckerSum } from './dense-kronecker-sum.js';
import { fisherEigenvalues } from './fisher-eigenvalues.js';
import { fisherKroneckerInner } from './fisher-kronecker-inner.js';
import { fisherNormSquared } from './fisher-norm-squared.js';
import { kron } from './kron.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { kroneckerSumNormSquared } from './kronecker-sum-norm-squared.js';
import { relativeFisherError } from './relative-fisher-error.js';
import { rfOperator } from './rf-operator.js';
import { denseEigenvalues } from './svd-reference.test-support.js';
import { randomSamples, randomSymmetric } from './test-support.js';
import { topKroneckerPairs } from './top-kronecker-pairs.js';

function kfacTerm(a: Matrix, g: Matrix): KroneckerTerm {
  const m = a.rows;
  const A = matmulTransA(a, a);
  const G = matmulTransA(g, g);
  return { A: { ...A, data: A.data.map((v) => v / m) }, G: { ...G, data: G.data.map((v) => v / m) } };
}

describe('matrix-free Fisher metrics', () => {
  it('‖F‖², ⟨F, X ⊗ Y⟩ and ‖Σ A_k ⊗ G_k‖² match the dense computations', () => {
    const rng = createRng(601);
    for (let t = 0; t < 40; t++) {
      const da = 1 + rng.int(7);
      const dg = 1 + rng.int(7);
      const { a, g } = randomSamples(rng, 1 + rng.int(12), da, dg);
      const f = denseFisher(a, g);
      const normF2 = frobeniusNorm(f) ** 2;
      expect(Math.abs(fisherNormSquared(a, g) - normF2)).toBeLessThan(1e-12 * normF2);
      const term = { A: randomSymmetric(rng, da), G: randomSymmetric(rng, dg) };
      const dense = inner(f, kron(term.A, term.G));
      expect(Math.abs(fisherKroneckerInner(a, g, term) - dense)).toBeLessThan(1e-12 * Math.sqrt(normF2) * frobeniusNorm(term.A) * frobeniusNorm(term.G));
      const terms = [term, { A: randomSymmetric(rng, da), G: randomSymmetric(rng, dg) }];
      const sumNorm2 = frobeniusNorm(denseKroneckerSum(terms)) ** 2;
      expect(Math.abs(kroneckerSumNormSquared(terms) - sumNorm2)).toBeLessThan(1e-12 * sumNorm2);
    }
    expect(kroneckerSumNormSquared([])).toBe(0);
  });

  it('relativeFisherError matches ‖F − F̃‖_F / ‖F‖_F for KFAC and KPSVD terms', () => {
    const rng = createRng(602);
    for (let t = 0; t < 30; t++) {
      const da = 1 + rng.int(7);
      const dg = 1 + rng.int(7);
      const { a, g } = randomSamples(rng, 2 + rng.int(11), da, dg);
      const f = denseFisher(a, g);
      const candidates: KroneckerTerm[][] = [[kfacTerm(a, g)]];
      if (Math.min(da * da, dg * dg) >= 2) candidates.push(topKroneckerPairs(rfOperator(a, g), 2).terms);
      for (const terms of candidates) {
        const dense = frobeniusNorm(combine(1, f, -1, denseKroneckerSum(terms))) / frobeniusNorm(f);
        expect(Math.abs(relativeFisherError(a, g, terms) - dense)).toBeLessThan(1e-9 + 1e-9 * dense);
      }
    }
  });

  it('relativeFisherError is ≈ 0 for an exact Kronecker block (m = 1) and 1 for no terms', () => {
    const rng = createRng(603);
    const { a, g } = randomSamples(rng, 1, 4, 3);
    const { terms } = topKroneckerPairs(rfOperator(a, g), 1);
    expect(relativeFisherError(a, g, terms)).toBeLessThan(1e-6);
    expect(relativeFisherError(a, g, [])).toBe(1);
  });

  it('relativeFisherError rejects a zero block and mismatched terms', () => {
    expect(() => relativeFisherError(zeros(2, 2), zeros(2, 3), [])).toThrow(FisherkitError);
    expect(() => relativeFisherError(zeros(2, 2), zeros(2, 3), [])).toThrow(/zero/);
    const rng = createRng(604);
    const { a, g } = randomSamples(rng, 3, 2, 3);
    expect(() => relativeFisherError(a, g, [{ A: zeros(3, 3), G: zeros(3, 3) }])).toThrow(ShapeError);
    expect(() => fisherNormSquared(a, zeros(4, 3))).toThrow(ShapeError);
  });

  it('fisherEigenvalues equals the dense eigenvalues of F (sorted descending)', () => {
    const rng = createRng(605);
    for (let t = 0; t < 30; t++) {
      const m = 1 + rng.int(12);
      const da = 1 + rng.int(5);
      const dg = 1 + rng.int(5);
      const { a, g } = randomSamples(rng, m, da, dg);
      const ours = fisherEigenvalues(a, g);
      const dense = denseEigenvalues(denseFisher(a, g));
      expect(ours.length).toBe(m);
      const top = dense[0];
      for (let j = 0; j < Math.min(m, dense.length); j++) expect(Math.abs(ours[j] - dense[j])).toBeLessThan(1e-10 * top);
      for (let j = dense.length; j < m; j++) expect(Math.abs(ours[j])).toBeLessThan(1e-10 * top);
      for (let j = 1; j < m; j++) expect(ours[j]).toBeLessThanOrEqual(ours[j - 1]);
    }
  });
});
