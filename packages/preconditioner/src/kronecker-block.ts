import type * as tf from '@tensorflow/tfjs-core';
import {
  clone,
  combine,
  FisherkitError,
  NonFiniteError,
  OptionError,
  ShapeError,
  type KroneckerTerm,
  type Matrix,
  type TwoTermInverseOptions,
} from '@fisherkit/core';
import type { LayerBatch, LayerSpec } from '@fisherkit/fisher';
import type { BlockState, CurvatureBlock, Damping } from './contract.js';
import { inverseFactors, type InverseFactors } from './inverse-factors.js';
import { connectInverseWorker, inverseWorkerDefault, type InverseJobOutcome, type InverseWorkerChannel } from './inverse-worker-pool.js';
import { checkInverseWorkerSetting, type InverseWorkerSetting } from './inverse-worker-setting.js';
import type { KroneckerInverse } from './kronecker-inverse.js';
import { singleTermInverseFromFactors } from './single-term-inverse.js';
import { inverseRefreshCost, splitRefreshSettled, splitRefreshToWorker } from './split-refresh-balance.js';
import { twoTermInverseFromFactors } from './two-term-inverse-applier.js';

/** What an estimator returns for one Fisher mini-batch. */
export interface KroneckerEstimate {
  /** 1 or 2 Kronecker terms, the first positive semi-definite. */
  terms: KroneckerTerm[];
  /** Counters summed into the block's diagnostics (e.g. `powerIterations`, `notConverged`). */
  diagnostics?: Record<string, number>;
}

/**
 * The mathematics of one approximation: Kronecker terms of the Fisher block from a mini-batch.
 * `previous` holds the current running averages (or null): use them to warm-start iterations and
 * to orient the sign of later pairs, so that averaging never mixes opposite signs.
 */
export type KroneckerEstimator = (batch: LayerBatch, previous: readonly KroneckerTerm[] | null) => KroneckerEstimate;

/** Options of {@link kroneckerBlock}: the two-term inverse rule and where inverses are computed. */
export interface KroneckerBlockOptions extends TwoTermInverseOptions {
  /**
   * Where inverse refreshes run (see {@link kroneckerBlock}): `false` on the calling thread,
   * `true` on the shared worker thread while training continues with the previous inverse, or
   * `'split'` shared between both threads, each block waiting for its own job (exact, like
   * `false`). Default: the scoped default of `withInverseWorker` / `withInverseWorkerDefault`,
   * else false (exact, reproducible).
   */
  inverseWorker?: InverseWorkerSetting;
}

/** A Kronecker block: a {@link CurvatureBlock} with the Float64 twin and the worker's last error. */
export type KroneckerBlock = CurvatureBlock & {
  preconditionExact(grad: Matrix): Matrix;
  /**
   * The last error an inverse refresh on the worker thread threw (the same typed error the main
   * thread would throw, e.g. NotPositiveDefiniteError), or null. Such a refresh leaves the
   * previous inverse in place and counts `inverseWorkerErrors`.
   */
  inverseWorkerError(): Error | null;
};

/**
 * Builds a {@link CurvatureBlock} for any approximation of the form `F̃ = Σ_k A_k ⊗ G_k` with one
 * or two terms. The block keeps running averages of every factor (`X ← ρ X + (1 − ρ) X_new`),
 * and inverts one term like KFAC (MATH.md §2) and two terms by the generalized eigenproblems of
 * MATH.md §5. A plug-in supplies only its estimator.
 *
 * With `inverseWorker: true` only the first inverse is computed on the calling thread; later
 * `updateInverse` calls post copies of the terms to one shared worker thread and return at once.
 * `precondition` polls without blocking and installs the new inverse when it has arrived, otherwise
 * it applies the previous one (counted as `inverseWorkerStaleSteps`). At most one job per block is
 * in flight: a refresh that finds one still running waits for it, installs it and then posts its
 * own, so an inverse is never more than one refresh old and never starves. `getState` waits for a
 * job in flight (checkpoints hold the newest inverse), `setState` discards it, `dispose` cancels it.
 * A job that throws (NotPositiveDefiniteError, NonFiniteError, …) leaves the previous inverse in
 * place, counts `inverseWorkerErrors` and is kept in `inverseWorkerError()`; a worker that cannot
 * start or dies makes the block compute on the calling thread (`inverseWorkerFallbacks`). The
 * trajectory then depends on timing, so leave it off for exact reproduction.
 *
 * With `inverseWorker: 'split'` every refresh, the first included, is shared: a module-wide balance
 * (`splitRefreshToWorker`, by `Σ (d_a³ + d_g³)` per block) sends each block's job either to the
 * worker or computes it on the calling thread, so that both threads get about the same work, and
 * `finishInverse` (which the driver calls for every block after the step's `updateInverse` calls)
 * waits for the block's job and installs it. No step uses a stale inverse
 * (`inverseWorkerStaleSteps` stays 0) and the trajectory is that of `inverseWorker: false` (bit for
 * bit when both threads use the same Float64 product kernels), with two cores; errors are too: a
 * job that throws on the worker throws the same typed error from `finishInverse`, keeping the
 * previous inverse. `inverseSplitLocal` counts the jobs kept on the calling thread. A driver that
 * skips `finishInverse` still gets the new inverse: `precondition`, `preconditionExact` and
 * `getState` wait for it. A worker that cannot start or dies makes the block compute on the
 * calling thread.
 *
 * @throws {OptionError} for an `inverseWorker` other than true, false or `'split'`.
 * @example
 * ```ts
 * const block = kroneckerBlock(layer, 'kpsvd', (batch, prev) => ({ terms: [leadingPair(batch, prev)] }));
 * const exact = kroneckerBlock(layer, 'kfac', kfacEstimator, { inverseWorker: 'split' });
 * ```
 */
export function kroneckerBlock(
  layer: LayerSpec,
  method: string,
  estimate: KroneckerEstimator,
  inverseOptions: KroneckerBlockOptions = {},
): KroneckerBlock {
  const da = layer.inputSize + 1;
  const dg = layer.outputSize;
  const where = `${method} layer "${layer.name}"`;
  let terms: KroneckerTerm[] | null = null;
  let inverse: KroneckerInverse | null = null;
  let pi: number | null = null;
  const counters: Record<string, number> = { statisticsUpdates: 0, inverseUpdates: 0 };
  const twoTermOptions: TwoTermInverseOptions = {
    ...(inverseOptions.rule !== undefined ? { rule: inverseOptions.rule } : {}),
    ...(inverseOptions.floor !== undefined ? { floor: inverseOptions.floor } : {}),
  };
  const setting = inverseOptions.inverseWorker ?? inverseWorkerDefault();
  checkInverseWorkerSetting(setting, 'inverseWorker', where);
  let mode: 'main' | 'async' | 'split' = setting === 'split' ? 'split' : setting ? 'async' : 'main';
  let channel: InverseWorkerChannel | null = null;
  /** The refresh in flight on the worker (its inputs, for a main-thread fallback; `split`: counted by the balance). */
  let pending: { terms: KroneckerTerm[]; damping: Damping; split: boolean } | null = null;
  let workerError: Error | null = null;
  let warned = false;
  if (mode !== 'main') {
    Object.assign(counters, {
      inverseWorkerJobs: 0,
      inverseWorkerInstalls: 0,
      inverseWorkerStaleSteps: 0,
      inverseWorkerBusySeconds: 0,
      inverseWorkerWaits: 0,
      inverseWorkerWaitSeconds: 0,
      inverseWorkerErrors: 0,
      inverseWorkerFallbacks: 0,
    });
  }
  if (mode === 'split') counters.inverseSplitLocal = 0;

  const count = (extra: Record<string, number> | undefined): void => {
    for (const [k, v] of Object.entries(extra ?? {})) counters[k] = (counters[k] ?? 0) + v;
  };
  const replaceInverse = (next: KroneckerInverse | null): void => {
    if (next) {
      const bad = Object.entries(next.factors()).find(([, m]) => !isFiniteMatrix(m));
      if (bad) {
        next.dispose();
        throw new NonFiniteError(`${where}: the new inverse factor ${bad[0]} holds NaN/Infinity; the previous inverse is kept`);
      }
    }
    inverse?.dispose();
    inverse = next;
  };
  const install = (f: InverseFactors): void => {
    if (f.kind === 'single') {
      replaceInverse(singleTermInverseFromFactors(f.aInverse, f.gInverse));
    } else {
      replaceInverse(twoTermInverseFromFactors({ KA: f.KA, KG: f.KG, D: f.D }));
      counters.indefiniteEntries = f.indefiniteEntries;
    }
    pi = f.pi;
  };
  const warnOnce = (e: Error, what: string): void => {
    if (warned) return;
    warned = true;
    process.emitWarning(`${where}: ${what}: ${e.message}`, { code: 'FISHERKIT_INVERSE_WORKER' });
  };
  const recordWorkerError = (e: unknown): void => {
    workerError = e instanceof Error ? e : new Error(String(e));
    counters.inverseWorkerErrors++;
    warnOnce(workerError, 'an inverse refresh on the worker thread failed; the previous inverse stays in use');
  };
  const fallBack = (e: unknown): void => {
    mode = 'main';
    channel?.close();
    channel = null;
    counters.inverseWorkerFallbacks++;
    warnOnce(e instanceof Error ? e : new Error(String(e)), 'inverses are computed on the main thread from now on');
  };
  const forgetPending = (): void => {
    if (pending?.split) splitRefreshSettled();
    pending = null;
  };
  /**
   * Installs the finished job in flight. On error the previous inverse stays, and the error is
   * recorded (the asynchronous mode) or, with `rethrow` (a split refresh's `finishInverse`), thrown
   * as the calling thread would have thrown it.
   */
  const settle = (outcome: InverseJobOutcome, rethrow = false): void => {
    const job = pending!;
    forgetPending();
    counters.inverseWorkerBusySeconds += outcome.busySeconds;
    try {
      if (outcome.ok) {
        install(outcome.factors); // refuses NaN/Infinity factors, keeping the previous inverse
        counters.inverseWorkerInstalls++;
      } else if (!outcome.workerFailed) {
        if (rethrow) {
          counters.inverseWorkerErrors++;
          workerError = outcome.error;
        }
        throw outcome.error;
      } else {
        fallBack(outcome.error);
        install(inverseFactors(job.terms, job.damping, twoTermOptions));
      }
    } catch (e) {
      if (rethrow) throw e;
      recordWorkerError(e);
    }
  };
  /** The outcome of the job in flight on `to`, waiting for it (a counted wait) if it is still running. */
  const outcomeOf = (to: InverseWorkerChannel): InverseJobOutcome => {
    const ready = to.poll();
    if (ready) return ready;
    const t0 = performance.now();
    const outcome = to.wait();
    counters.inverseWorkerWaits++;
    counters.inverseWorkerWaitSeconds += (performance.now() - t0) / 1000;
    return outcome;
  };
  /** Waits for the job in flight (if any) and installs it. */
  const drain = (): void => {
    if (pending && channel) settle(outcomeOf(channel));
  };
  /** Installs the job in flight if it has finished; true if a job is still running. */
  const pollWorker = (): boolean => {
    if (!pending || !channel) return false;
    const outcome = channel.poll();
    if (outcome) settle(outcome);
    return pending !== null;
  };
  /**
   * Brings the inverse up to date before use: split mode waits for the block's job (exact), the
   * asynchronous mode installs it only if it has arrived. True when a stale inverse is in use.
   */
  const catchUp = (): boolean => {
    if (mode !== 'split') return pollWorker();
    drain();
    return false;
  };
  const postJob = (to: InverseWorkerChannel, current: KroneckerTerm[], damping: Damping, split: boolean): void => {
    to.post(current, damping, twoTermOptions);
    pending = { terms: current, damping: { ...damping }, split };
    counters.inverseWorkerJobs++;
  };
  const ensureChannel = (): void => {
    if (channel || mode === 'main') return;
    try {
      channel = connectInverseWorker(where);
    } catch (e) {
      fallBack(e);
    }
  };
  const needInverse = (): KroneckerInverse => {
    if (!inverse) throw workerError ?? new FisherkitError('state', `${where}: precondition called before updateInverse`);
    return inverse;
  };

  return {
    layer,
    updateStatistics(batch, rho) {
      if (!(rho >= 0 && rho < 1)) throw new OptionError(`${where}: running-average weight ρ must be in [0, 1), got ${rho}`);
      if (batch.a.cols !== da || batch.g.cols !== dg) {
        throw new ShapeError(`${where}: captured a_i, g_i have ${batch.a.cols} and ${batch.g.cols} columns but the layer needs d_a = ${da}, d_g = ${dg}`);
      }
      const next = estimate(batch, terms);
      count(next.diagnostics);
      // Checked before averaging: one NaN would otherwise poison the running averages for good.
      next.terms.forEach((t, k) => {
        if (!isFiniteMatrix(t.A) || !isFiniteMatrix(t.G)) {
          throw new NonFiniteError(`${where}: the new Kronecker term ${k} holds NaN/Infinity; the previous statistics are kept`);
        }
      });
      if (terms === null || rho === 0 || terms.length !== next.terms.length) {
        terms = next.terms;
      } else {
        const old = terms;
        terms = next.terms.map((t, k) => ({
          A: combine(rho, old[k].A, 1 - rho, t.A),
          G: combine(rho, old[k].G, 1 - rho, t.G),
        }));
      }
      counters.statisticsUpdates++;
    },
    updateInverse(damping: Damping) {
      if (!terms) throw new FisherkitError('state', `${where}: updateInverse called before any statistics`);
      // The asynchronous mode computes the first inverse here (training needs one at once); a
      // split refresh may send even the first to the worker, since finishInverse waits for it.
      const viaWorker = mode === 'split' || (mode === 'async' && inverse !== null);
      if (viaWorker) {
        drain(); // one job per block: the previous refresh is installed before the next is posted
        ensureChannel();
      }
      if (viaWorker && channel && mode === 'async') {
        postJob(channel, terms, damping, false);
      } else if (viaWorker && channel && mode === 'split' && splitRefreshToWorker(inverseRefreshCost(terms))) {
        postJob(channel, terms, damping, true);
      } else {
        if (viaWorker && channel && mode === 'split') counters.inverseSplitLocal++;
        install(inverseFactors(terms, damping, twoTermOptions));
        ensureChannel(); // start the worker now, so it is loaded by the next refresh
      }
      counters.inverseUpdates++;
    },
    finishInverse() {
      if (pending?.split && channel) settle(outcomeOf(channel), true);
    },
    precondition(grad: tf.Tensor2D) {
      if (catchUp()) counters.inverseWorkerStaleSteps++;
      return needInverse().apply(grad);
    },
    preconditionExact(grad: Matrix) {
      catchUp();
      return needInverse().applyExact(grad);
    },
    inverseWorkerError() {
      return workerError;
    },
    terms() {
      return (terms ?? []).map((t) => ({ A: clone(t.A), G: clone(t.G) }));
    },
    diagnostics() {
      return { ...counters };
    },
    getState(): BlockState {
      drain(); // a checkpoint holds the newest inverse, never a half-finished refresh
      const state: BlockState = { ...counters, pi, terms: (terms ?? []).flatMap((t) => [clone(t.A), clone(t.G)]) };
      for (const [k, v] of Object.entries(inverse?.factors() ?? {})) state[`inverse.${k}`] = clone(v);
      return state;
    },
    setState(state: BlockState) {
      const matrix = (v: unknown, rows: number, cols: number, what: string): Matrix => {
        const m = v as Matrix;
        if (!m || m.rows !== rows || m.cols !== cols || m.data?.length !== rows * cols) {
          throw new ShapeError(`${where}: saved ${what} must be a ${rows} × ${cols} matrix`);
        }
        return { rows, cols, data: Float64Array.from(m.data) };
      };
      const flat = (state.terms ?? []) as Matrix[];
      const restored: KroneckerTerm[] = [];
      for (let k = 0; k + 1 < flat.length; k += 2) {
        restored.push({ A: matrix(flat[k], da, da, `A_${k / 2}`), G: matrix(flat[k + 1], dg, dg, `G_${k / 2}`) });
      }
      terms = restored.length ? restored : null;
      channel?.cancel();
      forgetPending();
      if (state['inverse.aInverse']) {
        replaceInverse(
          singleTermInverseFromFactors(
            matrix(state['inverse.aInverse'], da, da, 'A⁻¹'),
            matrix(state['inverse.gInverse'], dg, dg, 'G⁻¹'),
          ),
        );
      } else if (state['inverse.KA']) {
        replaceInverse(
          twoTermInverseFromFactors({
            KA: matrix(state['inverse.KA'], da, da, 'K_A'),
            KG: matrix(state['inverse.KG'], dg, dg, 'K_G'),
            D: matrix(state['inverse.D'], dg, da, 'D'),
          }),
        );
      } else {
        replaceInverse(null);
      }
      pi = typeof state.pi === 'number' ? state.pi : null;
      for (const [k, v] of Object.entries(state)) if (typeof v === 'number' && k !== 'pi') counters[k] = v;
    },
    dispose() {
      channel?.close();
      channel = null;
      forgetPending();
      replaceInverse(null);
    },
  };
}

function isFiniteMatrix(m: Matrix): boolean {
  const d = m.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
}
