import { describe, expect, it } from 'vitest';
import { OptionError, ShapeError } from '../errors.js';
import { trace } from '../matrix/elementwise.js';
import { zeros } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { denseFisher } from './dense-fisher.js';
import { leadingKroneckerPair } from './leading-kronecker-pair.js';
import { rearrange } from './rearrange.js';
import { rfOperator } from './rf-operator.js';
import { denseEigenvalues, denseSvd } from './svd-reference.test-support.js';
import { diffNorm, prescribedOperator, randomSamples, rearrangedSum } from './test-support.js';
import { topKroneckerPairs } from './top-kronecker-pairs.js';

describe('topKroneckerPairs', () => {
  for (const k of [1, 2, 3]) {
    it(`reaches the dense rank-${k} truncated SVD of R(F) on random layers`, () => {
      const rng = createRng(400 + k);
      let compared = 0;
      let cases = 0;
      for (let t = 0; t < 60; t++) {
        const m = 1 + rng.int(12);
        const da = 1 + rng.int(7);
        const dg = 1 + rng.int(7);
        if (k > Math.min(da * da, dg * dg)) continue;
        cases++;
        const { a, g } = randomSamples(rng, m, da, dg);
        const ref = denseSvd(rearrange(denseFisher(a, g), da, dg));
        const res = topKroneckerPairs(rfOperator(a, g), k, { tol: 1e-10 });
        expect(res.converged).toBe(true);
        expect(res.terms).toHaveLength(k);
        expect(res.residuals.every((r) => r <= 1e-10)).toBe(true);
        const s1 = ref.sigmas[0];
        res.sigmas.forEach((s, j) => expect(Math.abs(s - ref.sigmas[j])).toBeLessThanOrEqual(1e-6 * ref.sigmas[j] + 1e-12 * s1));
        const next = ref.sigmas[k] ?? 0;
        if ((ref.sigmas[k - 1] - next) / s1 > 1e-3) {
          const err = diffNorm(rearrangedSum(res.terms).data, ref.truncated(k).data);
          expect(err).toBeLessThanOrEqual(1e-6 * s1);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(cases * 0.8);
    });
  }

  it('separates close singular values (Fisher-like operators with prescribed, full-rank spectra)', () => {
    const tail = (start: number, count: number) => Array.from({ length: count }, (_, j) => start * 0.93 ** j);
    const spectra = [
      [1, 0.999, 0.998, ...tail(0.9, 25)],
      [1, 0.5, 0.499, ...tail(0.45, 25)],
      [2, 1.9999, 1, 0.99, 0.98, 0.97, ...tail(0.96, 22)],
    ];
    let restarted = 0;
    spectra.forEach((sigmas, t) => {
      const { r, op } = prescribedOperator(410 + t, 7, 7, sigmas);
      const ref = denseSvd(r);
      for (const k of [1, 2, 3]) {
        const res = topKroneckerPairs(op, k, { tol: 1e-11 });
        expect(res.converged).toBe(true);
        if (res.restarts > 0) restarted++;
        res.sigmas.forEach((s, j) => expect(Math.abs(s - sigmas[j])).toBeLessThan(1e-9 * sigmas[0]));
        if (sigmas[k - 1] - sigmas[k] > 1e-3 * sigmas[0]) {
          expect(diffNorm(rearrangedSum(res.terms).data, ref.truncated(k).data)).toBeLessThan(1e-6 * sigmas[0]);
        }
      }
    });
    expect(restarted).toBeGreaterThan(0);
  });

  it('goes beyond a size-2 Krylov space: restarts until the rank-2 pairs converge', () => {
    const { r, op } = prescribedOperator(420, 6, 6, [1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.3]);
    const ref = denseSvd(r);
    const res = topKroneckerPairs(op, 2, { tol: 1e-10, krylovSize: 4, maxRestarts: 500 });
    expect(res.converged).toBe(true);
    expect(res.restarts).toBeGreaterThan(0);
    expect(diffNorm(rearrangedSum(res.terms).data, ref.truncated(2).data)).toBeLessThan(1e-6);
  });

  it('handles rank-deficient blocks (m < k): extra pairs are zero', () => {
    const rng = createRng(430);
    for (const [m, da, dg] of [
      [1, 5, 6],
      [2, 7, 7],
      [1, 2, 1],
    ]) {
      const { a, g } = randomSamples(rng, m, da, dg);
      const k = Math.min(3, da * da, dg * dg);
      const ref = denseSvd(rearrange(denseFisher(a, g), da, dg));
      const res = topKroneckerPairs(rfOperator(a, g), k);
      expect(res.converged).toBe(true);
      res.sigmas.forEach((s, j) => expect(Math.abs(s - (ref.sigmas[j] ?? 0))).toBeLessThan(1e-9 * ref.sigmas[0]));
      expect(diffNorm(rearrangedSum(res.terms).data, ref.truncated(Math.min(k, m)).data)).toBeLessThan(1e-7 * ref.sigmas[0]);
    }
  });

  it('fixes signs: tr(A₁) > 0 with PSD A₁, G₁; later pairs follow references', () => {
    const rng = createRng(440);
    for (let t = 0; t < 15; t++) {
      const da = 2 + rng.int(6);
      const dg = 2 + rng.int(6);
      const { a, g } = randomSamples(rng, 3 + rng.int(10), da, dg);
      const op = rfOperator(a, g);
      const res = topKroneckerPairs(op, 2);
      const [A1, G1] = [res.terms[0].A, res.terms[0].G];
      expect(trace(A1)).toBeGreaterThan(0);
      for (const f of [A1, G1]) {
        const ev = denseEigenvalues(f);
        expect(ev[ev.length - 1]).toBeGreaterThanOrEqual(-1e-10 * ev[0]);
      }
      const second = res.terms[1];
      const flipped = { A: { ...second.A, data: second.A.data.map((v) => -v) }, G: second.G };
      const again = topKroneckerPairs(op, 2, { references: [res.terms[0], flipped] });
      expect(diffNorm(again.terms[1].A.data, flipped.A.data)).toBeLessThan(1e-6 * (1 + Math.sqrt(res.sigmas[1])));
    }
  });

  it('agrees with the power iteration and accepts a warm start', () => {
    const rng = createRng(450);
    const { a, g } = randomSamples(rng, 12, 7, 6);
    const op = rfOperator(a, g);
    const power = leadingKroneckerPair(op, { tol: 1e-12, maxIterations: 10000 });
    const lanczos = topKroneckerPairs(op, 1, { tol: 1e-12 });
    expect(Math.abs(power.sigma - lanczos.sigmas[0])).toBeLessThan(1e-10 * power.sigma);
    expect(diffNorm(power.term.A.data, lanczos.terms[0].A.data)).toBeLessThan(1e-6);
    const warm = topKroneckerPairs(op, 2, { tol: 1e-10, warmStart: power.term.G });
    const cold = topKroneckerPairs(op, 2, { tol: 1e-10 });
    expect(warm.converged).toBe(true);
    expect(Math.abs(warm.sigmas[1] - cold.sigmas[1])).toBeLessThan(1e-9 * cold.sigmas[0]);
  });

  it('runs on the smaller side when d_a² < d_g² and when d_a = 1', () => {
    const rng = createRng(460);
    for (const [da, dg] of [
      [1, 5],
      [2, 7],
      [7, 2],
      [1, 1],
    ]) {
      const { a, g } = randomSamples(rng, 9, da, dg);
      const ref = denseSvd(rearrange(denseFisher(a, g), da, dg));
      const k = Math.min(2, da * da, dg * dg);
      const res = topKroneckerPairs(rfOperator(a, g), k, { tol: 1e-11 });
      expect(res.converged).toBe(true);
      expect(diffNorm(rearrangedSum(res.terms).data, ref.truncated(k).data)).toBeLessThan(1e-7 * ref.sigmas[0]);
    }
  });

  it('reports non-convergence when restarts run out', () => {
    const { op } = prescribedOperator(470, 7, 7, [1, 0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.93, 0.92]);
    const res = topKroneckerPairs(op, 2, { tol: 1e-12, krylovSize: 3, maxRestarts: 0 });
    expect(res.converged).toBe(false);
    expect(res.restarts).toBe(0);
    expect(res.iterations).toBe(3);
    expect(Math.max(...res.residuals)).toBeGreaterThan(1e-12);
  });

  it('validates k and its options', () => {
    const rng = createRng(480);
    const { a, g } = randomSamples(rng, 4, 2, 3);
    const op = rfOperator(a, g);
    expect(() => topKroneckerPairs(op, 0)).toThrow(OptionError);
    expect(() => topKroneckerPairs(op, 5)).toThrow(/min\(d_a², d_g²\) = 4/);
    expect(() => topKroneckerPairs(op, 2, { krylovSize: 2 })).toThrow(OptionError);
    expect(() => topKroneckerPairs(op, 2, { tol: -1 })).toThrow(OptionError);
    expect(() => topKroneckerPairs(op, 2, { maxRestarts: 1.5 })).toThrow(OptionError);
    expect(() => topKroneckerPairs(op, 2, { warmStart: zeros(2, 2) })).toThrow(ShapeError);
    expect(() => topKroneckerPairs(op, 2, { references: [{ A: zeros(3, 3), G: zeros(3, 3) }] })).toThrow(ShapeError);
  });
});
