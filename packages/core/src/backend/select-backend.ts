import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import './register-gradients.js';
import { OptionError } from '../errors.js';
import { installWasmSliceFix } from './wasm-slice-fix.js';
import { installTransposedMatMulFix } from './wasm-transpose-fix.js';

/** The TensorFlow.js backends fisherkit knows how to start, fastest first. */
export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What {@link selectBackend} started. */
export interface BackendInfo {
  /** The tfjs backend name now active. */
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  /** Whether fisherkit's transposed-matMul fix is installed on it. */
  transposedMatMulFix: boolean;
}

/** Options for {@link selectBackend}. */
export interface SelectBackendOptions {
  /** Force one backend. Defaults to `process.env.FISHERKIT_BACKEND`, else automatic. */
  backend?: BackendName | 'auto';
}

interface Candidate {
  name: BackendName;
  packages: string[];
}

const CANDIDATES: Candidate[] = [
  { name: 'tensorflow', packages: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] },
  { name: 'wasm', packages: ['@tensorflow/tfjs-backend-wasm'] },
  { name: 'cpu', packages: ['@tensorflow/tfjs-backend-cpu'] },
];

const requireFromHere = createRequire(import.meta.url);

async function importable(pkg: string): Promise<boolean> {
  try {
    requireFromHere.resolve(pkg);
  } catch {
    return false;
  }
  await import(/* @vite-ignore */ pkg);
  return true;
}

async function tryStart(candidate: Candidate): Promise<BackendInfo | null> {
  for (const pkg of candidate.packages) {
    if (!(await importable(pkg))) continue;
    if (!(await tf.setBackend(candidate.name))) continue;
    await tf.ready();
    const fix = candidate.name === 'wasm' ? installTransposedMatMulFix('wasm') : false;
    if (candidate.name === 'wasm') installWasmSliceFix('wasm'); // same values, no whole-input copy
    return { name: candidate.name, package: pkg, transposedMatMulFix: fix };
  }
  return null;
}

/**
 * Initialises TensorFlow.js on the fastest backend available and returns which one it got:
 * `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node` (both the `tensorflow` backend, optional
 * peer dependencies), then WebAssembly, then plain JavaScript (`cpu`).
 * `FISHERKIT_BACKEND=tensorflow|wasm|cpu` (or `options.backend`) forces one, and fails with an
 * error naming the package to install when it is missing.
 *
 * @example
 * ```ts
 * const info = await selectBackend();          // e.g. { name: 'wasm', ... }
 * await selectBackend({ backend: 'cpu' });     // exact, reproducible runs
 * ```
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const requested = options.backend ?? (process.env.FISHERKIT_BACKEND || 'auto');
  if (requested === 'auto') {
    for (const candidate of CANDIDATES) {
      const info = await tryStart(candidate);
      if (info) return info;
    }
    throw new OptionError('no TensorFlow.js backend could start; reinstall @fisherkit/core (npm ci)');
  }
  const candidate = CANDIDATES.find((c) => c.name === requested);
  if (!candidate) {
    throw new OptionError(
      `unknown backend "${requested}" (from ${options.backend ? 'options.backend' : 'FISHERKIT_BACKEND'}); use one of ${BACKEND_NAMES.join(', ')}`,
    );
  }
  const info = await tryStart(candidate);
  if (!info) {
    throw new OptionError(
      `backend "${requested}" is not available: install ${candidate.packages.join(' or ')} (npm install ${candidate.packages[candidate.packages.length - 1]}@4.22.0), or choose another backend`,
    );
  }
  return info;
}
