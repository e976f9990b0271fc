import { OptionError, type KroneckerTerm } from '@fisherkit/core';

/**
 * The relative cost of one Kronecker block's inverse refresh: `Σ_k (d_a³ + d_g³)` over its terms,
 * doubled for two terms. Only ratios between blocks matter (it balances split refreshes, see
 * {@link splitRefreshToWorker}).
 *
 * @example
 * ```ts
 * inverseRefreshCost([{ A: identity(785), G: identity(1000) }]); // 785³ + 1000³
 * ```
 */
export function inverseRefreshCost(terms: readonly KroneckerTerm[]): number {
  const cubes = terms.reduce((sum, t) => sum + t.A.rows ** 3 + t.G.rows ** 3, 0);
  // Two terms cost two generalized eigendecompositions, not two Cholesky inverses: measured ≈ 4× a
  // one-term refresh of the same orders, so twice the doubled sum of cubes.
  return terms.length === 2 ? 2 * cubes : cubes;
}

/** The balance of the current split refresh round (see {@link splitRefreshToWorker}). */
export interface SplitRefreshRound {
  /** Split jobs posted to the worker and not yet settled by their blocks. */
  inFlight: number;
  /** Summed {@link inverseRefreshCost} given to the worker this round. */
  workerTotal: number;
  /** Summed cost kept on the calling thread this round. */
  mainTotal: number;
}

const round: SplitRefreshRound = { inFlight: 0, workerTotal: 0, mainTotal: 0 };

/**
 * Decides where one block's split refresh runs, greedily balancing the two threads: the worker
 * when its total so far is at most the calling thread's, else the calling thread. A round starts
 * (both totals 0) whenever no split job is in flight, i.e. at each refresh of a training step,
 * since blocks wait for their jobs before the step's preconditioning. Returning true counts a job
 * in flight; its block must call {@link splitRefreshSettled} once the job is installed, has
 * failed, or is cancelled.
 *
 * @throws {OptionError} for a cost that is not a finite number ≥ 0.
 * @example
 * ```ts
 * if (splitRefreshToWorker(inverseRefreshCost(terms))) channel.post(terms, damping, options);
 * else install(inverseFactors(terms, damping, options));
 * ```
 */
export function splitRefreshToWorker(cost: number): boolean {
  if (!(Number.isFinite(cost) && cost >= 0)) {
    throw new OptionError(`splitRefreshToWorker: the cost must be a finite number >= 0 (e.g. inverseRefreshCost(terms)), got ${cost}`);
  }
  if (round.inFlight === 0) {
    round.workerTotal = 0;
    round.mainTotal = 0;
  }
  if (round.workerTotal <= round.mainTotal) {
    round.workerTotal += cost;
    round.inFlight++;
    return true;
  }
  round.mainTotal += cost;
  return false;
}

/**
 * Tells the balance that a split job sent to the worker by {@link splitRefreshToWorker} is over
 * (installed, failed or cancelled), so that the next refresh starts a new round.
 *
 * @example `splitRefreshSettled(); // after installing the worker's factors`
 */
export function splitRefreshSettled(): void {
  round.inFlight = Math.max(0, round.inFlight - 1);
}

/**
 * A copy of the current round's balance (tests and diagnostics).
 *
 * @example `splitRefreshRound().inFlight // 0 once every block has preconditioned`
 */
export function splitRefreshRound(): SplitRefreshRound {
  return { ...round };
}
