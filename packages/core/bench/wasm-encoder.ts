/**
 * A minimal WebAssembly binary encoder for the hand-written SIMD kernels of
 * `packages/core/src/linalg` (used by the `assemble-*-wasm.ts` scripts; not part of the package).
 * Instructions are byte arrays; a module is one memory (its own, exported, or one it imports) plus
 * exported functions whose parameters are i32 and locals i32 or v128, with optional results.
 */
import { writeFileSync } from 'node:fs';

/** Unsigned LEB128. @example `uleb(624485) // [0xe5, 0x8e, 0x26]` */
export const uleb = (x: number): number[] => {
  const out: number[] = [];
  do {
    let b = x & 0x7f;
    x >>>= 7;
    if (x !== 0) b |= 0x80;
    out.push(b);
  } while (x !== 0);
  return out;
};

/** Signed LEB128. @example `sleb(-1) // [0x7f]` */
export const sleb = (x: number): number[] => {
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

/** Local and constant access. */
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const i32 = (v: number): number[] => [0x41, ...sleb(v)];
/** i32 arithmetic and comparisons. */
export const add = [0x6a];
export const sub = [0x6b];
export const mul = [0x6c];
export const and = [0x71];
export const geU = [0x4f];
export const ltU = [0x49];
/** Scalar f64 memory and arithmetic (alignment 8, static byte offset). */
export const f64load = (offset: number): number[] => [0x2b, 3, ...uleb(offset)];
export const f64store = (offset: number): number[] => [0x39, 3, ...uleb(offset)];
export const f64add = [0xa0];
/** SIMD (prefix 0xfd). */
const simd = (op: number, ...imm: number[]): number[] => [0xfd, ...uleb(op), ...imm];
const memarg = (offset: number): number[] => [3, ...uleb(offset)];
export const load = (offset: number): number[] => simd(0x00, ...memarg(offset));
export const store = (offset: number): number[] => simd(0x0b, ...memarg(offset));
export const splat = (offset: number): number[] => simd(0x0a, ...memarg(offset));
export const lane = (i: number): number[] => simd(0x21, i);
export const fadd = simd(0xf0);
export const fsub = simd(0xf1);
export const fmul = simd(0xf2);
export const zero = simd(0x0c, ...new Array<number>(16).fill(0));
/** f32x4 arithmetic, `f32x4.splat` of an i32 bit pattern (`f32.reinterpret_i32`), f32 → f64 lanes. */
export const f32splatBits = [0xbe, ...simd(0x13)];
export const f32add = simd(0xe4);
export const f32sub = simd(0xe5);
export const f32mul = simd(0xe6);
/** f64x2 of lanes 0, 1 of an f32x4. */
export const promoteLow = simd(0x5f);
/** The f32x4's lanes 2, 3 moved to lanes 0, 1 (`i8x16.shuffle` with itself). */
export const highToLow = [...simd(0x0d, ...[8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15])];
/** Duplicates the top of the stack through a local: `tee`. */
export const tee = (i: number): number[] => [0x22, ...uleb(i)];
/** Value types for results. */
export const F64 = 0x7c;
/** Control. */
export const block = [0x02, 0x40];
export const loop = [0x03, 0x40];
export const end = [0x0b];
export const br = (d: number): number[] => [0x0c, ...uleb(d)];
export const brIf = (d: number): number[] => [0x0d, ...uleb(d)];
/** `if (cond) { code }` with the condition on the stack. */
export const ifBlock = (code: number[]): number[] => [0x04, 0x40, ...code, ...end];

/** One exported function: i32 parameters, then `i32Locals` i32 and `v128Locals` v128 locals. */
export interface FunctionSpec {
  name: string;
  params: number;
  i32Locals: number;
  v128Locals: number;
  body: number[];
  /** Result value types (e.g. `[F64, F64]`); none by default. */
  results?: number[];
}

/**
 * A module with the given functions, validated: with its own memory, exported as `memory`, or with
 * `importMemory` a memory imported as `env.memory` (a kernel that works in another module's heap).
 */
export function module(functions: FunctionSpec[], importMemory = false): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(new Array(f.params).fill([0x7f])), ...vec((f.results ?? []).map((t) => [t]))]);
  const bodies = functions.map((f) => {
    const code = [...vec([[...uleb(f.i32Locals), 0x7f], [...uleb(f.v128Locals), 0x7b]]), ...f.body, ...end];
    return [...uleb(code.length), ...code];
  });
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...(importMemory ? section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(0)]])) : []),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...(importMemory ? [] : section(5, vec([[0x00, ...uleb(1)]]))),
    ...section(7, vec([...(importMemory ? [] : [[...name('memory'), 0x02, ...uleb(0)]]), ...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vec(bodies)),
  ];
  const wasm = Uint8Array.from(bytes);
  const api = (globalThis as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
  if (api === undefined || !api.validate(wasm)) throw new Error('assembled module does not validate');
  return wasm;
}

/** Writes `wasm` base64-encoded as `export const <constant>` to the TypeScript file `target`. */
export function writeBase64Module(target: string, constant: string, what: string, script: string, wasm: Uint8Array): void {
  writeFileSync(
    target,
    `/**\n * ${what}, base64 (generated by\n * ${script}; do not edit). Internal; not re-exported.\n */\nexport const ${constant} =\n  '${Buffer.from(wasm).toString('base64')}';\n`,
  );
  console.log(`wrote ${wasm.length} bytes to ${target}`);
}
