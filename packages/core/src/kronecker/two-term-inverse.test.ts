import { describe, expect, it } from 'vitest';
import { OptionError, ShapeError } from '../errors.js';
import { spdSolve } from '../linalg/index.js';
import { addIdentity, combine, frobeniusNorm, fromData, matmulTransB, type Matrix } from '../matrix/index.js';
import { createRng } from '../random/rng.js';
import { kron } from './kron.js';
import { applyTwoTermKroneckerInverse, twoTermKroneckerInverse } from './two-term-inverse.js';
import { unvec, vec } from './vec.js';

function randomMatrix(rng: ReturnType<typeof createRng>, r: number, c: number): Matrix {
  return fromData(r, c, Float64Array.from({ length: r * c }, () => rng.normal()));
}

function randomSpd(rng: ReturnType<typeof createRng>, n: number, shift: number): Matrix {
  const x = randomMatrix(rng, n, n + 2);
  return addIdentity(matmulTransB(x, x), shift);
}

function randomSymmetric(rng: ReturnType<typeof createRng>, n: number, s: number): Matrix {
  const x = randomMatrix(rng, n, n);
  return combine(s, x, s, { rows: n, cols: n, data: Float64Array.from(x.data.keys(), (k) => x.data[(k % n) * n + Math.floor(k / n)]) });
}

function relativeError(x: Matrix, y: Matrix): number {
  return frobeniusNorm(combine(1, x, -1, y)) / frobeniusNorm(y);
}

describe('twoTermKroneckerInverse', () => {
  const rng = createRng(21);
  const da = 4;
  const dg = 3;
  const A1 = randomSpd(rng, da, 1);
  const G1 = randomSpd(rng, dg, 1);
  const v = randomMatrix(rng, dg, da);

  it('solves (Ā ⊗ Ḡ + A₂ ⊗ G₂) x = vec(V) exactly with the exact rule', () => {
    const A2 = randomSymmetric(rng, da, 0.05);
    const G2 = randomSymmetric(rng, dg, 0.05);
    const inv = twoTermKroneckerInverse({ A: A1, G: G1 }, { A: A2, G: G2 }, { rule: 'exact', floor: 1e-12 });
    expect(inv.indefiniteEntries).toBe(0);
    const M = combine(1, kron(A1, G1), 1, kron(A2, G2));
    const rhs = vec(v);
    const expected = unvec(spdSolve(M, fromData(rhs.length, 1, rhs)).data, dg, da);
    expect(relativeError(applyTwoTermKroneckerInverse(inv, v), expected)).toBeLessThan(1e-10);
  });

  it('gives the K factors Kᵀ Ā K = I and Kᵀ A₂ K = diag(s)', () => {
    const A2 = randomSymmetric(rng, da, 1);
    const inv = twoTermKroneckerInverse({ A: A1, G: G1 }, { A: A2, G: randomSymmetric(rng, dg, 1) });
    const K = inv.KA;
    const ktak = (m: Matrix) => {
      const out = new Float64Array(da * da);
      for (let i = 0; i < da; i++)
        for (let j = 0; j < da; j++) {
          let s = 0;
          for (let p = 0; p < da; p++) for (let q = 0; q < da; q++) s += K.data[p * da + i] * m.data[p * da + q] * K.data[q * da + j];
          out[i * da + j] = s;
        }
      return out;
    };
    ktak(A1).forEach((x, k) => expect(x).toBeCloseTo(k % (da + 1) === 0 ? 1 : 0, 10));
    ktak(A2).forEach((x, k) => expect(x).toBeCloseTo(k % (da + 1) === 0 ? inv.sA[k / (da + 1)] : 0, 10));
  });

  it('keeps the preconditioner positive definite with the abs rule even when M is indefinite', () => {
    const A2 = randomSymmetric(rng, da, 3);
    const G2 = randomSymmetric(rng, dg, 3);
    const abs = twoTermKroneckerInverse({ A: A1, G: G1 }, { A: A2, G: G2 });
    expect(abs.indefiniteEntries).toBeGreaterThan(0);
    for (let t = 0; t < 10; t++) {
      const x = randomMatrix(rng, dg, da);
      const px = applyTwoTermKroneckerInverse(abs, x);
      let q = 0;
      for (let k = 0; k < x.data.length; k++) q += x.data[k] * px.data[k];
      expect(q).toBeGreaterThan(0);
    }
    const exact = twoTermKroneckerInverse({ A: A1, G: G1 }, { A: A2, G: G2 }, { rule: 'exact', floor: 0.5 });
    expect(Math.min(...exact.D.data)).toBeCloseTo(0.5, 12);
  });

  it('rejects bad options and mismatched terms', () => {
    const t = { A: A1, G: G1 };
    expect(() => twoTermKroneckerInverse(t, t, { rule: 'pinv' as never })).toThrow(OptionError);
    expect(() => twoTermKroneckerInverse(t, t, { rule: 'exact', floor: 0 })).toThrow(/positive number/);
    expect(() => twoTermKroneckerInverse(t, { A: G1, G: A1 })).toThrow(ShapeError);
    const inv = twoTermKroneckerInverse(t, t);
    expect(() => applyTwoTermKroneckerInverse(inv, randomMatrix(rng, da, dg))).toThrow(/must be 3 × 4/);
  });
});
