/**
 * Assembles the WebAssembly SIMD (f64x2) matrix-product micro-kernel used by
 * `packages/core/src/linalg/gemm-wasm.ts` and writes it, base64-encoded, to
 * `packages/core/src/linalg/gemm-wasm-binary.ts` (committed data: nothing is built at install
 * time). Run `npx tsx packages/core/bench/assemble-gemm-wasm.ts` after changing the kernel.
 *
 * The module is written byte by byte (a few opcodes need no assembler). It exports a memory and
 *
 *   `kernel(mPanels, nPanels, kc, ap, bp, c, ldcBytes)`:
 *   for every 4-row panel i of the packed A and 4-column panel j of the packed B,
 *   `C[4i … 4i+3][4j … 4j+3] −= Σ_p A_i[p] ⊗ B_j[p]`,
 *
 * where panel i of A is `kc` groups of 4 doubles (`a[4i][p] … a[4i+3][p]`) at `ap + 32 kc i`,
 * panel j of B likewise at `bp + 32 kc j`, and C is row-major with row stride `ldcBytes` at `c`.
 * The 4 × 4 tile lives in eight f64x2 registers; each k step loads two B vectors and splats
 * four A scalars, each used twice (6 loads per 16 multiply-adds), two k steps per iteration.
 */
import { fileURLToPath } from 'node:url';
import {
  add, and, block, br, brIf, end, fadd, fmul, fsub, geU, get, i32, ifBlock, load, loop, ltU, module, mul, set, splat, store,
  writeBase64Module, zero,
} from './wasm-encoder.js';

// Parameters 0–6, then i32 locals 7–12, then v128 locals 13–22.
const [M, N, KC, AP, BP, C, LDC] = [0, 1, 2, 3, 4, 5, 6];
const [I, J, A, B, AEND, CP] = [7, 8, 9, 10, 11, 12];
const acc = (r: number, h: number) => 13 + 2 * r + h; // tile row r, columns 2h, 2h + 1
const B0 = 21;
const B1 = 22;
const S = 23; // the splatted A scalar of the current row

/** One k step at byte offset `o` from the current A and B pointers. */
const step = (o: number): number[] => [
  ...get(B), ...load(o), ...set(B0),
  ...get(B), ...load(o + 16), ...set(B1),
  ...[0, 1, 2, 3].map((r) => [
    ...get(A), ...splat(o + 8 * r), ...set(S),
    ...get(acc(r, 0)), ...get(S), ...get(B0), ...fmul, ...fadd, ...set(acc(r, 0)),
    ...get(acc(r, 1)), ...get(S), ...get(B1), ...fmul, ...fadd, ...set(acc(r, 1)),
  ]).flat(),
];
/** `if (cond) { code; a += 32; b += 32 }` with the condition on the stack. */
const ifStep = (code: number[]): number[] =>
  ifBlock([...code, ...get(A), ...i32(32), ...add, ...set(A), ...get(B), ...i32(32), ...add, ...set(B)]);

const body: number[] = [
  ...i32(0), ...set(I),
  ...block, ...loop,
  ...get(I), ...get(M), ...geU, ...brIf(1),
  ...i32(0), ...set(J),
  ...block, ...loop,
  ...get(J), ...get(N), ...geU, ...brIf(1),
  // Zero the tile.
  ...Array.from({ length: 8 }, (_, t) => [...zero, ...set(13 + t)]).flat(),
  // a = ap + 32 kc i; aEnd = a + 32 kc; b = bp + 32 kc j.
  ...get(AP), ...get(KC), ...i32(32), ...mul, ...get(I), ...mul, ...add, ...set(A),
  ...get(A), ...get(KC), ...i32(32), ...mul, ...add, ...set(AEND),
  ...get(BP), ...get(KC), ...i32(32), ...mul, ...get(J), ...mul, ...add, ...set(B),
  // k odd: one step first, so the loop below can take two per iteration.
  ...get(KC), ...i32(1), ...and, ...ifStep(step(0)),
  ...block,
  ...get(A), ...get(AEND), ...geU, ...brIf(0),
  ...loop,
  ...step(0),
  ...step(32),
  ...get(A), ...i32(64), ...add, ...set(A),
  ...get(B), ...i32(64), ...add, ...set(B),
  ...get(A), ...get(AEND), ...ltU, ...brIf(0),
  ...end,
  ...end,
  // cp = c + 4 i ldc + 32 j; C tile −= acc.
  ...get(C), ...get(I), ...i32(4), ...mul, ...get(LDC), ...mul, ...add, ...get(J), ...i32(32), ...mul, ...add, ...set(CP),
  ...[0, 1, 2, 3].map((r) => [
    ...get(CP), ...get(CP), ...load(0), ...get(acc(r, 0)), ...fsub, ...store(0),
    ...get(CP), ...get(CP), ...load(16), ...get(acc(r, 1)), ...fsub, ...store(16),
    ...get(CP), ...get(LDC), ...add, ...set(CP),
  ]).flat(),
  ...get(J), ...i32(1), ...add, ...set(J),
  ...br(0),
  ...end, ...end,
  ...get(I), ...i32(1), ...add, ...set(I),
  ...br(0),
  ...end, ...end,
];
const wasm = module([{ name: 'kernel', params: 7, i32Locals: 6, v128Locals: 11, body }]);
writeBase64Module(
  fileURLToPath(new URL('../src/linalg/gemm-wasm-binary.ts', import.meta.url)),
  'GEMM_WASM_BASE64',
  'WebAssembly SIMD (f64x2) micro-kernel of the matrix product',
  'packages/core/bench/assemble-gemm-wasm.ts',
  wasm,
);
