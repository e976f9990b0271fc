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
 * The 4 × 4 tile lives in eight f64x2 registers; each step loads two B vectors and splats four
 * A scalars (6 loads per 16 multiply-adds).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const uleb = (x: number): number[] => {
  const out: number[] = [];
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x !== 0) b |= 0x80;
    out.push(b);
  } while (x !== 0);
  return out;
};
const sleb = (x: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = x & 0x7f;
    x >>= 7;
    if ((x === 0 && (b & 0x40) === 0) || (x === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'utf8')];

// Instructions.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32 = (v: number) => [0x41, ...sleb(v)];
const add = [0x6a];
const mul = [0x6c];
const geU = [0x4f];
const and = [0x71];
const ltU = [0x49];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const memarg = (align: number, offset: number) => [...uleb(align), ...uleb(offset)];
const load = (offset: number) => simd(0x00, ...memarg(3, offset));
const store = (offset: number) => simd(0x0b, ...memarg(3, offset));
const splat = (offset: number) => simd(0x0a, ...memarg(3, offset));
const fadd = simd(0xf0);
const fsub = simd(0xf1);
const fmul = simd(0xf2);
const zero = simd(0x0c, ...new Array(16).fill(0));
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const end = [0x0b];
const br = (d: number) => [0x0c, ...uleb(d)];
const brIf = (d: number) => [0x0d, ...uleb(d)];

// Parameters 0–6, then i32 locals 7–12, then v128 locals 13–22.
const [M, N, KC, AP, BP, C, LDC] = [0, 1, 2, 3, 4, 5, 6];
const [I, J, A, B, AEND, CP] = [7, 8, 9, 10, 11, 12];
const acc = (r: number, h: number) => 13 + 2 * r + h; // tile row r, columns 2h, 2h + 1
const B0 = 21;
const B1 = 22;

/** One k step at byte offset `o` from the current A and B pointers. */
const step = (o: number): number[] => [
  ...get(B), ...load(o), ...set(B0),
  ...get(B), ...load(o + 16), ...set(B1),
  ...[0, 1, 2, 3].map((r) => [
    ...get(acc(r, 0)), ...get(A), ...splat(o + 8 * r), ...get(B0), ...fmul, ...fadd, ...set(acc(r, 0)),
    ...get(acc(r, 1)), ...get(A), ...splat(o + 8 * r), ...get(B1), ...fmul, ...fadd, ...set(acc(r, 1)),
  ]).flat(),
];
/** `if (cond) { code; a += 32; b += 32 }` with the condition on the stack. */
const ifBlock = (code: number[]): number[] => [
  0x04, 0x40, ...code,
  ...get(A), ...i32(32), ...add, ...set(A),
  ...get(B), ...i32(32), ...add, ...set(B),
  ...end,
];

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
  ...get(KC), ...i32(1), ...and, ...ifBlock(step(0)),
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
  ...end,
];
const locals = vec([[...uleb(6), 0x7f], [...uleb(10), 0x7b]]);
const func = [...locals, ...body];

const bytes = [
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  ...section(1, vec([[0x60, ...vec(new Array(7).fill([0x7f])), ...vec([])]])),
  ...section(3, vec([uleb(0)])),
  ...section(5, vec([[0x00, ...uleb(1)]])),
  ...section(7, vec([[...name('memory'), 0x02, ...uleb(0)], [...name('kernel'), 0x00, ...uleb(0)]])),
  ...section(10, vec([[...uleb(func.length), ...func]])),
];
const wasm = Uint8Array.from(bytes);
const api = (globalThis as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
if (api === undefined || !api.validate(wasm)) throw new Error('assembled module does not validate');
const target = fileURLToPath(new URL('../src/linalg/gemm-wasm-binary.ts', import.meta.url));
writeFileSync(
  target,
  `/**\n * WebAssembly SIMD (f64x2) micro-kernel of the matrix product, base64 (generated by\n * packages/core/bench/assemble-gemm-wasm.ts; do not edit). Internal; not re-exported.\n */\nexport const GEMM_WASM_BASE64 =\n  '${Buffer.from(wasm).toString('base64')}';\n`,
);
console.log(`wrote ${wasm.length} bytes to ${target}`);
