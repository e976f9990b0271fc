/**
 * Assembles the WebAssembly SIMD (f32x4) kernels of the fused optimiser updates used by
 * `packages/core/src/backend/fused-kernels.ts` and writes them, base64-encoded, to
 * `packages/core/src/backend/fused-update-wasm-binary.ts` (committed data: nothing is built at
 * install time). Run `npx tsx packages/core/bench/assemble-fused-update-wasm.ts` after changing it.
 *
 * The module imports its memory (`env.memory`): it is instantiated on tfjs-backend-wasm's heap and
 * works on tensors where they are. Every address is a byte offset, every count `n4` a number of
 * 4-float groups (the caller does the last n mod 4 elements), every coefficient an f32 bit pattern
 * passed as an i32:
 * - `sumDot4(n4, g, d) → (Σ g_i, Σ d_i g_i)`, sums and products in f64;
 * - `momentum4(n4, d, v, w, next, ν, wd, μ, η, a, b)`: `u = ν d + wd w`, `v ← μ v + u`,
 *   `next = w − η (a u + b v)`;
 * - `adam4(n4, g, m, v, w, next, wd, β₁, 1 − β₁, β₂, 1 − β₂, η / (1 − β₁ᵗ), 1 / (1 − β₂ᵗ), ε)`:
 *   `g' = g + wd w`, `m ← β₁ m + (1 − β₁) g'`, `v ← β₂ v + (1 − β₂) g'²`,
 *   `next = w − η₁ m / (√(v c₂) + ε)`.
 */
import { fileURLToPath } from 'node:url';
import {
  add, block, brIf, end, F64, f32add, f32mul, f32splatBits, f32sub, f64add, fadd, fmul, geU, get, highToLow, i32, lane, load,
  loop, ltU, module, mul, promoteLow, set, store, tee, writeBase64Module, zero,
} from './wasm-encoder.js';

const f32sqrt = [0xfd, 0xe3, 0x01];
const f32div = [0xfd, 0xe7, 0x01];

/** `for (I = 0; I < 16 n4; I += 16) { step }` with I and END the given i32 locals. */
const groups = (n4: number, I: number, END: number, step: number[]): number[] => [
  ...get(n4), ...i32(16), ...mul, ...set(END),
  ...i32(0), ...set(I),
  ...block,
  ...get(I), ...get(END), ...geU, ...brIf(0),
  ...loop,
  ...step,
  ...get(I), ...i32(16), ...add, ...set(I),
  ...get(I), ...get(END), ...ltU, ...brIf(0),
  ...end,
  ...end,
];
const at = (base: number, I: number): number[] => [...get(base), ...get(I), ...add];
const splatParams = (pairs: [number, number][]): number[] => pairs.flatMap(([param, local]) => [...get(param), ...f32splatBits, ...set(local)]);

// sumDot4(n4, g, d): params 0–2; i32 locals 3–4; v128 locals 5–10.
const sumDot = (() => {
  const [N4, Gp, Dp, I, END, S1, S2, A1, A2, G, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const high = (x: number) => [...get(x), ...get(x), ...highToLow, ...promoteLow];
  const low = (x: number) => [...get(x), ...promoteLow];
  const body = [
    ...zero, ...set(S1), ...zero, ...set(S2), ...zero, ...set(A1), ...zero, ...set(A2),
    ...groups(N4, I, END, [
      ...at(Gp, I), ...load(0), ...set(G),
      ...at(Dp, I), ...load(0), ...set(D),
      ...get(S1), ...low(G), ...fadd, ...set(S1),
      ...get(S2), ...high(G), ...fadd, ...set(S2),
      ...get(A1), ...low(G), ...low(D), ...fmul, ...fadd, ...set(A1),
      ...get(A2), ...high(G), ...high(D), ...fmul, ...fadd, ...set(A2),
    ]),
    ...get(S1), ...get(S2), ...fadd, ...set(S1),
    ...get(A1), ...get(A2), ...fadd, ...set(A1),
    ...get(S1), ...lane(0), ...get(S1), ...lane(1), ...f64add,
    ...get(A1), ...lane(0), ...get(A1), ...lane(1), ...f64add,
  ];
  return { name: 'sumDot4', params: 3, i32Locals: 2, v128Locals: 6, body, results: [F64, F64] };
})();

// momentum4(n4, d, v, w, next, nu, wd, mu, eta, a, b): params 0–10; i32 locals 11–12; v128 locals 13–22.
const momentum = (() => {
  const [N4, Dp, Vp, Wp, NEXT] = [0, 1, 2, 3, 4];
  const [I, END] = [11, 12];
  const [NU, WD, MU, ETA, A, B, W, U, VI] = [13, 14, 15, 16, 17, 18, 19, 20, 21];
  const body = [
    ...splatParams([[5, NU], [6, WD], [7, MU], [8, ETA], [9, A], [10, B]]),
    ...groups(N4, I, END, [
      ...at(Dp, I), ...load(0), ...get(NU), ...f32mul,
      ...at(Wp, I), ...load(0), ...tee(W), ...get(WD), ...f32mul, ...f32add, ...set(U),
      ...at(Vp, I), ...load(0), ...get(MU), ...f32mul, ...get(U), ...f32add, ...set(VI),
      ...at(Vp, I), ...get(VI), ...store(0),
      ...at(NEXT, I),
      ...get(W),
      ...get(ETA), ...get(A), ...get(U), ...f32mul, ...get(B), ...get(VI), ...f32mul, ...f32add, ...f32mul,
      ...f32sub,
      ...store(0),
    ]),
  ];
  return { name: 'momentum4', params: 11, i32Locals: 2, v128Locals: 10, body };
})();

// adam4(n4, g, m, v, w, next, wd, b1, ob1, b2, ob2, eta1, c2, eps): params 0–13; i32 locals 14–15; v128 locals 16–27.
const adam = (() => {
  const [N4, Gp, Mp, Vp, Wp, NEXT] = [0, 1, 2, 3, 4, 5];
  const [I, END] = [14, 15];
  const [WD, B1, OB1, B2, OB2, ETA1, C2, EPS, W, GW, M, V] = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];
  const body = [
    ...splatParams([[6, WD], [7, B1], [8, OB1], [9, B2], [10, OB2], [11, ETA1], [12, C2], [13, EPS]]),
    ...groups(N4, I, END, [
      ...at(Gp, I), ...load(0),
      ...at(Wp, I), ...load(0), ...tee(W), ...get(WD), ...f32mul, ...f32add, ...set(GW),
      ...at(Mp, I), ...load(0), ...get(B1), ...f32mul, ...get(GW), ...get(OB1), ...f32mul, ...f32add, ...set(M),
      ...at(Vp, I), ...load(0), ...get(B2), ...f32mul, ...get(GW), ...get(GW), ...f32mul, ...get(OB2), ...f32mul, ...f32add, ...set(V),
      ...at(Mp, I), ...get(M), ...store(0),
      ...at(Vp, I), ...get(V), ...store(0),
      ...at(NEXT, I),
      ...get(W),
      ...get(ETA1), ...get(M), ...f32mul,
      ...get(V), ...get(C2), ...f32mul, ...f32sqrt, ...get(EPS), ...f32add,
      ...f32div,
      ...f32sub,
      ...store(0),
    ]),
  ];
  return { name: 'adam4', params: 14, i32Locals: 2, v128Locals: 12, body };
})();

writeBase64Module(
  fileURLToPath(new URL('../src/backend/fused-update-wasm-binary.ts', import.meta.url)),
  'FUSED_UPDATE_WASM_BASE64',
  'WebAssembly SIMD (f32x4) kernels of the fused optimiser updates, on an imported memory (tfjs-backend-wasm\'s heap)',
  'packages/core/bench/assemble-fused-update-wasm.ts',
  module([sumDot, momentum, adam], true),
);
