import { OptionError } from '@fisherkit/core';
import type { CaptureOptions } from './model.js';

/**
 * Validates capture options and picks the Fisher mini-batch: the first `fisherBatchSize`
 * entries of a random permutation of `0 … batchSize − 1` drawn from `capture.rng`
 * (rows without replacement, in permutation order).
 *
 * @example
 * ```ts
 * const rows = chooseFisherRows(512, { fisherBatchSize: 128, fisher: 'sampled', rng: createRng(0) });
 * ```
 */
export function chooseFisherRows(batchSize: number, capture: CaptureOptions): number[] {
  const m = capture.fisherBatchSize;
  if (!Number.isInteger(m) || m < 1 || m > batchSize) {
    throw new OptionError(
      `capture.fisherBatchSize is ${m} but must be an integer in [1, ${batchSize}] (the batch has ${batchSize} rows); ` +
        'lower it or pass a larger batch',
    );
  }
  if (capture.fisher !== 'sampled' && capture.fisher !== 'empirical') {
    throw new OptionError(`capture.fisher is ${JSON.stringify(capture.fisher)}; use "sampled" (true Fisher) or "empirical"`);
  }
  if (capture.rng == null || typeof capture.rng.shuffle !== 'function') {
    throw new OptionError('capture.rng is missing; pass a seeded generator, e.g. createRng(seed) from @fisherkit/core');
  }
  const order = Array.from({ length: batchSize }, (_, i) => i);
  return capture.rng.shuffle(order).slice(0, m);
}
