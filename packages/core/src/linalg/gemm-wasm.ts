/**
 * WebAssembly SIMD path of the shared matrix-product kernel (internal; not re-exported).
 *
 * The micro-kernel (`gemm-wasm-binary.ts`, assembled by `packages/core/bench/assemble-gemm-wasm.ts`)
 * multiplies packed panels with f64x2 vectors; this file owns its memory, packs the operands
 * and copies C in and out. Where WebAssembly or its SIMD proposal is missing the module does not
 * compile and {@link gemmNTWasm} reports `false`, so the caller falls back to plain JavaScript.
 */
import { GEMM_WASM_BASE64 } from './gemm-wasm-binary.js';
import { ensureMemory, instantiateBase64, type WasmMemoryExport } from './wasm-module.js';

interface Kernel extends WasmMemoryExport {
  kernel: (mPanels: number, nPanels: number, kc: number, ap: number, bp: number, c: number, ldc: number) => void;
}

/** k chunk (doubles) and B block (columns of C): a packed B block of 256 × 128 doubles is 256 KiB. */
const KC = 256;
const NB = 128;

let loaded: Kernel | null | undefined;

function kernel(): Kernel | null {
  if (loaded === undefined) loaded = instantiateBase64<Kernel>(GEMM_WASM_BASE64);
  return loaded;
}

/** Whether the WebAssembly SIMD kernel compiled on this runtime. @example `if (wasmGemmAvailable()) …` */
export function wasmGemmAvailable(): boolean {
  return kernel() !== null;
}

/**
 * `C[i][j] −= Σ_{p<k} A[i][p] · B[j][p]` with the same operand conventions as `gemmNT`
 * (`A[i][p] = a[ao + i·lda + p]`, `B[j][p] = b[bo + j·ldb + p]`, `C[i][j] = c[co + i·ldc + j]`),
 * on the WebAssembly SIMD kernel. C is copied into the module's memory (rows and columns padded
 * to multiples of 4), then for each k chunk of {@link KC} A is packed in 4-row panels and B in
 * 4-column panels, and the kernel sweeps every A panel across blocks of {@link NB} columns of B
 * (kept in L2); C is copied back at the end. Returns `false`, touching nothing, where the
 * kernel is unavailable.
 *
 * With `lowerOff` given only the entries `j ≤ i + lowerOff` of C are read and written (the
 * kernel still computes whole 4 × 4 tiles, and for each block of columns starts at the first
 * 4-row panel that meets that triangle), for symmetric rank-k updates.
 * @example `if (!gemmNTWasm(m, n, k, a, 0, k, b, 0, k, c, 0, n)) gemmNTPlain(…)`
 */
export function gemmNTWasm(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  ldb: number,
  c: Float64Array,
  co: number,
  ldc: number,
  lowerOff?: number,
): boolean {
  const kern = kernel();
  if (kern === null) return false;
  const m4 = (m + 3) & ~3;
  const n4 = (n + 3) & ~3;
  const kc0 = Math.min(KC, k);
  const cWords = m4 * n4;
  const apWord = cWords;
  const bpWord = apWord + m4 * kc0;
  const needed = (bpWord + n4 * kc0) * 8;
  const mem = ensureMemory(kern.memory, needed);
  const width = (i: number): number => (lowerOff === undefined ? n : Math.max(0, Math.min(n, i + lowerOff + 1)));
  for (let i = 0; i < m; i++) {
    const src = co + i * ldc;
    mem.set(c.subarray(src, src + width(i)), i * n4);
  }
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    pack(mem, apWord, a, ao + p0, lda, m, kc);
    pack(mem, bpWord, b, bo + p0, ldb, n, kc);
    for (let j0 = 0; j0 < n4; j0 += NB) {
      const nb = Math.min(NB, n4 - j0);
      const i0 = lowerOff === undefined ? 0 : Math.max(0, j0 - lowerOff) & ~3;
      if (i0 >= m4) continue;
      kern.kernel((m4 - i0) >> 2, nb >> 2, kc, (apWord + i0 * kc) * 8, (bpWord + j0 * kc) * 8, (i0 * n4 + j0) * 8, n4 * 8);
    }
  }
  for (let i = 0; i < m; i++) c.set(mem.subarray(i * n4, i * n4 + width(i)), co + i * ldc);
  return true;
}

/**
 * Packs rows `0 … rows − 1` (`x[xo + r·ld + p]`, `p < kc`) into 4-row panels at `mem[at …]`:
 * panel q holds `x[4q][p] … x[4q+3][p]` for each p in turn (a short last panel is left partly
 * stale: it only feeds C entries outside the copied-back block).
 */
function pack(mem: Float64Array, at: number, x: Float64Array, xo: number, ld: number, rows: number, kc: number): void {
  const full = rows & ~3;
  let r = 0;
  for (; r < full; r += 4) {
    const s0 = xo + r * ld;
    const s1 = s0 + ld;
    const s2 = s1 + ld;
    const s3 = s2 + ld;
    let dst = at + r * kc;
    for (let p = 0; p < kc; p++, dst += 4) {
      mem[dst] = x[s0 + p];
      mem[dst + 1] = x[s1 + p];
      mem[dst + 2] = x[s2 + p];
      mem[dst + 3] = x[s3 + p];
    }
  }
  for (; r < rows; r++) {
    const src = xo + r * ld;
    let dst = at + (r & ~3) * kc + (r & 3);
    for (let p = 0; p < kc; p++, dst += 4) mem[dst] = x[src + p];
  }
}
