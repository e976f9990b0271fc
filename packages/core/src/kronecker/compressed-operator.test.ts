import { describe, expect, it } from 'vitest';
import { OptionError, ShapeError } from '../errors.js';
import { fromData, zeros, type Matrix } from '../matrix/matrix.js';
import { createRng, type Rng } from '../random/rng.js';
import { deflatedOperator } from './deflated-operator.js';
import { denseFisher } from './dense-fisher.js';
import type { KroneckerOperator } from './kronecker-operator.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { leadingKroneckerPair } from './leading-kronecker-pair.js';
import { rearrange } from './rearrange.js';
import { rfOperator } from './rf-operator.js';
import { denseSvd } from './svd-reference.test-support.js';
import { diffNorm, normOf, randomMatrix, randomSamples, randomSymmetric, rearrangedSum } from './test-support.js';
import { topKroneckerPairs } from './top-kronecker-pairs.js';

/** Fisher samples, optionally with dead input units (zero columns of a, bias column kept). */
function samples(rng: Rng, m: number, da: number, dg: number, dead = 0): { a: Matrix; g: Matrix } {
  const { a, g } = randomSamples(rng, m, da, dg);
  for (let c = 0; c < dead; c++) for (let i = 0; i < m; i++) a.data[i * da + c] = 0;
  return { a, g };
}

/** KFAC's factors `aᵀa/m`, `gᵀg/m`. */
function kfacTerm(a: Matrix, g: Matrix): KroneckerTerm {
  const gram = (z: Matrix): Matrix => {
    const d = z.cols;
    const out = zeros(d, d);
    for (let i = 0; i < z.rows; i++) {
      for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) out.data[p * d + q] += (z.data[i * d + p] * z.data[i * d + q]) / z.rows;
    }
    return out;
  };
  return { A: gram(a), G: gram(g) };
}

/** The two views of one batch: explicit products only, and the compressed form. */
function both(a: Matrix, g: Matrix): { explicit: KroneckerOperator; compressed: KroneckerOperator } {
  const explicit = rfOperator(a, g, { compressed: false });
  const compressed = rfOperator(a, g, { compressed: true });
  expect(explicit.compressed).toBeUndefined();
  expect(compressed.compressed).toBeDefined();
  return { explicit, compressed };
}

/** An operator that only exposes `compressed`: any explicit product fails the test. */
function compressedOnly(op: KroneckerOperator): KroneckerOperator {
  const c = op.compressed;
  expect(c).toBeDefined();
  const fail = (): Matrix => {
    throw new Error('explicit product called although a compressed form exists');
  };
  return { da: op.da, dg: op.dg, times: fail, transposeTimes: fail, compressed: c };
}

/** ‖R(Σ terms₁) − R(Σ terms₂)‖_F. */
function termsDistance(t1: KroneckerTerm[], t2: KroneckerTerm[]): number {
  return diffNorm(rearrangedSum(t1).data, rearrangedSum(t2).data);
}

const SHAPES: Array<{ m: number; da: number; dg: number; dead: number; label: string }> = [
  { m: 6, da: 8, dg: 7, dead: 0, label: 'm < d' },
  { m: 9, da: 7, dg: 9, dead: 3, label: 'm < d, dead units' },
  { m: 40, da: 4, dg: 5, dead: 0, label: 'm > d(d+1)/2 (rank-deficient Gram matrices)' },
  { m: 30, da: 6, dg: 3, dead: 2, label: 'm > d, dead units' },
];

describe('compressed R(F) (isometric m-dimensional coordinates)', () => {
  it('represents R(F) exactly: lift(M encode(Y)) = R(F) vec(Y), isometric inner products', () => {
    const rng = createRng(901);
    for (const { m, da, dg, dead } of SHAPES) {
      const { a, g } = samples(rng, m, da, dg, dead);
      const op = rfOperator(a, g, { compressed: true });
      const c = op.compressed!;
      expect([c.leftDim, c.rightDim]).toEqual([m, m]);
      const Y = randomMatrix(rng, dg, dg);
      const X = randomMatrix(rng, da, da);
      const ry = op.times(Y).data;
      const rx = op.transposeTimes(X).data;
      expect(diffNorm(c.liftLeft(c.times(c.encodeRight(Y))).data, ry)).toBeLessThan(1e-10 * normOf(ry));
      expect(diffNorm(c.liftRight(c.transposeTimes(c.encodeLeft(X))).data, rx)).toBeLessThan(1e-10 * normOf(rx));
      // ⟨X, R(Y)⟩ in coordinates, and the norm of a vector of the range
      const inner = Array.from(X.data).reduce((s, v, e) => s + v * ry[e], 0);
      const xc = c.encodeLeft(X);
      const mc = c.times(c.encodeRight(Y));
      expect(Math.abs(xc.reduce((s, v, i) => s + v * mc[i], 0) - inner)).toBeLessThan(1e-10 * normOf(X.data) * normOf(ry));
      expect(Math.abs(normOf(mc) - normOf(ry))).toBeLessThan(1e-10 * normOf(ry));
      // same-batch terms are in the spans, others are not
      const kfac = kfacTerm(a, g);
      expect(c.encodeLeftTerm(kfac.A)).not.toBeNull();
      expect(c.encodeRightTerm(kfac.G)).not.toBeNull();
      expect(c.encodeLeftTerm(randomMatrix(rng, da, da))).toBeNull(); // not symmetric
      expect(c.encodeRightTerm(randomMatrix(rng, dg, dg))).toBeNull();
      // span(U) is all symmetric matrices of the live units once m ≥ (live units)(live units + 1)/2
      const live = da - dead;
      expect(c.encodeLeftTerm(randomSymmetric(rng, da)) === null).toBe(dead > 0 || m < (live * (live + 1)) / 2);
      expect(() => c.times(new Float64Array(m + 1))).toThrow(ShapeError);
      expect(() => c.encodeRight(zeros(da + dg, da + dg))).toThrow(ShapeError);
    }
  });

  it('is offered when cheaper (m² ≤ 16 (d_a² + d_g²)) unless forced either way', () => {
    const rng = createRng(902);
    const small = samples(rng, 5, 4, 3);
    expect(rfOperator(small.a, small.g).compressed).toBeDefined();
    expect(rfOperator(small.a, small.g, { compressed: false }).compressed).toBeUndefined();
    const edge = samples(rng, 20, 4, 3);
    expect(rfOperator(edge.a, edge.g).compressed).toBeDefined();
    const large = samples(rng, 21, 4, 3);
    expect(rfOperator(large.a, large.g).compressed).toBeUndefined();
    expect(rfOperator(large.a, large.g, { compressed: true }).compressed).toBeDefined();
    expect(() => rfOperator(small.a, small.g, { compressed: 'yes' as unknown as boolean })).toThrow(OptionError);
  });

  for (const { m, da, dg, dead, label } of SHAPES) {
    it(`leadingKroneckerPair: same iterates and result as the explicit path (${label})`, () => {
      const rng = createRng(910 + m);
      const { a, g } = samples(rng, m, da, dg, dead);
      const { explicit, compressed } = both(a, g);
      for (const tol of [1e-6, 1e-12]) {
        const e = leadingKroneckerPair(explicit, { tol, maxIterations: 5000 });
        const c = leadingKroneckerPair(compressedOnly(compressed), { tol, maxIterations: 5000 });
        expect(c.iterations).toBe(e.iterations);
        expect(c.converged).toBe(e.converged);
        expect(Math.abs(c.sigma - e.sigma)).toBeLessThan(1e-12 * e.sigma);
        expect(Math.abs(c.residual - e.residual)).toBeLessThan(1e-6 * e.residual + 1e-14);
        expect(termsDistance([c.term], [e.term])).toBeLessThan(1e-8 * e.sigma);
        for (const [x, y] of [
          [c.term.A, e.term.A],
          [c.term.G, e.term.G],
        ]) {
          expect(diffNorm(x.data, y.data)).toBeLessThan(1e-8 * normOf(y.data));
        }
      }
    });

    it(`leadingKroneckerPair: warm starts enter through their projection (${label})`, () => {
      const rng = createRng(920 + m);
      const { a, g } = samples(rng, m, da, dg, dead);
      const { explicit, compressed } = both(a, g);
      const previous = leadingKroneckerPair(explicit, { tol: 1e-6, maxIterations: 5000 });
      const cold = leadingKroneckerPair(compressedOnly(compressed), { tol: 1e-10, maxIterations: 5000 });
      for (const noise of [1e-6, 0.3]) {
        // the warm start also has components outside span(V), which the operator annihilates
        const warmStart = fromData(dg, dg, previous.term.G.data.map((v) => v + noise * rng.normal()));
        const e = leadingKroneckerPair(explicit, { tol: 1e-10, maxIterations: 5000, warmStart });
        const c = leadingKroneckerPair(compressedOnly(compressed), { tol: 1e-10, maxIterations: 5000, warmStart });
        expect(c.iterations).toBe(e.iterations);
        if (noise < 1e-3) expect(c.iterations).toBeLessThan(cold.iterations);
        expect(Math.abs(c.sigma - e.sigma)).toBeLessThan(1e-12 * e.sigma);
        expect(termsDistance([c.term], [e.term])).toBeLessThan(1e-8 * e.sigma);
      }
    });

    it(`topKroneckerPairs k = 1..3 agrees with the explicit path and the dense SVD (${label})`, () => {
      const rng = createRng(930 + m);
      const { a, g } = samples(rng, m, da, dg, dead);
      const { explicit, compressed } = both(a, g);
      const ref = denseSvd(rearrange(denseFisher(a, g), da, dg));
      const s1 = ref.sigmas[0];
      const warmStart = leadingKroneckerPair(explicit, { tol: 1e-2 }).term.G;
      for (const k of [1, 2, 3]) {
        for (const options of [{ tol: 1e-12 }, { tol: 1e-12, warmStart }]) {
          const e = topKroneckerPairs(explicit, k, options);
          const c = topKroneckerPairs(compressedOnly(compressed), k, options);
          expect(e.converged).toBe(true);
          expect(c.converged).toBe(true);
          expect(c.residuals.every((r) => r <= 1e-12)).toBe(true);
          c.sigmas.forEach((s, j) => {
            expect(Math.abs(s - e.sigmas[j])).toBeLessThan(1e-10 * s1);
            expect(Math.abs(s - ref.sigmas[j])).toBeLessThan(1e-10 * s1);
          });
          expect(ref.sigmas[k - 1] - (ref.sigmas[k] ?? 0)).toBeGreaterThan(1e-3 * s1);
          expect(termsDistance(c.terms, e.terms)).toBeLessThan(1e-8 * s1);
          expect(diffNorm(rearrangedSum(c.terms).data, ref.truncated(k).data)).toBeLessThan(1e-8 * s1);
        }
      }
    });

    it(`deflatedOperator keeps the compressed form for a KPSVD pair and KFAC's factors (${label})`, () => {
      const rng = createRng(940 + m);
      const { a, g } = samples(rng, m, da, dg, dead);
      const { explicit, compressed } = both(a, g);
      const ref = denseSvd(rearrange(denseFisher(a, g), da, dg));
      const s1 = ref.sigmas[0];
      // Deflation: the leading pair, then the leading pair of R(F) − vec(A₁) vec(G₁)ᵀ.
      const firstE = leadingKroneckerPair(explicit, { tol: 1e-13, maxIterations: 20000 });
      const firstC = leadingKroneckerPair(compressed, { tol: 1e-13, maxIterations: 20000 });
      const deflatedE = deflatedOperator(explicit, [firstE.term]);
      const deflatedC = deflatedOperator(compressed, [firstC.term]);
      expect(deflatedE.compressed).toBeUndefined();
      expect(deflatedC.compressed).toBeDefined();
      const secondE = leadingKroneckerPair(deflatedE, { tol: 1e-12, maxIterations: 20000 });
      const secondC = leadingKroneckerPair(compressedOnly(deflatedC), { tol: 1e-12, maxIterations: 20000 });
      expect(secondC.converged).toBe(true);
      expect(Math.abs(secondC.sigma - secondE.sigma)).toBeLessThan(1e-10 * s1);
      expect(Math.abs(secondC.sigma - ref.sigmas[1])).toBeLessThan(1e-8 * s1);
      expect(termsDistance([firstC.term, secondC.term], [firstE.term, secondE.term])).toBeLessThan(1e-8 * s1);
      expect(diffNorm(rearrangedSum([firstC.term, secondC.term]).data, ref.truncated(2).data)).toBeLessThan(1e-7 * s1);
      // the deflated compressed products are those of the explicit deflated operator
      const Y = randomSymmetric(rng, dg);
      const c = deflatedC.compressed!;
      const direct = deflatedOperator(rfOperator(a, g, { compressed: false }), [firstC.term]).times(Y).data;
      expect(diffNorm(c.liftLeft(c.times(c.encodeRight(Y))).data, direct)).toBeLessThan(1e-10 * normOf(direct));

      // KFAC-corrected: the leading pair of R(F) − vec(A) vec(G)ᵀ, warm-started.
      const kfac = kfacTerm(a, g);
      const correctedE = deflatedOperator(explicit, [kfac]);
      const correctedC = deflatedOperator(compressed, [kfac]);
      expect(correctedC.compressed).toBeDefined();
      const warmStart = secondE.term.G;
      for (const options of [{ tol: 1e-10, maxIterations: 20000 }, { tol: 1e-10, maxIterations: 20000, warmStart }]) {
        const e = leadingKroneckerPair(correctedE, options);
        const cc = leadingKroneckerPair(compressedOnly(correctedC), options);
        expect(cc.iterations).toBe(e.iterations);
        expect(Math.abs(cc.sigma - e.sigma)).toBeLessThan(1e-10 * s1);
        expect(termsDistance([cc.term], [e.term])).toBeLessThan(1e-8 * s1);
      }
      // Lanczos on a deflated operator, compressed throughout
      const lanczosE = topKroneckerPairs(correctedE, 2, { tol: 1e-12 });
      const lanczosC = topKroneckerPairs(compressedOnly(correctedC), 2, { tol: 1e-12 });
      expect(termsDistance(lanczosC.terms, lanczosE.terms)).toBeLessThan(1e-8 * s1);
    });
  }

  it('deflatedOperator falls back to explicit products for terms outside the spans', () => {
    const rng = createRng(950);
    const { a, g } = samples(rng, 5, 6, 4);
    const op = rfOperator(a, g, { compressed: true });
    const first = leadingKroneckerPair(op, { tol: 1e-12, maxIterations: 5000 });
    const alien = { A: randomSymmetric(rng, 6), G: first.term.G };
    const deflated = deflatedOperator(op, [first.term, alien]);
    expect(deflated.compressed).toBeUndefined();
    // a factor only 1e-6 (relative) outside the span is rejected as well
    const nudge = randomSymmetric(rng, 6);
    const scale = (1e-6 * normOf(first.term.A.data)) / normOf(nudge.data);
    const nearly = { A: fromData(6, 6, first.term.A.data.map((v, e) => v + scale * nudge.data[e])), G: first.term.G };
    expect(op.compressed!.encodeLeftTerm(nearly.A)).toBeNull();
    expect(op.compressed!.encodeLeftTerm(first.term.A)).not.toBeNull();
    expect(deflatedOperator(op, [nearly]).compressed).toBeUndefined();
    const r = rearrange(denseFisher(a, g), 6, 4);
    const correction = rearrangedSum([first.term, alien]);
    const residualOp = { rows: r.rows, cols: r.cols, data: r.data.map((v, e) => v - correction.data[e]) };
    const ref = denseSvd(residualOp);
    const res = leadingKroneckerPair(deflated, { tol: 1e-12, maxIterations: 20000 });
    expect(res.converged).toBe(true);
    expect(Math.abs(res.sigma - ref.sigmas[0])).toBeLessThan(1e-9 * ref.sigmas[0]);
    // nested deflation of a compressed deflated operator stays compressed
    const second = leadingKroneckerPair(deflatedOperator(op, [first.term]), { tol: 1e-12, maxIterations: 5000 });
    expect(deflatedOperator(deflatedOperator(op, [first.term]), [second.term]).compressed).toBeDefined();
  });

  it('topKroneckerPairs: pairs beyond the m-dimensional space are zero (m < k)', () => {
    const rng = createRng(960);
    for (const [m, da, dg] of [
      [1, 5, 6],
      [2, 7, 7],
    ]) {
      const { a, g } = samples(rng, m, da, dg);
      const op = rfOperator(a, g, { compressed: true });
      const e = topKroneckerPairs(rfOperator(a, g, { compressed: false }), 3);
      const c = topKroneckerPairs(compressedOnly(op), 3);
      expect(c.converged).toBe(true);
      expect(c.sigmas.slice(m)).toEqual(new Array(3 - m).fill(0));
      c.sigmas.forEach((s, j) => expect(Math.abs(s - e.sigmas[j])).toBeLessThan(1e-10 * e.sigmas[0]));
      expect(termsDistance(c.terms, e.terms)).toBeLessThan(1e-8 * e.sigmas[0]);
    }
  });

  it('gives σ = 0 for a zero block in compressed form too', () => {
    const op = rfOperator(zeros(3, 4), zeros(3, 4), { compressed: true });
    expect(leadingKroneckerPair(compressedOnly(op))).toMatchObject({ sigma: 0, converged: true });
    const top = topKroneckerPairs(compressedOnly(op), 2);
    expect(top.sigmas).toEqual([0, 0]);
    expect(top.terms.every((t) => t.A.data.every((v) => v === 0))).toBe(true);
  });
});
