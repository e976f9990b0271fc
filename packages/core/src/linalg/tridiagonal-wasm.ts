/**
 * WebAssembly SIMD path of the Householder tridiagonalisation's fused sweep (internal; not
 * re-exported): the working matrix and vectors live in the kernel module's memory, so the
 * JavaScript reduction (`householder-tridiagonal.ts`) and the kernel work on the same arrays.
 */
import { TRIDIAGONAL_WASM_BASE64 } from './tridiagonal-wasm-binary.js';
import { ensureMemory, instantiateBase64, type WasmMemoryExport } from './wasm-module.js';

interface Kernel extends WasmMemoryExport {
  sweep4: (n: number, i0: number, groups: number, a: number, v: number, w: number, u: number, p: number) => void;
}

/** Views on the kernel's memory: the n × n matrix and four work vectors of length n. */
export interface TridiagonalWorkspace {
  a: Float64Array;
  v: Float64Array;
  u: Float64Array;
  w: Float64Array;
  p: Float64Array;
  /**
   * For the row groups `i = i0 + 4g`, `g < groups`, and the column pairs `j, j + 1 ≥ i + 4`
   * (`j + 1 < n`): `x = a[r][j] − (v_r w_j + w_r v_j)` stored back for `r = i … i + 3`,
   * `p[j] += Σ_r x u_r`, `p[r] += Σ_j x u_j`. The arrays must be views from this workspace.
   */
  sweep4(n: number, i0: number, groups: number, v: Float64Array, w: Float64Array, u: Float64Array, p: Float64Array): void;
}

let loaded: Kernel | null | undefined;

/**
 * A workspace of order n on the WebAssembly SIMD kernel, or `null` where it is unavailable.
 * Valid until the next call (which may grow and so detach the memory).
 * @example `const ws = tridiagonalWorkspace(n); if (ws) ws.a.set(a);`
 */
export function tridiagonalWorkspace(n: number): TridiagonalWorkspace | null {
  if (loaded === undefined) loaded = instantiateBase64<Kernel>(TRIDIAGONAL_WASM_BASE64);
  const kern = loaded;
  if (kern === null) return null;
  const mem = ensureMemory(kern.memory, 8 * (n * n + 4 * n));
  const buf = mem.buffer;
  const vec = (k: number): Float64Array => new Float64Array(buf, 8 * (n * n + k * n), n);
  return {
    a: new Float64Array(buf, 0, n * n),
    v: vec(0),
    u: vec(1),
    w: vec(2),
    p: vec(3),
    sweep4(nn, i0, groups, v, w, u, p) {
      kern.sweep4(nn, i0, groups, 0, v.byteOffset, w.byteOffset, u.byteOffset, p.byteOffset);
    },
  };
}
