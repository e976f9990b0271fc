// Messages between a Kronecker block (main thread) and the inverse worker thread. Plain data only:
// Float64 matrices travel as transferable copies, errors as their name, code and fields.
import type { MessagePort } from 'node:worker_threads';
import type { TwoTermInverseOptions } from '@fisherkit/core';
import type { Damping } from './contract.js';
import type { InverseFactors } from './inverse-factors.js';

/** A matrix as it crosses the thread boundary (a structured clone of `Matrix`). */
export interface WireMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** Index into a channel's `Int32Array` flags: the id of the last job the worker finished. */
export const FLAG_DONE = 0;
/** Index into a channel's flags: jobs with an id ≤ this value are cancelled (never run). */
export const FLAG_CANCELLED = 1;
/** Index into the pool's control flags: worker status (see the STATUS_* values). */
export const CONTROL_STATUS = 0;
/** Index into the pool's control flags: 1 while tests hold the worker before its next job. */
export const CONTROL_HOLD = 1;
export const STATUS_LOADING = 0;
export const STATUS_READY = 1;
export const STATUS_FAILED = 2;
export const STATUS_EXITED = 3;

/** Main → worker messages (on the worker's parent port). */
export type ToWorker =
  | { type: 'register'; block: number; port: MessagePort; flags: SharedArrayBuffer }
  | { type: 'unregister'; block: number }
  | {
      type: 'job';
      block: number;
      job: number;
      terms: { A: WireMatrix; G: WireMatrix }[];
      damping: Damping;
      options: TwoTermInverseOptions;
    };

/** An error as it crosses the thread boundary. */
export interface WireError {
  name: string;
  code?: string;
  message: string;
  pivot?: number;
  value?: number;
}

/** Worker → main reply (on the block's own port). */
export type FromWorker =
  | { job: number; ok: true; factors: InverseFactors; busySeconds: number }
  | { job: number; ok: false; error: WireError; busySeconds: number };
