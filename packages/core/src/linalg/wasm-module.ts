/**
 * Instantiation of the committed WebAssembly kernels of the linear-algebra routines (internal;
 * not re-exported).
 */

/** The parts of the WebAssembly API used here (the compiler's lib has no WebAssembly types). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** Exports shared by every kernel module: its linear memory. */
export interface WasmMemoryExport {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}

function decodeBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Compiles and instantiates a base64-encoded module with no imports, or returns `null` where
 * the runtime has no WebAssembly or rejects the module (e.g. no SIMD support), so callers can
 * fall back to plain JavaScript.
 * @example `const k = instantiateBase64<Kernel>(GEMM_WASM_BASE64)`
 */
export function instantiateBase64<T extends WasmMemoryExport>(base64: string): T | null {
  return instantiateWithImports<T>(base64, {});
}

/**
 * Like {@link instantiateBase64}, for a module with imports (e.g. `{ env: { memory } }` for a
 * kernel that works in another module's memory). Null where WebAssembly or its SIMD is missing.
 * @example `const k = instantiateWithImports<Kernels>(FUSED_UPDATE_WASM_BASE64, { env: { memory } })`
 */
export function instantiateWithImports<T>(base64: string, imports: object): T | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return null;
  try {
    return new api.Instance(new api.Module(decodeBase64(base64)), imports).exports as T;
  } catch {
    return null;
  }
}

/**
 * Grows `memory` to at least `bytes` bytes (64 KiB pages) and returns a Float64Array view of all
 * of it (views taken before a growth are detached).
 * @example `const mem = ensureMemory(kernel.memory, 8 * words)`
 */
export function ensureMemory(memory: WasmMemoryExport['memory'], bytes: number): Float64Array {
  const have = memory.buffer.byteLength;
  if (bytes > have) memory.grow(Math.ceil((bytes - have) / 65536));
  return new Float64Array(memory.buffer);
}
