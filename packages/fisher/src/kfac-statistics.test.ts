import { describe, expect, it } from 'vitest';
import { createRng, fromRows, ShapeError, type Matrix } from '@fisherkit/core';
import { kfacStatistics } from './kfac-statistics.js';

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  return fromRows(Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal())));
}

/** (1/m) Σ_i v_i v_iᵀ by explicit outer products. */
function meanOuter(x: Matrix): number[][] {
  const out = Array.from({ length: x.cols }, () => new Array<number>(x.cols).fill(0));
  for (let i = 0; i < x.rows; i++) {
    for (let p = 0; p < x.cols; p++) {
      for (let q = 0; q < x.cols; q++) out[p][q] += (x.data[i * x.cols + p] * x.data[i * x.cols + q]) / x.rows;
    }
  }
  return out;
}

describe('kfacStatistics', () => {
  it('A = (1/m) Σ a aᵀ and G = (1/m) Σ g gᵀ, exactly symmetric', () => {
    const a = randomMatrix(7, 5, 1);
    const g = randomMatrix(7, 3, 2);
    const { A, G } = kfacStatistics({ a, g });
    for (const [got, want] of [[A, meanOuter(a)], [G, meanOuter(g)]] as const) {
      expect(got.rows).toBe(want.length);
      for (let p = 0; p < got.rows; p++) {
        for (let q = 0; q < got.cols; q++) {
          expect(got.data[p * got.cols + q]).toBeCloseTo(want[p][q], 12);
          expect(got.data[p * got.cols + q]).toBe(got.data[q * got.cols + p]);
        }
      }
    }
  });

  it('rejects a and g with different numbers of rows', () => {
    expect(() => kfacStatistics({ a: randomMatrix(3, 2, 1), g: randomMatrix(4, 2, 1) })).toThrow(ShapeError);
    expect(() => kfacStatistics({ a: randomMatrix(3, 2, 1), g: randomMatrix(4, 2, 1) })).toThrow(/same m ≥ 1/);
  });
});
