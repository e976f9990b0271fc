import { bench, describe } from 'vitest';
import { createRng } from '../random/rng.js';
import { leadingKroneckerPair } from './leading-kronecker-pair.js';
import { rfOperator } from './rf-operator.js';
import { randomSamples, randomSymmetric } from './test-support.js';
import { topKroneckerPairs } from './top-kronecker-pairs.js';

// A MNIST-like middle layer (500 → 250 units plus bias) on a Fisher mini-batch of 128 samples.
const rng = createRng(1);
const { a, g } = randomSamples(rng, 128, 501, 250);
const op = rfOperator(a, g);
const y = randomSymmetric(rng, 250);
const x = randomSymmetric(rng, 501);

describe('R(F) operator, m = 128, d_a = 501, d_g = 250', () => {
  bench('times', () => {
    op.times(y);
  });
  bench('transposeTimes', () => {
    op.transposeTimes(x);
  });
  bench('leadingKroneckerPair (tol 1e-6)', () => {
    leadingKroneckerPair(op);
  });
  bench('topKroneckerPairs k = 2 (tol 1e-8)', () => {
    topKroneckerPairs(op, 2);
  });
});
