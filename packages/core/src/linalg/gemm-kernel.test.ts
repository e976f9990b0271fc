import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { gemmNT, gemmNTLower, gemmNTPlain } from './gemm-kernel.js';
import { gemmNTWasm, wasmGemmAvailable } from './gemm-wasm.js';

function randomArray(len: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const x = new Float64Array(len);
  for (let i = 0; i < len; i++) x[i] = rng.normal();
  return x;
}

/** Reference `C −= A Bᵀ` on strided panels, plain triple loop. */
function reference(
  m: number, n: number, k: number,
  a: Float64Array, ao: number, lda: number,
  b: Float64Array, bo: number, ldb: number,
  c: Float64Array, co: number, ldc: number,
  keep: (i: number, j: number) => boolean = () => true,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      if (!keep(i, j)) continue;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ao + i * lda + p] * b[bo + j * ldb + p];
      c[co + i * ldc + j] -= s;
    }
  }
}

function maxDiff(x: Float64Array, y: Float64Array): number {
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

describe('gemm kernel', () => {
  const sizes = [1, 7, 33, 65, 130];
  it.each(sizes)('gemmNT matches the triple loop on strided panels (m = %i)', (m) => {
    for (const n of sizes) {
      for (const k of [1, 5, 64, 300]) {
        const lda = k + 3;
        const ldb = k + 1;
        const ldc = n + 2;
        const a = randomArray(2 + m * lda, m + 10 * n + k);
        const b = randomArray(1 + n * ldb, 7 * m + n + k);
        const c = randomArray(3 + m * ldc, m + n + 3 * k);
        const want = c.slice();
        reference(m, n, k, a, 2, lda, b, 1, ldb, want, 3, ldc);
        gemmNT(m, n, k, a, 2, lda, b, 1, ldb, c, 3, ldc);
        expect(maxDiff(c, want)).toBeLessThan(1e-12 * Math.max(1, k));
      }
    }
  });

  it('runs the WebAssembly SIMD kernel on this runtime, equal to the plain path bit for bit', () => {
    expect(wasmGemmAvailable()).toBe(true);
    for (const [m, n, k] of [[4, 4, 4], [37, 130, 300], [130, 5, 513], [64, 301, 7]]) {
      const lda = k + 3;
      const ldb = k + 1;
      const ldc = n + 2;
      const a = randomArray(2 + m * lda, m + n);
      const b = randomArray(1 + n * ldb, k + n);
      const c = randomArray(3 + m * ldc, m + k);
      const plain = c.slice();
      gemmNTPlain(m, n, k, a, 2, lda, b, 1, ldb, plain, 3, ldc);
      const want = c.slice();
      reference(m, n, k, a, 2, lda, b, 1, ldb, want, 3, ldc);
      expect(gemmNTWasm(m, n, k, a, 2, lda, b, 1, ldb, c, 3, ldc)).toBe(true);
      expect(maxDiff(c, want)).toBeLessThan(1e-12 * k);
      expect(maxDiff(c, plain)).toBe(0);
    }
  });

  it.each(sizes)('gemmNTLower updates every entry on or below the shifted diagonal (n = %i)', (n) => {
    for (const off of [0, 3, -2]) {
      const m = n + 5;
      const k = 70;
      const a = randomArray(m * k, n + off + 10);
      const b = randomArray(n * k, 2 * n + off + 10);
      const c = randomArray(m * n, 3 * n + off + 10);
      const want = c.slice();
      reference(m, n, k, a, 0, k, b, 0, k, want, 0, n);
      const got = c.slice();
      gemmNTLower(m, n, k, a, 0, k, b, 0, k, got, 0, n, off);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const g = got[i * n + j];
          if (j <= i + off) expect(Math.abs(g - want[i * n + j])).toBeLessThan(1e-11);
          else expect(g === c[i * n + j] || Math.abs(g - want[i * n + j]) < 1e-11).toBe(true);
        }
      }
    }
  });
});
