import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import {
  ConvergenceError,
  FisherkitError,
  NonFiniteError,
  NotPositiveDefiniteError,
  OptionError,
  ShapeError,
  type KroneckerTerm,
  type TwoTermInverseOptions,
} from '@fisherkit/core';
import type { Damping } from './contract.js';
import type { InverseFactors } from './inverse-factors.js';
import { checkInverseWorkerSetting, type InverseWorkerSetting } from './inverse-worker-setting.js';
import {
  CONTROL_HOLD,
  CONTROL_STATUS,
  FLAG_CANCELLED,
  FLAG_DONE,
  STATUS_EXITED,
  STATUS_FAILED,
  type FromWorker,
  type ToWorker,
  type WireError,
} from './inverse-worker-protocol.js';

/** What a finished inverse job gives back to its block. */
export type InverseJobOutcome =
  | { ok: true; factors: InverseFactors; busySeconds: number }
  /** The job ran and threw: `error` is the same typed error the main thread would have thrown. */
  | { ok: false; error: Error; busySeconds: number; workerFailed: false }
  /** The worker itself is unusable (failed to start, exited, timed out): compute on the main thread. */
  | { ok: false; error: Error; busySeconds: number; workerFailed: true };

/**
 * A Kronecker block's connection to the shared inverse worker: at most one job in flight, polled
 * without blocking or waited for synchronously.
 */
export interface InverseWorkerChannel {
  /** Id of the job in flight, or null. */
  readonly pending: number | null;
  /** Posts an inverse refresh (copies of the terms are transferred); throws if one is in flight. */
  post(terms: readonly KroneckerTerm[], damping: Damping, options: TwoTermInverseOptions): void;
  /** The finished job's outcome, or null while it runs (never blocks). */
  poll(): InverseJobOutcome | null;
  /** Blocks (Atomics.wait) until the job in flight finishes; throws if none is. */
  wait(): InverseJobOutcome;
  /** Forgets the job in flight (the worker skips it if it has not started). */
  cancel(): void;
  /** Cancels, unregisters, and stops the worker when no channel is left. */
  close(): void;
}

interface Pool {
  worker: Worker;
  control: Int32Array;
  errorPort: MessagePort;
  channels: number;
  nextBlock: number;
  failure: string | null;
}

/**
 * How long `wait()` blocks before giving up on the worker, which the block then replaces by the
 * main thread. A worker that throws or exits says so through the control flags at once; this limit
 * covers the deaths it cannot report (e.g. out of memory). A slow but live worker that hits it only
 * costs the refresh computed twice.
 */
const WAIT_LIMIT_MS = 10 * 60 * 1000;

let pool: Pool | null = null;
let ambientDefault: InverseWorkerSetting | undefined;
let preload: InverseWorkerPreload | null = null;

/**
 * A function the inverse worker thread calls once when it starts, before its first job: the
 * export `exportName` of the ES module `module` (a `file:` URL or another specifier the worker can
 * import), called with `options` (structured-cloned). For per-thread set-up such as a native
 * Float64 product provider, which is per thread like everything in core's linear algebra.
 */
export interface InverseWorkerPreload {
  module: string;
  exportName: string;
  options?: unknown;
}

/**
 * Sets (or, with `null`, clears) the {@link InverseWorkerPreload} of the inverse worker thread. The
 * worker starts with the first Kronecker block that uses it and stops when the last is disposed;
 * the preload applies from the next start. If the preload throws, the worker counts as failed and
 * every block computes its inverses on the main thread, with the error in its diagnostics.
 *
 * @throws {OptionError} for a preload without a module or export name, or a non-null preload
 *   while the worker runs (dispose its blocks first).
 * @example
 * ```ts
 * setInverseWorkerPreload({
 *   module: import.meta.resolve('@fisherkit/matmul-onnx'),
 *   exportName: 'installOnnxFloat64Products',
 *   options: { threads: 1 },
 * });
 * ```
 */
export function setInverseWorkerPreload(next: InverseWorkerPreload | null): void {
  if (next !== null) {
    if (typeof next?.module !== 'string' || next.module === '' || typeof next.exportName !== 'string' || next.exportName === '') {
      throw new OptionError(
        "setInverseWorkerPreload: give { module: 'file:///…/index.js' (or a package name), exportName: 'aFunction', options? }, or null to clear it",
      );
    }
    if (pool !== null) {
      throw new OptionError(
        'setInverseWorkerPreload: the inverse worker is already running; set the preload before the first block with inverseWorker is created, or dispose those blocks first',
      );
    }
  }
  preload = next === null ? null : { module: next.module, exportName: next.exportName, options: next.options };
}

/**
 * Runs `create` with `inverseWorker` defaulting to `setting` (true, false or `'split'`, see
 * {@link InverseWorkerSetting}) for every Kronecker block built during the call (blocks whose own
 * options say otherwise keep their choice). Synchronous and scoped: the previous default is
 * restored afterwards, even on errors.
 *
 * @throws {OptionError} for a setting other than true, false or `'split'`.
 * @example `const block = withInverseWorkerDefault('split', () => plugin.createBlock(layer, options))`
 */
export function withInverseWorkerDefault<T>(setting: InverseWorkerSetting, create: () => T): T {
  checkInverseWorkerSetting(setting, 'the inverse worker setting', 'withInverseWorkerDefault');
  const previous = ambientDefault;
  ambientDefault = setting;
  try {
    return create();
  } finally {
    ambientDefault = previous;
  }
}

/** The `inverseWorker` default in effect (see {@link withInverseWorkerDefault}); false outside it. */
export function inverseWorkerDefault(): InverseWorkerSetting {
  return ambientDefault ?? false;
}

/** The running inverse worker thread, or null (tests: check that disposal terminates it). */
export function currentInverseWorker(): Worker | null {
  return pool?.worker ?? null;
}

/** Test hook: while held, the worker waits before starting its next job. */
export function holdInverseWorker(hold: boolean): void {
  if (!pool) throw new FisherkitError('state', 'holdInverseWorker: no inverse worker is running');
  Atomics.store(pool.control, CONTROL_HOLD, hold ? 1 : 0);
  Atomics.notify(pool.control, CONTROL_HOLD);
}

/**
 * Where the worker entry is and how to load it. From TypeScript sources (vitest, `tsx
 * --conditions=source`) the entry is `inverse-worker.ts`, loaded through tsx's ESM hooks with the
 * `source` export condition so that it runs the same sources as the main thread; from the built
 * package it is `dist/inverse-worker.js` (a tsup entry), loaded by plain Node.
 */
function workerEntry(): { entry: string; tsx: string | null; execArgv: string[] } {
  const here = import.meta.url;
  if (/\.[cm]?tsx?$/.test(new URL(here).pathname)) {
    let tsx: string;
    try {
      tsx = pathToFileURL(createRequire(here).resolve('tsx/esm/api')).href;
    } catch {
      throw new FisherkitError(
        'inverse-worker',
        'inverseWorker: fisherkit runs from its TypeScript sources here, and the worker thread needs tsx to load them; ' +
          'install tsx (npm i -D tsx), use the built package, or set inverseWorker: false',
      );
    }
    return { entry: new URL('./inverse-worker.ts', here).href, tsx, execArgv: ['--conditions=source'] };
  }
  for (const candidate of ['./inverse-worker.js', '../inverse-worker.js']) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return { entry: url.href, tsx: null, execArgv: [] };
  }
  throw new FisherkitError(
    'inverse-worker',
    `inverseWorker: the worker entry inverse-worker.js was not found next to ${fileURLToPath(here)}; ` +
      'rebuild @fisherkit/preconditioner (npm run build) or set inverseWorker: false',
  );
}

// Runs in the worker before the entry: registers tsx when needed, reports load failures through a
// port the main thread can read synchronously, and marks the exit so that waits never hang.
const BOOTSTRAP = `
import('node:worker_threads').then(async ({ workerData }) => {
  const control = new Int32Array(workerData.control);
  const dead = (status) => { Atomics.store(control, ${CONTROL_STATUS}, status); Atomics.notify(control, ${CONTROL_STATUS}); };
  process.on('exit', () => dead(${STATUS_EXITED}));
  process.on('uncaughtException', (e) => { workerData.errorPort.postMessage(String((e && e.stack) || e)); dead(${STATUS_FAILED}); process.exit(1); });
  try {
    if (workerData.tsx) (await import(workerData.tsx)).register();
    if (workerData.preload) {
      const { module, exportName, options } = workerData.preload;
      const setUp = (await import(module))[exportName];
      if (typeof setUp !== 'function') throw new Error('the inverse worker preload ' + module + ' has no function export ' + exportName);
      await setUp(options);
    }
    await import(workerData.entry);
    Atomics.store(control, ${CONTROL_STATUS}, 1);
  } catch (e) {
    workerData.errorPort.postMessage(String((e && e.stack) || e));
    Atomics.store(control, ${CONTROL_STATUS}, ${STATUS_FAILED});
  }
  Atomics.notify(control, ${CONTROL_STATUS});
});
`;

function startPool(): Pool {
  const { entry, tsx, execArgv } = workerEntry();
  const control = new Int32Array(new SharedArrayBuffer(8));
  const errors = new MessageChannel();
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    execArgv,
    workerData: { control: control.buffer, entry, tsx, errorPort: errors.port2, preload },
    transferList: [errors.port2],
    name: 'fisherkit-inverse-worker',
  });
  worker.unref(); // never keeps a process alive
  errors.port1.unref();
  const started: Pool = { worker, control, errorPort: errors.port1, channels: 0, nextBlock: 1, failure: null };
  worker.on('error', (e) => {
    started.failure ??= String(e?.stack ?? e);
  });
  return started;
}

/** Why the worker is unusable, or null while it is fine. */
function poolFailure(p: Pool): string | null {
  const status = Atomics.load(p.control, CONTROL_STATUS);
  if (status === STATUS_FAILED) {
    p.failure ??= String(receiveMessageOnPort(p.errorPort)?.message ?? 'it failed to load');
  } else if (status === STATUS_EXITED) {
    p.failure ??= 'the worker thread exited';
  }
  return p.failure;
}

/** Rebuilds the typed fisherkit error a worker job threw. */
export function errorFromWire(w: WireError): Error {
  let e: Error;
  switch (w.name) {
    case 'NotPositiveDefiniteError':
      e = new NotPositiveDefiniteError(w.pivot ?? -1, w.value ?? Number.NaN);
      break;
    case 'NonFiniteError':
      e = new NonFiniteError(w.message);
      break;
    case 'ShapeError':
      e = new ShapeError(w.message);
      break;
    case 'OptionError':
      e = new OptionError(w.message);
      break;
    case 'ConvergenceError':
      e = new ConvergenceError(w.message);
      break;
    default:
      e = w.code !== undefined ? new FisherkitError(w.code, w.message) : new Error(w.message);
      if (w.code === undefined) e.name = w.name;
  }
  e.message = w.message;
  return e;
}

const copy = (m: { rows: number; cols: number; data: Float64Array }) => ({ rows: m.rows, cols: m.cols, data: m.data.slice() });

/**
 * Connects a Kronecker block to the process's one inverse worker thread, starting it on first use.
 * The worker is unref'd (it never keeps the process alive) and terminated when the last channel
 * closes. `where` names the block in errors.
 *
 * @example
 * ```ts
 * const channel = connectInverseWorker('kfac layer "dense"');
 * channel.post(terms, { lambda: 1e-3, pi: 'tracenorm' }, {});
 * const outcome = channel.poll() ?? channel.wait();
 * channel.close();
 * ```
 */
export function connectInverseWorker(where: string): InverseWorkerChannel {
  pool ??= startPool();
  const p = pool;
  const block = p.nextBlock++;
  p.channels++;
  const flags = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  p.worker.postMessage({ type: 'register', block, port: port2, flags: flags.buffer } satisfies ToWorker, [port2]);
  let nextJob = 1;
  let pending: number | null = null;
  let closed = false;

  const failed = (why: string): InverseJobOutcome => {
    pending = null;
    return {
      ok: false,
      workerFailed: true,
      busySeconds: 0,
      error: new FisherkitError('inverse-worker', `${where}: the inverse worker thread is unusable (${why}); the inverse is computed on the main thread instead`),
    };
  };

  const poll = (): InverseJobOutcome | null => {
    if (pending === null) return null;
    if (Atomics.load(flags, FLAG_DONE) >= pending) {
      for (let received = receiveMessageOnPort(port1); received; received = receiveMessageOnPort(port1)) {
        const reply = received.message as FromWorker;
        if (reply.job !== pending) continue; // a cancelled job's late reply
        pending = null;
        if (reply.ok) return { ok: true, factors: reply.factors, busySeconds: reply.busySeconds };
        return { ok: false, workerFailed: false, error: errorFromWire(reply.error), busySeconds: reply.busySeconds };
      }
    }
    const failure = poolFailure(p);
    return failure === null ? null : failed(failure);
  };

  return {
    get pending() {
      return pending;
    },
    post(terms, damping, options) {
      if (closed) throw new FisherkitError('disposed', `${where}: the inverse worker channel is closed`);
      if (pending !== null) throw new FisherkitError('state', `${where}: an inverse job is already in flight; wait for it first`);
      const wire = terms.map((t) => ({ A: copy(t.A), G: copy(t.G) }));
      const job = nextJob++;
      const message: ToWorker = { type: 'job', block, job, terms: wire, damping: { ...damping }, options: { ...options } };
      p.worker.postMessage(message, wire.flatMap((t) => [t.A.data.buffer as ArrayBuffer, t.G.data.buffer as ArrayBuffer]));
      pending = job;
    },
    poll,
    wait() {
      if (pending === null) throw new FisherkitError('state', `${where}: no inverse job is in flight`);
      const start = performance.now();
      for (;;) {
        const seen = Atomics.load(flags, FLAG_DONE);
        const outcome = poll();
        if (outcome) return outcome;
        if (performance.now() - start > WAIT_LIMIT_MS) return failed(`no answer within ${WAIT_LIMIT_MS / 60000} minutes`);
        Atomics.wait(flags, FLAG_DONE, seen, 100);
      }
    },
    cancel() {
      if (pending !== null) Atomics.store(flags, FLAG_CANCELLED, pending);
      pending = null;
    },
    close() {
      if (closed) return;
      closed = true;
      pending = null;
      Atomics.store(flags, FLAG_CANCELLED, 0x7fffffff);
      port1.close();
      p.channels--;
      if (p.channels === 0 && pool === p) {
        pool = null;
        void p.worker.terminate();
        p.errorPort.close();
      } else {
        p.worker.postMessage({ type: 'unregister', block } satisfies ToWorker);
      }
    },
  };
}
