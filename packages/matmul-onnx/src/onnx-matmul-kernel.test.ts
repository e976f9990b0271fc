import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, OptionError, selectBackend } from '@fisherkit/core';
import { installOnnxMatMul, type OnnxMatMulHandle } from './onnx-matmul-kernel.js';
import { DEFAULT_MIN_FLOPS } from './options.js';

type Case = { name: string; a: number[]; b: number[]; tA: boolean; tB: boolean };

/** op(a) · op(b) in float64 with numpy batch broadcasting, written independently of the kernel. */
function reference(aShape: number[], a: Float32Array, bShape: number[], b: Float32Array, tA: boolean, tB: boolean): { shape: number[]; values: Float64Array } {
  const [ar, ac] = aShape.slice(-2);
  const [br, bc] = bShape.slice(-2);
  const [m, k, n] = [tA ? ac : ar, tA ? ar : ac, tB ? br : bc];
  const rank = Math.max(aShape.length, bShape.length) - 2;
  const pad = (s: number[]) => [...Array(rank - (s.length - 2)).fill(1), ...s.slice(0, -2)];
  const ao = pad(aShape);
  const bo = pad(bShape);
  const oo = ao.map((d, i) => Math.max(d, bo[i]));
  const batch = oo.reduce((p, d) => p * d, 1);
  const values = new Float64Array(batch * m * n);
  const flatIndex = (coords: number[], dims: number[]) => coords.reduce((acc, c, i) => acc * dims[i] + (dims[i] === 1 ? 0 : c), 0);
  for (let o = 0; o < batch; o++) {
    const coords: number[] = [];
    for (let d = rank - 1, r = o; d >= 0; d--) {
      coords[d] = r % oo[d];
      r = Math.floor(r / oo[d]);
    }
    const aOff = flatIndex(coords, ao) * ar * ac;
    const bOff = flatIndex(coords, bo) * br * bc;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[aOff + (tA ? p * ac + i : i * ac + p)] * b[bOff + (tB ? j * bc + p : p * bc + j)];
        values[o * m * n + i * n + j] = s;
      }
    }
  }
  return { shape: [...oo, m, n], values };
}

/** ‖x − ref‖₂ / ‖ref‖₂ (0 for an empty or zero reference matched exactly). */
function relErr(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(x.length).toBe(ref.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    num += (x[i] - ref[i]) ** 2;
    den += ref[i] ** 2;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

const TOL = 1e-5;
const shapeOf = (rows: number, cols: number, t: boolean) => (t ? [cols, rows] : [rows, cols]);
const CASES: Case[] = [];
for (const tA of [false, true]) {
  for (const tB of [false, true]) {
    const tag = `tA=${tA} tB=${tB}`;
    CASES.push({ name: `7×3 · 3×5 ${tag}`, a: shapeOf(7, 3, tA), b: shapeOf(3, 5, tB), tA, tB });
    CASES.push({ name: `64×96 · 96×80 ${tag}`, a: shapeOf(64, 96, tA), b: shapeOf(96, 80, tB), tA, tB });
    CASES.push({ name: `batch 3 ${tag}`, a: [3, ...shapeOf(6, 4, tA)], b: [3, ...shapeOf(4, 9, tB)], tA, tB });
    CASES.push({ name: `batch 3 · broadcast 2-D ${tag}`, a: [3, ...shapeOf(6, 4, tA)], b: shapeOf(4, 9, tB), tA, tB });
    CASES.push({ name: `batch 1 · batch 3 ${tag}`, a: [1, ...shapeOf(5, 8, tA)], b: [3, ...shapeOf(8, 2, tB)], tA, tB });
  }
}
CASES.push({ name: '1×1 · 1×1', a: [1, 1], b: [1, 1], tA: false, tB: false });
CASES.push({ name: 'batch 1', a: [1, 4, 6], b: [1, 3, 6], tA: false, tB: true });
CASES.push({ name: 'rank 4, batch 2×3', a: [2, 3, 4, 5], b: [2, 3, 5, 2], tA: false, tB: false });

/** Cases where tfjs' own kernels are wrong (output batch = max instead of broadcast product; wasm leaves k = 0 uninitialised). */
const REFERENCE_ONLY: Case[] = [
  { name: 'rank 4 broadcast [2,1] · [3]', a: [2, 1, 4, 5], b: [3, 5, 2], tA: false, tB: false },
  { name: 'k = 0', a: [2, 0], b: [0, 4], tA: false, tB: false },
  { name: 'm = 0', a: [0, 3], b: [3, 4], tA: false, tB: false },
  { name: 'n = 0, batch 2', a: [2, 3, 4], b: [2, 4, 0], tA: false, tB: false },
];

const rng = createRng(7);
const randomData = (shape: number[]) => Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.normal());
const DATA = new Map([...CASES, ...REFERENCE_ONLY].map((c) => [c, { a: randomData(c.a), b: randomData(c.b) }]));

function run(c: Case): { shape: number[]; values: Float32Array } {
  const { a, b } = DATA.get(c)!;
  return tf.tidy(() => {
    const out = tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.tA, c.tB);
    return { shape: out.shape, values: out.dataSync() as Float32Array };
  });
}

const gradInputs = () => {
  const r = createRng(3);
  return { x: Float32Array.from({ length: 12 * 10 }, () => r.normal()), w: Float32Array.from({ length: 10 * 10 }, () => r.normal()) };
};
/** Gradients of ‖op(x) · op(w)‖² for x, w of shape 12×10 / 10×10 (square w so every transpose pair is valid). */
function grads(tA: boolean, tB: boolean): Float32Array[] {
  const { x, w } = gradInputs();
  return tf.tidy(() => {
    const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.matMul(xx, ww, tA, tB))));
    const xs = tA ? [10, 12] : [12, 10];
    return g([tf.tensor(x.slice(0, 120), xs), tf.tensor(w, [10, 10])]).map((t) => t.dataSync() as Float32Array);
  });
}
const PAIRS: [boolean, boolean][] = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

describe.each(['wasm', 'cpu'] as const)('ONNX matMul kernel on %s', (backendName) => {
  const original = new Map<Case, { shape: number[]; values: Float32Array }>();
  const originalGrads: Float32Array[][] = [];
  let originalKernel: tf.KernelConfig | undefined;
  let handle: OnnxMatMulHandle;

  beforeAll(async () => {
    await selectBackend({ backend: backendName });
    originalKernel = tf.getKernel('BatchMatMul', backendName);
    for (const c of CASES) original.set(c, run(c));
    for (const [tA, tB] of PAIRS) originalGrads.push(grads(tA, tB));
    handle = installOnnxMatMul({ backendName, minFlops: 0 });
  });
  afterAll(() => handle.uninstall());

  it('matches the float64 reference and the original kernel on every shape and transpose', () => {
    const before = handle.stats();
    for (const c of CASES) {
      const got = run(c);
      const { a, b } = DATA.get(c)!;
      const ref = reference(c.a, a, c.b, b, c.tA, c.tB);
      expect(got.shape, c.name).toEqual(ref.shape);
      expect(got.shape, c.name).toEqual(original.get(c)!.shape);
      expect(relErr(got.values, ref.values), c.name).toBeLessThan(TOL);
      expect(relErr(got.values, original.get(c)!.values), c.name).toBeLessThan(TOL);
    }
    const after = handle.stats();
    expect(after.calls - before.calls).toBe(CASES.length);
    expect(after.fallbacks).toBe(before.fallbacks);
  });

  it('gets broadcasting and zero-sized dimensions right where tfjs kernels do not', () => {
    for (const c of REFERENCE_ONLY) {
      const got = run(c);
      const { a, b } = DATA.get(c)!;
      const ref = reference(c.a, a, c.b, b, c.tA, c.tB);
      expect(got.shape, c.name).toEqual(ref.shape);
      expect(relErr(got.values, ref.values), c.name).toBeLessThan(TOL);
    }
    expect(run(REFERENCE_ONLY[1]).values).toEqual(new Float32Array(8)); // k = 0: exact zeros
  });

  it('uses tolerances that a wrong transpose or a missing factor would fail', () => {
    const c = CASES.find((x) => x.name.startsWith('64×96') && !x.tA && !x.tB)!;
    const { a, b } = DATA.get(c)!;
    const ref = reference(c.a, a, c.b, b, false, false).values;
    const sq = { a: randomData([9, 9]), b: randomData([9, 9]) };
    const plain = reference([9, 9], sq.a, [9, 9], sq.b, false, false).values;
    expect(relErr(reference([9, 9], sq.a, [9, 9], sq.b, true, false).values, plain)).toBeGreaterThan(0.1);
    expect(relErr(reference([9, 9], sq.a, [9, 9], sq.b, false, true).values, plain)).toBeGreaterThan(0.1);
    expect(relErr(ref.map((v) => v * (1 + 1e-4)), ref)).toBeGreaterThan(TOL);
  });

  it('gives the same gradients through tf.grads for every transpose pair', () => {
    PAIRS.forEach(([tA, tB], p) => {
      const before = handle.stats().calls;
      const got = grads(tA, tB);
      expect(handle.stats().calls - before).toBe(3); // forward, d/dx, d/dw
      got.forEach((g, i) => expect(relErr(g, originalGrads[p][i]), `tA=${tA} tB=${tB} grad ${i}`).toBeLessThan(TOL));
    });
  });

  it('leaks no tensors or backend data over repeated products', () => {
    const c = CASES.find((x) => x.name.startsWith('batch 3 · broadcast'))!;
    run(c);
    const tensors = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    for (let r = 0; r < 25; r++) run(c);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  });

  it('hands non-float32 products to the original kernel', () => {
    const before = handle.stats().fallbacks;
    const product = () =>
      tf.tidy(() => Array.from(tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6, 7, 8], [2, 2], 'int32')).dataSync()));
    if (backendName === 'wasm') expect(product).toThrow(/non-float32/); // tfjs-backend-wasm's own message
    else expect(product()).toEqual([19, 22, 43, 50]);
    expect(handle.stats().fallbacks).toBe(before + 1);
  });

  it('restores the original kernel exactly on uninstall, and can be installed again', () => {
    expect(tf.getKernel('BatchMatMul', backendName)).not.toBe(originalKernel);
    handle.uninstall();
    handle.uninstall(); // idempotent
    expect(tf.getKernel('BatchMatMul', backendName)).toBe(originalKernel);
    const frozen = handle.stats();
    const c = CASES[1];
    const { a, b } = DATA.get(c)!;
    expect(relErr(run(c).values, reference(c.a, a, c.b, b, c.tA, c.tB).values)).toBeLessThan(TOL);
    expect(handle.stats()).toEqual(frozen);
    handle = installOnnxMatMul({ backendName, minFlops: 0, threads: 1 });
    expect(relErr(run(c).values, reference(c.a, a, c.b, b, c.tA, c.tB).values)).toBeLessThan(TOL);
    expect(handle.stats()).toEqual({ calls: 1, flops: 2 * 64 * 96 * 80, fallbacks: 0 });
  });
});

describe('default threshold and options', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'wasm' });
  });

  it('runs large products on ONNX Runtime and small ones on the original kernel', () => {
    const handle = installOnnxMatMul();
    try {
      expect(handle.minFlops).toBe(DEFAULT_MIN_FLOPS);
      const product = (n: number) => tf.tidy(() => tf.matMul(tf.ones([n, n]), tf.ones([n, n])).dataSync()[0]);
      expect(product(128)).toBe(128);
      expect(handle.stats()).toEqual({ calls: 1, flops: 2 * 128 ** 3, fallbacks: 0 });
      expect(product(127)).toBe(127); // just below 2·128³
      expect(product(8)).toBe(8);
      expect(handle.stats()).toEqual({ calls: 1, flops: 2 * 128 ** 3, fallbacks: 2 });
    } finally {
      handle.uninstall();
    }
  });

  it('rejects bad options with a message naming the fix', () => {
    expect(() => installOnnxMatMul({ threads: 0 })).toThrow(/threads must be a positive integer.*got 0/);
    expect(() => installOnnxMatMul({ threads: 1.5 })).toThrow(OptionError);
    expect(() => installOnnxMatMul({ threads: '2' as never })).toThrow(OptionError);
    expect(() => installOnnxMatMul({ backendName: 'webgl' as never })).toThrow(/'wasm' or 'cpu'/);
    expect(() => installOnnxMatMul({ minFlops: -1 })).toThrow(/minFlops must be a finite number ≥ 0/);
    expect(() => installOnnxMatMul({ minFlops: Number.NaN })).toThrow(OptionError);
    expect(() => installOnnxMatMul({ thread: 2 } as never)).toThrow(/unknown option "thread"/);
  });

  it('refuses a second install on the same backend', () => {
    const handle = installOnnxMatMul({ threads: 1 });
    try {
      expect(() => installOnnxMatMul()).toThrow(/already installed on backend 'wasm'; call uninstall\(\)/);
    } finally {
      handle.uninstall();
    }
  });
});
