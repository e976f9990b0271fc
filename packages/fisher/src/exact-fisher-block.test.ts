import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, fromRows, selectBackend, ShapeError, zeros, type Matrix } from '@fisherkit/core';
import { createDenseNetwork } from './dense-network.js';
import { exactFisherBlock } from './exact-fisher-block.js';
import { kfacStatistics } from './kfac-statistics.js';
import { perExampleGradients } from './per-example-gradients.js';
import { tensorFrom } from './reference.test-helper.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = createRng(seed);
  return fromRows(Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal())));
}

/** Kronecker product X ⊗ Y of nested arrays (local reference). */
function kronRef(x: number[][], y: number[][]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < y.length; k++) {
      const row: number[] = [];
      for (let j = 0; j < x[0].length; j++) for (let l = 0; l < y[0].length; l++) row.push(x[i][j] * y[k][l]);
      out.push(row);
    }
  }
  return out;
}

function outer(v: number[]): number[][] {
  return v.map((p) => v.map((q) => p * q));
}

function rowOf(m: Matrix, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

/** (1/m) Σ_i (a_i a_iᵀ) ⊗ (g_i g_iᵀ), formed independently. */
function fisherRef(a: Matrix, g: Matrix): number[][] {
  const n = a.cols * g.cols;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < a.rows; i++) {
    const k = kronRef(outer(rowOf(a, i)), outer(rowOf(g, i)));
    for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) out[p][q] += k[p][q] / a.rows;
  }
  return out;
}

describe('perExampleGradients', () => {
  it('row i is the column-major vec of DW_i = g_i a_iᵀ', () => {
    const a = randomMatrix(3, 4, 1);
    const g = randomMatrix(3, 2, 2);
    const v = perExampleGradients({ a, g });
    expect([v.rows, v.cols]).toEqual([3, 8]);
    for (let i = 0; i < 3; i++) {
      const dw = rowOf(g, i).map((gq) => rowOf(a, i).map((ap) => gq * ap)); // d_g × d_a
      const vec: number[] = [];
      for (let col = 0; col < 4; col++) for (let row = 0; row < 2; row++) vec.push(dw[row][col]);
      expect(rowOf(v, i)).toEqual(vec);
    }
  });
});

describe('exactFisherBlock', () => {
  it('equals (1/m) Σ (a aᵀ) ⊗ (g gᵀ) and is exactly symmetric', () => {
    const a = randomMatrix(6, 4, 3);
    const g = randomMatrix(6, 3, 4);
    const f = exactFisherBlock({ a, g });
    const ref = fisherRef(a, g);
    expect([f.rows, f.cols]).toEqual([12, 12]);
    for (let p = 0; p < 12; p++) {
      for (let q = 0; q < 12; q++) {
        expect(f.data[p * 12 + q]).toBeCloseTo(ref[p][q], 12);
        expect(f.data[p * 12 + q]).toBe(f.data[q * 12 + p]);
      }
    }
  });

  it('on a single example it is the Kronecker product of the KFAC factors (F = A ⊗ G when m = 1)', () => {
    const batch = { a: randomMatrix(1, 3, 5), g: randomMatrix(1, 2, 6) };
    const { A, G } = kfacStatistics(batch);
    const f = exactFisherBlock(batch);
    const k = kronRef(
      Array.from({ length: 3 }, (_, i) => rowOf(A, i)),
      Array.from({ length: 2 }, (_, i) => rowOf(G, i)),
    );
    for (let p = 0; p < 6; p++) for (let q = 0; q < 6; q++) expect(f.data[p * 6 + q]).toBeCloseTo(k[p][q], 12);
  });

  it('builds the block of a real layer from captured a_i, g_i', () => {
    const net = createDenseNetwork({ sizes: [3, 4, 2], activations: ['tanh', 'sigmoid'], loss: 'bce', seed: 2 });
    const rng = createRng(1);
    const x = tensorFrom(10, 3, () => rng.normal());
    const y = tensorFrom(10, 2, () => rng.uniform());
    const r = net.computeGradients(x, y, { fisherBatchSize: 5, fisher: 'sampled', rng: createRng(3) });
    const c = r.captures![1];
    const f = exactFisherBlock(c);
    const ref = fisherRef(c.a, c.g);
    expect(f.rows).toBe(10);
    for (let p = 0; p < 10; p++) for (let q = 0; q < 10; q++) expect(f.data[p * 10 + q]).toBeCloseTo(ref[p][q], 12);
    tf.dispose([...r.gradients, x, y]);
    net.dispose();
  });

  it('refuses blocks above d_a·d_g = 4096 with a clear message', () => {
    const big = { a: zeros(2, 65), g: zeros(2, 64) };
    expect(() => exactFisherBlock(big)).toThrow(ShapeError);
    expect(() => exactFisherBlock(big)).toThrow(/4160².*4096²/);
    expect(exactFisherBlock({ a: zeros(1, 64), g: zeros(1, 64) }).rows).toBe(4096);
  });
});
