import { afterEach, describe, expect, it } from 'vitest';
import { cholesky, createRng, float64ProductProvider, OptionError, symmetricEigen, useFloat64Products, type Matrix } from '@fisherkit/core';
import { DEFAULT_FLOAT64_MIN_WORK, installOnnxFloat64Products, type OnnxFloat64ProductsHandle } from './float64-products.js';

function randomSpd(n: number, seed: number): Matrix {
  const rng = createRng(seed);
  const x = new Float64Array(n * n);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += x[i * n + k] * x[j * n + k];
      a[i * n + j] = a[j * n + i] = s / n + (i === j ? 1 : 0);
    }
  }
  return { rows: n, cols: n, data: a };
}

/** ‖A V − V Λ‖_F / ‖A‖_F. */
function eigenResidual(a: Matrix, values: ArrayLike<number>, v: Matrix): number {
  const n = a.rows;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a.data[i * n + k] * v.data[k * n + j];
      num += (s - v.data[i * n + j] * values[j]) ** 2;
      den += a.data[i * n + j] ** 2;
    }
  }
  return Math.sqrt(num / den);
}

let handle: OnnxFloat64ProductsHandle | undefined;
afterEach(() => {
  handle?.uninstall();
  handle = undefined;
});

describe('installOnnxFloat64Products', () => {
  const a = randomSpd(260, 3);

  it('runs the large products of Cholesky and symmetricEigen on ONNX Runtime to the built-in accuracy', () => {
    const l0 = cholesky(a);
    handle = installOnnxFloat64Products({ threads: 1, minWork: 0 });
    expect(float64ProductProvider()?.name).toMatch(/^onnxruntime-node 1\.30\.0 DGEMM, 1 thread$/);
    const l = cholesky(a);
    const afterCholesky = handle.stats();
    expect(afterCholesky.calls).toBeGreaterThan(0);
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < l.data.length; i++) {
      diff += (l.data[i] - l0.data[i]) ** 2;
      norm += l0.data[i] ** 2;
    }
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-13);
    for (let i = 0; i < 260; i++) for (let j = i + 1; j < 260; j++) expect(l.data[i * 260 + j]).toBe(0);

    const { values, vectors } = symmetricEigen(a);
    expect(handle.stats().calls).toBeGreaterThan(afterCholesky.calls);
    expect(handle.stats().multiplyAdds).toBeGreaterThan(afterCholesky.multiplyAdds);
    expect(eigenResidual(a, values, vectors)).toBeLessThan(1e-13);
  });

  it('leaves products below minWork to core and gives everything back on uninstall', () => {
    handle = installOnnxFloat64Products({ threads: 2, minWork: 1e12 });
    expect(handle.threads).toBe(2);
    cholesky(a);
    expect(handle.stats().calls).toBe(0);
    handle.uninstall();
    handle.uninstall(); // idempotent
    expect(float64ProductProvider()).toBeUndefined();
    handle = installOnnxFloat64Products({ threads: 1 }); // installable again
    expect(handle.minWork).toBe(DEFAULT_FLOAT64_MIN_WORK);
  });

  it('rejects bad options and a second provider, naming the fix', () => {
    expect(() => installOnnxFloat64Products({ threads: 0 })).toThrow(/threads must be a positive integer/);
    expect(() => installOnnxFloat64Products({ threads: 1.5 })).toThrow(OptionError);
    expect(() => installOnnxFloat64Products({ minWork: -1 })).toThrow(/minWork must be a finite number ≥ 0/);
    expect(() => installOnnxFloat64Products({ thread: 1 } as never)).toThrow(/unknown option "thread"; the options are threads, minWork/);
    handle = installOnnxFloat64Products({ threads: 1 });
    expect(() => installOnnxFloat64Products({ threads: 1 })).toThrow(/already set/);
    expect(() => useFloat64Products({ name: 'x', minWork: 0, subtractProductNT() {} })).toThrow(/already set/);
  });
});
