import { describe, expect, it } from 'vitest';
import { NonFiniteError, OptionError, ShapeError } from '../errors.js';
import { trace } from '../matrix/elementwise.js';
import { zeros } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { deflatedOperator } from './deflated-operator.js';
import { denseFisher } from './dense-fisher.js';
import { leadingKroneckerPair } from './leading-kronecker-pair.js';
import { rearrange } from './rearrange.js';
import { rfOperator } from './rf-operator.js';
import { denseEigenvalues, denseSvd } from './svd-reference.test-support.js';
import { diffNorm, prescribedOperator, randomSamples, rearrangedSum } from './test-support.js';

describe('leadingKroneckerPair', () => {
  it('finds the leading singular pair of the dense R(F) on random layers', () => {
    const rng = createRng(301);
    let compared = 0;
    for (let t = 0; t < 60; t++) {
      const m = 1 + rng.int(12);
      const da = 1 + rng.int(7);
      const dg = 1 + rng.int(7);
      const { a, g } = randomSamples(rng, m, da, dg);
      const r = rearrange(denseFisher(a, g), da, dg);
      const ref = denseSvd(r);
      const res = leadingKroneckerPair(rfOperator(a, g), { tol: 1e-12, maxIterations: 20000 });
      expect(res.converged).toBe(true);
      expect(res.residual).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(res.sigma - ref.sigmas[0])).toBeLessThanOrEqual(1e-10 * ref.sigmas[0]);
      const gap = ref.sigmas.length > 1 ? (ref.sigmas[0] - ref.sigmas[1]) / ref.sigmas[0] : 1;
      if (gap > 1e-4) {
        const err = diffNorm(rearrangedSum([res.term]).data, ref.truncated(1).data);
        expect(err).toBeLessThanOrEqual(1e-6 * ref.sigmas[0]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(50);
  });

  it('fixes the sign: tr(A) > 0 and A, G positive semidefinite for Fisher data', () => {
    const rng = createRng(302);
    for (let t = 0; t < 30; t++) {
      const da = 1 + rng.int(7);
      const dg = 1 + rng.int(7);
      const { a, g } = randomSamples(rng, 1 + rng.int(12), da, dg);
      const { term } = leadingKroneckerPair(rfOperator(a, g), { tol: 1e-10, maxIterations: 5000 });
      expect(trace(term.A)).toBeGreaterThan(0);
      for (const f of [term.A, term.G]) {
        const ev = denseEigenvalues(f);
        expect(ev[ev.length - 1]).toBeGreaterThanOrEqual(-1e-10 * ev[0]);
        for (let i = 0; i < f.rows; i++) for (let j = 0; j < f.rows; j++) expect(f.data[i * f.rows + j]).toBe(f.data[j * f.rows + i]);
      }
    }
  });

  it('resolves close leading singular values when given enough iterations', () => {
    const { r, op } = prescribedOperator(303, 4, 3, [1, 0.98, 0.5, 0.2]);
    const ref = denseSvd(r);
    const res = leadingKroneckerPair(op, { tol: 1e-12, maxIterations: 10000 });
    expect(res.converged).toBe(true);
    expect(res.iterations).toBeGreaterThan(50);
    expect(Math.abs(res.sigma - 1)).toBeLessThan(1e-12);
    expect(diffNorm(rearrangedSum([res.term]).data, ref.truncated(1).data)).toBeLessThan(1e-6);
  });

  it('finds the second pair on the deflated operator (Deflation method)', () => {
    const rng = createRng(304);
    const { a, g } = randomSamples(rng, 10, 4, 3);
    const op = rfOperator(a, g);
    const first = leadingKroneckerPair(op, { tol: 1e-13, maxIterations: 20000 });
    const second = leadingKroneckerPair(deflatedOperator(op, [first.term]), { tol: 1e-12, maxIterations: 20000 });
    const ref = denseSvd(rearrange(denseFisher(a, g), 4, 3));
    expect(second.converged).toBe(true);
    expect(Math.abs(second.sigma - ref.sigmas[1])).toBeLessThan(1e-8 * ref.sigmas[0]);
    const err = diffNorm(rearrangedSum([first.term, second.term]).data, ref.truncated(2).data);
    expect(err).toBeLessThan(1e-6 * ref.sigmas[0]);
  });

  it('converges faster from a warm start (the previous G)', () => {
    const rng = createRng(305);
    const { a, g } = randomSamples(rng, 12, 6, 5);
    const cold = leadingKroneckerPair(rfOperator(a, g), { tol: 1e-10, maxIterations: 1000 });
    expect(cold.converged).toBe(true);
    const a2 = { ...a, data: a.data.map((v) => v + 1e-3 * rng.normal()) };
    const g2 = { ...g, data: g.data.map((v) => v + 1e-3 * rng.normal()) };
    const freshCold = leadingKroneckerPair(rfOperator(a2, g2), { tol: 1e-10, maxIterations: 1000 });
    const warm = leadingKroneckerPair(rfOperator(a2, g2), { tol: 1e-10, maxIterations: 1000, warmStart: cold.term.G });
    expect(warm.converged).toBe(true);
    expect(warm.iterations).toBeLessThan(freshCold.iterations);
    expect(Math.abs(warm.sigma - freshCold.sigma)).toBeLessThan(1e-9 * freshCold.sigma);
  });

  it('reports non-convergence at the iteration cap', () => {
    const rng = createRng(306);
    const { a, g } = randomSamples(rng, 12, 5, 5);
    const res = leadingKroneckerPair(rfOperator(a, g), { tol: 1e-12, maxIterations: 1 });
    expect(res.converged).toBe(false);
    expect(res.iterations).toBe(1);
    expect(res.residual).toBeGreaterThan(1e-12);
    expect(Number.isFinite(res.sigma)).toBe(true);
  });

  it('keeps the sign of a reference', () => {
    const rng = createRng(307);
    const { a, g } = randomSamples(rng, 8, 3, 3);
    const op = rfOperator(a, g);
    const first = leadingKroneckerPair(op, { tol: 1e-12, maxIterations: 5000 });
    const flipped = { A: { ...first.term.A, data: first.term.A.data.map((v) => -v) }, G: { ...first.term.G, data: first.term.G.data.map((v) => -v) } };
    const again = leadingKroneckerPair(op, { tol: 1e-12, maxIterations: 5000, reference: flipped });
    expect(trace(again.term.A)).toBeLessThan(0);
    expect(diffNorm(again.term.A.data, flipped.A.data)).toBeLessThan(1e-8);
  });

  it('returns σ = 0 for a zero Fisher block and validates its input', () => {
    const op = rfOperator(zeros(3, 2), zeros(3, 2));
    const res = leadingKroneckerPair(op);
    expect(res).toMatchObject({ sigma: 0, converged: true });
    expect(Array.from(res.term.A.data).every((v) => v === 0)).toBe(true);
    const rng = createRng(308);
    const { a, g } = randomSamples(rng, 3, 2, 2);
    const live = rfOperator(a, g);
    expect(() => leadingKroneckerPair(live, { tol: 0 })).toThrow(OptionError);
    expect(() => leadingKroneckerPair(live, { maxIterations: 0 })).toThrow(OptionError);
    expect(() => leadingKroneckerPair(live, { warmStart: zeros(3, 3) })).toThrow(ShapeError);
    const nanStart = zeros(2, 2);
    nanStart.data[0] = NaN;
    expect(() => leadingKroneckerPair(live, { warmStart: nanStart })).toThrow(NonFiniteError);
    expect(() => leadingKroneckerPair(live, { reference: { A: zeros(2, 2), G: zeros(3, 3) } })).toThrow(ShapeError);
  });
});
