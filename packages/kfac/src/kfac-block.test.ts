import * as tf from '@tensorflow/tfjs-core';
import { kron as denseKron, lusolve } from 'mathjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, fromRows, selectBackend, toRows, type Matrix } from '@fisherkit/core';
import type { LayerBatch, LayerSpec } from '@fisherkit/fisher';
import { dampedFactors, tracenormPi, type Damping } from '@fisherkit/preconditioner';
import { kfac } from './kfac.js';
import { createKfacBlock, type KfacBlock } from './kfac-block.js';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const layer = (inputSize: number, outputSize: number): LayerSpec => ({ index: 0, name: 'dense', inputSize, outputSize });

/** Random a (m × d_a, trailing 1) and g (m × d_g). */
function randomBatch(m: number, dIn: number, dG: number, seed: number): LayerBatch {
  const rng = createRng(seed);
  const a = Array.from({ length: m }, () => [...Array.from({ length: dIn }, () => rng.normal()), 1]);
  const g = Array.from({ length: m }, () => Array.from({ length: dG }, () => rng.normal()));
  return { a: fromRows(a), g: fromRows(g) };
}

function randomGrad(dA: number, dG: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: dA }, () => Array.from({ length: dG }, () => rng.normal()));
}

/** Dense `(1/m) Σ (a_i a_iᵀ) ⊗ (g_i g_iᵀ)`. */
function denseFisher(batch: LayerBatch): number[][] {
  const a = toRows(batch.a);
  const g = toRows(batch.g);
  const m = a.length;
  const n = a[0].length * g[0].length;
  const F = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < m; i++) {
    const K = denseKron(outer(a[i]), outer(g[i])) as unknown as number[][];
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) F[r][c] += K[r][c] / m;
  }
  return F;
}
const outer = (v: number[]): number[][] => v.map((x) => v.map((y) => x * y));
const rows = (m: Matrix): number[][] => toRows(m);

/** Solves `M x = vec(DW)`; with the [d_a, d_g] layout, vec(DW) is the row-major flattening of the gradient. */
function denseSolve(M: number[][], grad: number[][]): number[] {
  const x = lusolve(M, grad.flat().map((v) => [v])) as unknown as number[][];
  return x.map((r) => r[0]);
}

function precondition(block: KfacBlock, grad: number[][]): number[] {
  const g = tf.tensor2d(grad);
  const d = block.precondition(g);
  const out = Array.from(d.dataSync());
  tf.dispose([g, d]);
  return out;
}

function relError(x: number[], ref: number[]): number {
  let num = 0;
  let den = 0;
  x.forEach((v, i) => {
    num += (v - ref[i]) ** 2;
    den += ref[i] ** 2;
  });
  return Math.sqrt(num / den);
}

describe('KFAC block', () => {
  it.each<Damping['pi']>(['tracenorm', 'one'])('equals the dense solve (Ā ⊗ Ḡ)⁻¹ vec(DW) (π = %s)', (pi) => {
    const batch = randomBatch(12, 3, 4, 1);
    const block = createKfacBlock(layer(3, 4));
    block.updateStatistics(batch, 0);
    const damping: Damping = { lambda: 0.05, pi };
    block.updateInverse(damping);
    const [{ A, G }] = block.terms();
    const damped = dampedFactors(A, G, damping);
    expect(block.getState().pi).toBeCloseTo(pi === 'one' ? 1 : tracenormPi(A, G), 12);
    const grad = randomGrad(4, 4, 2);
    const ref = denseSolve(denseKron(rows(damped.A), rows(damped.G)) as unknown as number[][], grad);
    expect(relError(precondition(block, grad), ref)).toBeLessThan(1e-4);
    block.dispose();
  });

  it('tracenorm and one differ when the factor scales differ', () => {
    const batch = randomBatch(10, 2, 3, 4);
    const scaled: LayerBatch = { a: batch.a, g: { ...batch.g, data: batch.g.data.map((v) => v * 10) } };
    const grad = randomGrad(3, 3, 5);
    const out = (['tracenorm', 'one'] as const).map((pi) => {
      const b = createKfacBlock(layer(2, 3));
      b.updateStatistics(scaled, 0);
      b.updateInverse({ lambda: 0.1, pi });
      const r = precondition(b, grad);
      b.dispose();
      return r;
    });
    expect(relError(out[0], out[1])).toBeGreaterThan(1e-2);
  });

  it('equals the exact damped natural gradient when the Fisher block is one Kronecker product', () => {
    // Every pair (a_j, g_k) appears once, so F = (1/m) Σ_jk a_j a_jᵀ ⊗ g_k g_kᵀ = A ⊗ G exactly.
    const base = randomBatch(4, 2, 3, 6);
    const a: number[][] = [];
    const g: number[][] = [];
    const ar = toRows(base.a);
    const gr = toRows(base.g);
    for (const aj of ar) for (const gk of gr) (a.push(aj), g.push(gk));
    const batch: LayerBatch = { a: fromRows(a), g: fromRows(g) };
    const F = denseFisher(batch);
    const block = createKfacBlock(layer(2, 3));
    block.updateStatistics(batch, 0);
    const [{ A, G }] = block.terms();
    const AG = denseKron(rows(A), rows(G)) as unknown as number[][];
    const gap = Math.max(...F.flatMap((r, i) => r.map((v, j) => Math.abs(v - AG[i][j]))));
    expect(gap).toBeLessThan(1e-12);
    // Damping as KFAC applies it: F + (Ā ⊗ Ḡ − A ⊗ G).
    const damping: Damping = { lambda: 1e-2, pi: 'tracenorm' };
    block.updateInverse(damping);
    const d = dampedFactors(A, G, damping);
    const DD = denseKron(rows(d.A), rows(d.G)) as unknown as number[][];
    const M = F.map((r, i) => r.map((v, j) => v + DD[i][j] - AG[i][j]));
    const grad = randomGrad(3, 3, 7);
    expect(relError(precondition(block, grad), denseSolve(M, grad))).toBeLessThan(1e-4);
    block.dispose();
  });

  it('averages statistics X ← ρX + (1 − ρ)X_new and restarts at ρ = 0', () => {
    const b1 = randomBatch(8, 2, 2, 8);
    const b2 = randomBatch(8, 2, 2, 9);
    const blocks = [b1, b2].map((b) => {
      const k = createKfacBlock(layer(2, 2));
      k.updateStatistics(b, 0);
      return k.terms()[0];
    });
    const block = createKfacBlock(layer(2, 2));
    block.updateStatistics(b1, 0);
    block.updateStatistics(b2, 0.7);
    const [{ A, G }] = block.terms();
    A.data.forEach((v, i) => expect(v).toBeCloseTo(0.7 * blocks[0].A.data[i] + 0.3 * blocks[1].A.data[i], 12));
    G.data.forEach((v, i) => expect(v).toBeCloseTo(0.7 * blocks[0].G.data[i] + 0.3 * blocks[1].G.data[i], 12));
    block.updateStatistics(b2, 0);
    expect(Array.from(block.terms()[0].A.data)).toEqual(Array.from(blocks[1].A.data));
    expect(block.diagnostics()).toEqual({ statisticsUpdates: 3, inverseUpdates: 0 });
  });

  it('round-trips its state exactly', () => {
    const block = createKfacBlock(layer(3, 2));
    block.updateStatistics(randomBatch(6, 3, 2, 10), 0);
    block.updateStatistics(randomBatch(6, 3, 2, 11), 0.5);
    block.updateInverse({ lambda: 1e-3, pi: 'tracenorm' });
    const state = structuredClone(block.getState());
    const copy = createKfacBlock(layer(3, 2));
    copy.setState(state);
    const grad = randomGrad(4, 2, 12);
    expect(precondition(copy, grad)).toEqual(precondition(block, grad));
    expect(copy.terms()).toEqual(block.terms());
    expect(copy.getState()).toEqual(block.getState());
    expect(() => createKfacBlock(layer(2, 2)).setState(state)).toThrow(/saved A_0 must be a 3 × 3 matrix/);
    block.dispose();
    copy.dispose();
  });

  it('owns its tensors: replaced inverses and dispose leave nothing behind', () => {
    const before = tf.memory().numTensors;
    const block = createKfacBlock(layer(3, 2));
    block.updateStatistics(randomBatch(6, 3, 2, 13), 0);
    for (let i = 0; i < 5; i++) block.updateInverse({ lambda: 1e-2, pi: 'one' });
    expect(tf.memory().numTensors).toBe(before + 2);
    const g = tf.zeros([4, 2]) as tf.Tensor2D;
    block.precondition(g).dispose();
    g.dispose();
    block.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('explains misuse', () => {
    const block = createKfacBlock(layer(3, 2));
    expect(() => block.updateInverse({ lambda: 1, pi: 'one' })).toThrow(/before any statistics/);
    expect(() => block.precondition(tf.zeros([4, 2]) as tf.Tensor2D)).toThrow(/before updateInverse/);
    expect(() => block.updateStatistics(randomBatch(4, 2, 2, 1), 0)).toThrow(/d_a = 4, d_g = 2/);
    block.updateStatistics(randomBatch(4, 3, 2, 1), 0);
    block.updateInverse({ lambda: 1, pi: 'one' });
    const wrong = tf.zeros([2, 4]) as tf.Tensor2D;
    expect(() => block.precondition(wrong)).toThrow(/must be \[4, 2\]/);
    wrong.dispose();
    block.dispose();
  });
});

describe('kfac plug-in', () => {
  it('describes itself and rejects plug-in options', () => {
    expect(kfac).toMatchObject({ id: 'kfac', reference: 'Martens & Grosse 2015, ICML', defaults: {} });
    expect(() => kfac.validateOptions!({ damping: 1 } as never)).toThrow(/kfac has no plug-in options/);
    expect(typeof kfac.createBlock(layer(2, 2), {}).preconditionExact).toBe("function");
  });
});
