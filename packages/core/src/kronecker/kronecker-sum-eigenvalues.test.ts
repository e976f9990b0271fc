import { describe, expect, it } from 'vitest';
import { ConvergenceError, ShapeError } from '../errors.js';
import { symmetricEigen } from '../linalg/symmetric-eigen.js';
import { fromRows, identity, zeros, type Matrix } from '../matrix/matrix.js';
import { createRng, type Rng } from '../random/rng.js';
import { denseKroneckerSum } from './dense-kronecker-sum.js';
import { kroneckerSumEigenvalues } from './kronecker-sum-eigenvalues.js';
import type { KroneckerTerm } from './kronecker-term.js';
import { randomMatrix, randomSymmetric } from './test-support.js';

/** Dense reference: the eigenvalues ordered by decreasing modulus. */
function denseByModulus(terms: KroneckerTerm[]): number[] {
  return Array.from(symmetricEigen(denseKroneckerSum(terms)).values).sort((x, y) => Math.abs(y) - Math.abs(x));
}

/** A random PSD d × d matrix of rank r (`B Bᵀ`, B d × r). */
function randomPsd(rng: Rng, d: number, r: number): Matrix {
  const b = randomMatrix(rng, d, r);
  const out = zeros(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) for (let k = 0; k < r; k++) out.data[i * d + j] += b.data[i * r + k] * b.data[j * r + k];
  return out;
}

function expectMatches(terms: KroneckerTerm[], count: number, options = {}): void {
  const result = kroneckerSumEigenvalues(terms, count, options);
  const ref = denseByModulus(terms);
  const scale = Math.abs(ref[0]);
  expect(result.values).toHaveLength(count);
  for (let i = 0; i < count; i++) {
    // Signed values may swap where two have equal modulus and opposite signs; compare moduli.
    expect(Math.abs(Math.abs(result.values[i]) - Math.abs(ref[i]))).toBeLessThan(1e-10 * scale);
  }
  expect(result.maxRelativeResidual).toBeLessThanOrEqual(1e-10);
  let total = 0;
  for (const v of ref) total += v * v;
  expect(Math.abs(result.frobeniusSquared - total)).toBeLessThan(1e-12 * total);
}

describe('kroneckerSumEigenvalues', () => {
  it('one PSD term: the largest products λ_i(A) λ_j(G)', () => {
    const rng = createRng(1);
    expectMatches([{ A: randomPsd(rng, 7, 7), G: randomPsd(rng, 9, 9) }], 12);
  });

  it('two terms with an indefinite second term: both ends of the spectrum', () => {
    const rng = createRng(2);
    const terms = [
      { A: randomPsd(rng, 6, 2), G: randomPsd(rng, 11, 2) },
      { A: randomSymmetric(rng, 6), G: randomSymmetric(rng, 11) },
    ];
    const values = kroneckerSumEigenvalues(terms, 20).values;
    expect(Math.min(...values)).toBeLessThan(0);
    expectMatches(terms, 20);
    expectMatches(terms, 1);
    expectMatches(terms, 66, { blockSize: 5 }); // the whole spectrum (count = n, block not dividing n)
  });

  it('exact multiplicities (A = I) and rank-deficient factors (breakdown, zero eigenvalues)', () => {
    const rng = createRng(3);
    // I₄ ⊗ G: every eigenvalue of G four times; block size 4 resolves them.
    expectMatches([{ A: identity(4), G: randomSymmetric(rng, 8) }], 10, { blockSize: 4 });
    // Rank 2 ⊗ rank 3 plus rank 1 ⊗ rank 2: rank ≤ 8 of n = 70; asking for 12 needs zeros.
    const terms = [
      { A: randomPsd(rng, 7, 2), G: randomPsd(rng, 10, 3) },
      { A: randomPsd(rng, 7, 1), G: randomPsd(rng, 10, 2) },
    ];
    expectMatches(terms, 12, { blockSize: 3 });
  });

  it('a zero operator has zero eigenvalues; bad counts, shapes and caps are errors', () => {
    const rng = createRng(4);
    expect(Array.from(kroneckerSumEigenvalues([{ A: zeros(2, 2), G: zeros(3, 3) }], 2).values)).toEqual([0, 0]);
    const terms = [{ A: randomSymmetric(rng, 5), G: randomSymmetric(rng, 30) }];
    expect(() => kroneckerSumEigenvalues(terms, 0)).toThrow(ShapeError);
    expect(() => kroneckerSumEigenvalues(terms, 151)).toThrow(ShapeError);
    expect(() => kroneckerSumEigenvalues([{ A: fromRows([[1, 2], [0, 1]]), G: identity(2) }], 1)).toThrow(/symmetric/);
    expect(() => kroneckerSumEigenvalues(terms, 40, { maxDimension: 48, blockSize: 8 })).toThrow(ConvergenceError);
  });
});
