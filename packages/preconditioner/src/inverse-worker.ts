// The inverse worker thread's entry (started by inverse-worker-pool.ts, not imported by the
// library): it runs `inverseFactors` — damping, Cholesky inverses or the generalized
// eigendecompositions — for any number of Kronecker blocks, one job at a time, and replies on each
// block's own port. Never imports tfjs directly; Float64 only.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { inverseFactors } from './inverse-factors.js';
import {
  CONTROL_HOLD,
  FLAG_CANCELLED,
  FLAG_DONE,
  type FromWorker,
  type ToWorker,
  type WireError,
} from './inverse-worker-protocol.js';

interface Registered {
  port: MessagePort;
  flags: Int32Array;
}

if (!parentPort) throw new Error('inverse-worker.ts is the entry of a worker thread; start it through the inverse worker pool');
const port = parentPort;
const control = new Int32Array((workerData as { control: SharedArrayBuffer }).control);
const blocks = new Map<number, Registered>();
const queue: Extract<ToWorker, { type: 'job' }>[] = [];
let scheduled = false;

const toWire = (e: unknown): WireError => {
  if (e instanceof Error) {
    const x = e as Error & { code?: unknown; pivot?: unknown; value?: unknown };
    return {
      name: e.name,
      message: e.message,
      ...(typeof x.code === 'string' ? { code: x.code } : {}),
      ...(typeof x.pivot === 'number' ? { pivot: x.pivot } : {}),
      ...(typeof x.value === 'number' ? { value: x.value } : {}),
    };
  }
  return { name: 'Error', message: String(e) };
};

function runNext(): void {
  scheduled = false;
  const job = queue.shift();
  if (!job) return;
  const target = blocks.get(job.block);
  if (target && Atomics.load(target.flags, FLAG_CANCELLED) < job.job) {
    // Test hook: hold before the job (in slices, so that terminate() always gets through).
    while (Atomics.load(control, CONTROL_HOLD) === 1) Atomics.wait(control, CONTROL_HOLD, 1, 50);
    const t0 = performance.now();
    let reply: FromWorker;
    let transfer: ArrayBuffer[] = [];
    try {
      const factors = inverseFactors(job.terms, job.damping, job.options);
      const matrices = factors.kind === 'single' ? [factors.aInverse, factors.gInverse] : [factors.KA, factors.KG, factors.D];
      transfer = matrices.map((m) => m.data.buffer as ArrayBuffer);
      reply = { job: job.job, ok: true, factors, busySeconds: (performance.now() - t0) / 1000 };
    } catch (e) {
      reply = { job: job.job, ok: false, error: toWire(e), busySeconds: (performance.now() - t0) / 1000 };
    }
    // The reply is queued on the port before the flag says so: the main thread may read it as
    // soon as it sees the flag (receiveMessageOnPort), without an event-loop turn.
    target.port.postMessage(reply, transfer);
    Atomics.store(target.flags, FLAG_DONE, job.job);
    Atomics.notify(target.flags, FLAG_DONE);
  }
  if (queue.length > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  // One job per macrotask, so registrations and unregistrations queued behind it are seen first.
  setImmediate(runNext);
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'register') {
    blocks.set(msg.block, { port: msg.port as MessagePort, flags: new Int32Array(msg.flags) });
  } else if (msg.type === 'unregister') {
    blocks.get(msg.block)?.port.close();
    blocks.delete(msg.block);
  } else if (msg.type === 'job') {
    queue.push(msg);
    schedule();
  }
});
