import * as tf from '@tensorflow/tfjs-core';
import { instantiateWithImports } from '../linalg/wasm-module.js';
import { FUSED_UPDATE_WASM_BASE64 } from './fused-update-wasm-binary.js';

/** Coefficients of {@link fusedMomentum}. */
export interface MomentumKernelCoefficients {
  /** ν, the scale of the direction. */
  scale: number;
  weightDecay: number;
  momentum: number;
  nesterov: boolean;
  learningRate: number;
}

/** Coefficients of {@link fusedAdam}; `t` is the 1-based step. */
export interface AdamKernelCoefficients {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  t: number;
}

interface HeapKernels {
  sumDot4(n4: number, g: number, d: number): [number, number];
  momentum4(n4: number, d: number, v: number, w: number, next: number, nu: number, wd: number, mu: number, eta: number, a: number, b: number): void;
  adam4(n4: number, g: number, m: number, v: number, w: number, next: number, wd: number, b1: number, ob1: number, b2: number, ob2: number, eta1: number, c2: number, eps: number): void;
}

const compiled = new WeakMap<object, HeapKernels | null>();

/**
 * The SIMD kernels instantiated on tfjs-backend-wasm's heap when every array lies in it, else null
 * (the JavaScript loops then run: cpu backend, or a runtime without WebAssembly SIMD).
 */
function kernelsFor(arrays: readonly Float32Array[]): HeapKernels | null {
  // The engine's registry holds initialised backends only (findBackend would initialise one).
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  const backend = registry.wasm as { wasm?: { asm?: { memory?: { buffer: ArrayBufferLike } } } } | undefined;
  const memory = backend?.wasm?.asm?.memory;
  if (!memory || !arrays.every((a) => a.buffer === memory.buffer)) return null;
  if (!compiled.has(memory)) {
    compiled.set(memory, instantiateWithImports<HeapKernels>(FUSED_UPDATE_WASM_BASE64, { env: { memory } }));
  }
  return compiled.get(memory) ?? null;
}

/**
 * Which implementation the fused kernels use for these arrays: `'wasm-simd'` when all lie in
 * tfjs-backend-wasm's heap and the runtime has WebAssembly SIMD, else `'js'`.
 *
 * @example `fusedKernelPath([float32View(grad, 'read')!]) // 'wasm-simd' on the wasm backend`
 */
export function fusedKernelPath(arrays: readonly Float32Array[]): 'wasm-simd' | 'js' {
  return kernelsFor(arrays) ? 'wasm-simd' : 'js';
}

const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);
/** The f32 bit pattern of `x`, as the kernels take their coefficients. */
function f32(x: number): number {
  asFloat[0] = x;
  return bits[0];
}

/**
 * `[Σ g_i, Σ d_i g_i]` in Float64 (float32 entries cannot overflow it, so the first sum is finite
 * exactly when every g_i is). On tfjs-backend-wasm's heap, f32x4 loads with f64 sums (WebAssembly
 * SIMD); elsewhere a JavaScript loop with four partial sums.
 *
 * @example `const [sum, dot] = fusedSumAndDot(g, d)`
 */
export function fusedSumAndDot(g: Float32Array, d: Float32Array): [number, number] {
  const n4 = g.length >> 2;
  const k = kernelsFor([g, d]);
  if (!k || n4 === 0) return sumAndDotJs(g, d);
  const [s, a] = k.sumDot4(n4, g.byteOffset, d.byteOffset);
  const [ts, ta] = sumAndDotJs(g.subarray(4 * n4), d.subarray(4 * n4, g.length));
  return [s + ts, a + ta];
}

/**
 * The momentum step over flat arrays: reads `d` and `w`, updates `v` in place, writes `next`:
 *
 *     u = ν d + wd w,   v ← μ v + u,   next = w − η (Nesterov ? u + μ v : v)
 *
 * On tfjs-backend-wasm's heap in f32x4 (WebAssembly SIMD), elsewhere in JavaScript (Float64
 * intermediates); results are float32 either way.
 *
 * @example `fusedMomentum(d, v, w, next, { scale: 1, weightDecay: 0, momentum: 0.9, nesterov: false, learningRate: 0.1 })`
 */
export function fusedMomentum(d: Float32Array, v: Float32Array, w: Float32Array, next: Float32Array, c: MomentumKernelCoefficients): void {
  // dir = a·u + b·v covers both rules without a branch in the loop.
  const a = c.nesterov ? 1 : 0;
  const b = c.nesterov ? c.momentum : 1;
  const n4 = w.length >> 2;
  const k = kernelsFor([d, v, w, next]);
  let from = 0;
  if (k && n4 > 0) {
    k.momentum4(n4, d.byteOffset, v.byteOffset, w.byteOffset, next.byteOffset, f32(c.scale), f32(c.weightDecay), f32(c.momentum), f32(c.learningRate), f32(a), f32(b));
    from = 4 * n4;
  }
  momentumJs(d, v, w, next, from, c.scale, c.weightDecay, c.momentum, c.learningRate, a, b);
}

/**
 * The Adam step over flat arrays: reads `g` and `w`, updates `m`, `v` in place, writes `next`:
 *
 *     g' = g + wd w,   m ← β₁ m + (1 − β₁) g',   v ← β₂ v + (1 − β₂) g'²,
 *     next = w − η (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * On tfjs-backend-wasm's heap in f32x4 (WebAssembly SIMD), elsewhere in JavaScript.
 *
 * @example `fusedAdam(g, m, v, w, next, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, t: 1 })`
 */
export function fusedAdam(g: Float32Array, m: Float32Array, v: Float32Array, w: Float32Array, next: Float32Array, c: AdamKernelCoefficients): void {
  const eta1 = c.learningRate / (1 - c.beta1 ** c.t);
  const c2 = 1 / (1 - c.beta2 ** c.t);
  const n4 = w.length >> 2;
  const k = kernelsFor([g, m, v, w, next]);
  let from = 0;
  if (k && n4 > 0) {
    k.adam4(n4, g.byteOffset, m.byteOffset, v.byteOffset, w.byteOffset, next.byteOffset, f32(c.weightDecay), f32(c.beta1), f32(1 - c.beta1), f32(c.beta2), f32(1 - c.beta2), f32(eta1), f32(c2), f32(c.epsilon));
    from = 4 * n4;
  }
  adamJs(g, m, v, w, next, from, c.weightDecay, c.beta1, c.beta2, eta1, c2, c.epsilon);
}

// The JavaScript loops take scalars as arguments and use one index, so they stay monomorphic and
// free of closures (measured 3× faster than the same loops in a closure over an options object).

function sumAndDotJs(g: Float32Array, d: Float32Array): [number, number] {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  const n4 = g.length - (g.length % 4);
  let i = 0;
  // Four partial sums each, so that the adds do not wait on each other.
  for (; i < n4; i += 4) {
    const g0 = g[i], g1 = g[i + 1], g2 = g[i + 2], g3 = g[i + 3];
    s0 += g0;
    s1 += g1;
    s2 += g2;
    s3 += g3;
    a0 += d[i] * g0;
    a1 += d[i + 1] * g1;
    a2 += d[i + 2] * g2;
    a3 += d[i + 3] * g3;
  }
  for (; i < g.length; i++) {
    s0 += g[i];
    a0 += d[i] * g[i];
  }
  return [s0 + s1 + (s2 + s3), a0 + a1 + (a2 + a3)];
}

function momentumJs(d: Float32Array, v: Float32Array, w: Float32Array, next: Float32Array, from: number, nu: number, wd: number, mu: number, eta: number, a: number, b: number): void {
  for (let i = from; i < w.length; i++) {
    const u = nu * d[i] + wd * w[i];
    const vi = mu * v[i] + u;
    v[i] = vi;
    next[i] = w[i] - eta * (a * u + b * vi);
  }
}

function adamJs(g: Float32Array, m: Float32Array, v: Float32Array, w: Float32Array, next: Float32Array, from: number, wd: number, b1: number, b2: number, eta1: number, c2: number, eps: number): void {
  for (let i = from; i < w.length; i++) {
    const gi = g[i] + wd * w[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    next[i] = w[i] - (eta1 * mi) / (Math.sqrt(vi * c2) + eps);
  }
}
