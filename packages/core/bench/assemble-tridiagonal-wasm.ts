/**
 * Assembles the WebAssembly SIMD (f64x2) kernel of the Householder tridiagonalisation used by
 * `packages/core/src/linalg/householder-tridiagonal.ts` and writes it, base64-encoded, to
 * `packages/core/src/linalg/tridiagonal-wasm-binary.ts` (committed data: nothing is built at
 * install time). Run `npx tsx packages/core/bench/assemble-tridiagonal-wasm.ts` after changing it.
 *
 * `sweep4(n, i0, groups, a, v, w, u, p)` (byte offsets into the exported memory; `a` row-major
 * n × n, the others vectors of length n): for the row groups `i = i0 + 4g`, `g < groups`, and
 * the column pairs `j, j + 1` from `i + 4` while `j + 1 < n`, it applies the rank-two update
 * `x = a[r][j] − (v_r w_j + w_r v_j)` (stored back) to the four rows `r = i … i + 3` and
 * accumulates the symmetric product `p[j] += Σ_r x u_r`, `p[r] += Σ_j x u_j` — the bulk of the
 * fused sweep of one reduction step. The 4 × 4 corners and an odd last column stay in JavaScript.
 */
import { fileURLToPath } from 'node:url';
import {
  add, and, block, br, brIf, end, f64add, f64load, f64store, fadd, fmul, fsub, geU, get, i32, lane, load, loop, ltU,
  module, mul, set, splat, store, sub, writeBase64Module, zero,
} from './wasm-encoder.js';

const [N, I0, GROUPS, A, V, W, U, P] = [0, 1, 2, 3, 4, 5, 6, 7];
const [G, I, ROW, RA, J, JEND, VI] = [8, 9, 10, 11, 12, 13, 14];
const R = (r: number) => 15 + r; // row base addresses
const [vr, wr, ur, sr] = [(r: number) => 19 + r, (r: number) => 23 + r, (r: number) => 27 + r, (r: number) => 31 + r];
const [VJ, WJ, UJ, PJ, X] = [35, 36, 37, 38, 39];

const body: number[] = [
  ...get(N), ...i32(8), ...mul, ...set(ROW),
  ...i32(0), ...set(G),
  ...block, ...loop,
  ...get(G), ...get(GROUPS), ...geU, ...brIf(1),
  ...get(I0), ...get(G), ...i32(4), ...mul, ...add, ...set(I),
  ...get(A), ...get(I), ...get(ROW), ...mul, ...add, ...set(RA),
  ...[0, 1, 2, 3].map((r) => [...get(RA), ...i32(r), ...get(ROW), ...mul, ...add, ...set(R(r))]).flat(),
  ...get(I), ...i32(8), ...mul, ...set(VI), // byte offset of element i
  ...[0, 1, 2, 3].map((r) => [
    ...get(V), ...get(VI), ...add, ...splat(8 * r), ...set(vr(r)),
    ...get(W), ...get(VI), ...add, ...splat(8 * r), ...set(wr(r)),
    ...get(U), ...get(VI), ...add, ...splat(8 * r), ...set(ur(r)),
    ...zero, ...set(sr(r)),
  ]).flat(),
  // j = 8 (i + 4); jEnd = j + 8 ((n − i − 4) & ~1).
  ...get(VI), ...i32(32), ...add, ...set(J),
  ...get(J), ...get(N), ...get(I), ...sub, ...i32(4), ...sub, ...i32(-2), ...and, ...i32(8), ...mul, ...add, ...set(JEND),
  ...block,
  ...get(J), ...get(JEND), ...geU, ...brIf(0),
  ...loop,
  ...get(V), ...get(J), ...add, ...load(0), ...set(VJ),
  ...get(W), ...get(J), ...add, ...load(0), ...set(WJ),
  ...get(U), ...get(J), ...add, ...load(0), ...set(UJ),
  ...get(P), ...get(J), ...add, ...load(0), ...set(PJ),
  ...[0, 1, 2, 3].map((r) => [
    ...get(R(r)), ...get(J), ...add, ...load(0),
    ...get(vr(r)), ...get(WJ), ...fmul, ...get(wr(r)), ...get(VJ), ...fmul, ...fadd, ...fsub, ...set(X),
    ...get(R(r)), ...get(J), ...add, ...get(X), ...store(0),
    ...get(sr(r)), ...get(X), ...get(UJ), ...fmul, ...fadd, ...set(sr(r)),
    ...get(PJ), ...get(X), ...get(ur(r)), ...fmul, ...fadd, ...set(PJ),
  ]).flat(),
  ...get(P), ...get(J), ...add, ...get(PJ), ...store(0),
  ...get(J), ...i32(16), ...add, ...set(J),
  ...get(J), ...get(JEND), ...ltU, ...brIf(0),
  ...end,
  ...end,
  // p[i + r] += both lanes of s_r.
  ...[0, 1, 2, 3].map((r) => [
    ...get(P), ...get(VI), ...add,
    ...get(P), ...get(VI), ...add, ...f64load(8 * r),
    ...get(sr(r)), ...lane(0), ...get(sr(r)), ...lane(1), ...f64add, ...f64add,
    ...f64store(8 * r),
  ]).flat(),
  ...get(G), ...i32(1), ...add, ...set(G),
  ...br(0),
  ...end, ...end,
];

writeBase64Module(
  fileURLToPath(new URL('../src/linalg/tridiagonal-wasm-binary.ts', import.meta.url)),
  'TRIDIAGONAL_WASM_BASE64',
  'WebAssembly SIMD (f64x2) kernel of the fused rank-two update and symmetric product of the Householder tridiagonalisation',
  'packages/core/bench/assemble-tridiagonal-wasm.ts',
  module([{ name: 'sweep4', params: 8, i32Locals: 11, v128Locals: 21, body }]),
);
