/**
 * Timing helpers shared by this package's benchmarks: CPU seconds of this process
 * (`process.cpuUsage`, user + system, every thread) next to wall seconds, because the machine
 * may be shared and wall time then mostly measures the other processes.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { installOnnxMatMul, type OnnxMatMulHandle } from '../src/index.js';

/** One timed sample: `reps` runs of a function. */
export interface Sample {
  wall: number;
  cpu: number;
}

/** Runs `fn` `reps` times and returns wall and CPU seconds. */
export function timeSample(fn: () => void, reps: number): Sample {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

/** The median of some numbers. */
export function median(xs: number[]): number {
  const s = xs.slice().sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** The kernels compared: tfjs-backend-wasm's (as fisherkit runs it) and ONNX Runtime with 1 or 2 threads. */
export interface Mode {
  name: string;
  install(): OnnxMatMulHandle | null;
}

/** wasm, onnx ×1, onnx ×2 (every float32 product on ONNX Runtime: minFlops 0). */
export const MODES: Mode[] = [
  { name: 'wasm', install: () => null },
  { name: 'onnx 1 thread', install: () => installOnnxMatMul({ threads: 1, minFlops: 0 }) },
  { name: 'onnx 2 threads', install: () => installOnnxMatMul({ threads: 2, minFlops: 0 }) },
];

/** `tf.matMul(a, b, tA, tB)` with the result read back as training would (dataSync forces the kernel), and disposed. */
export function product(a: tf.Tensor, b: tf.Tensor, tA: boolean, tB: boolean): void {
  tf.tidy(() => tf.matMul(a, b, tA, tB)).dispose();
}

/** `1m 5m 15m` load averages, formatted. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}
