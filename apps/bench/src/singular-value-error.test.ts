import { createRng, fromRows } from '@fisherkit/core';
import { kfacStatistics } from '@fisherkit/fisher';
import { describe, expect, it } from 'vitest';
import { singularValueError } from './singular-value-error.js';

describe('singularValueError', () => {
  const rng = createRng(4);
  const a = fromRows(Array.from({ length: 9 }, () => [rng.normal(), rng.normal(), rng.normal(), 1]));
  const g = fromRows(Array.from({ length: 9 }, () => [rng.normal(), rng.normal(), rng.normal()]));
  const terms = [kfacStatistics({ a, g })];

  it('is null above the size limit and the same value at any limit that admits the block', () => {
    const value = singularValueError(a, g, terms);
    expect(value).toBeGreaterThan(0);
    expect(singularValueError(a, g, terms, 11)).toBeNull();
    expect(singularValueError(a, g, terms, 12)).toBe(value);
    expect(singularValueError(a, g, terms, 100_000)).toBe(value);
  });
});
