import { NonFiniteError, OptionError } from '@fisherkit/core';
import type { Matrix } from '@fisherkit/core';

/** Where NaN/Infinity showed up in one layer's step. */
export type NumericalTroubleCause = 'gradient' | 'statistics' | 'inverse' | 'update';

/** What an optimiser reports when it skips part of a layer's step because of NaN/Infinity. */
export interface NumericalWarning {
  /** The optimiser, e.g. `natural-gradient(kfac)`. */
  optimizer: string;
  layer: string;
  layerIndex: number;
  /** Global step (0-based) at which it happened. */
  step: number;
  cause: NumericalTroubleCause;
  /** Occurrences of this cause in this layer so far, this one included. */
  count: number;
  /** Occurrences in a row (reset by the next success of the same kind). */
  consecutive: number;
  /** One line for people: what was skipped, what was kept, the likely cause. */
  message: string;
}

/** Options of {@link createNonFiniteGuard}. */
export interface NonFiniteGuardOptions {
  /** Stop with a {@link NonFiniteError} when one layer has this many troubles of one kind in a row [5]. */
  maxConsecutive?: number;
  /** Receives every warning [prints it with `console.warn`]. */
  onWarning?: (warning: NumericalWarning) => void;
}

const WHAT_IS_SKIPPED: Record<NumericalTroubleCause, string> = {
  gradient: "the gradient is not finite; the layer's update was skipped",
  statistics: 'the captured curvature statistics are not finite; the previous statistics were kept',
  inverse: 'the refreshed inverse failed; the previous inverse was kept',
  update: "the preconditioned gradient is not finite; the layer's update was skipped",
};

const LIKELY_CAUSE: Record<NumericalTroubleCause, string> = {
  gradient: 'the learning rate is probably too large (the weights diverged), or the data hold NaN/Infinity — lower the learning rate and check the data',
  statistics: 'the activations or back-propagated gradients overflow, usually because the learning rate is too large — lower it',
  inverse: "the damping is probably too small for this layer's factors — raise the damping",
  update: 'the damping is probably too small (or the learning rate too large) — raise the damping or lower the learning rate',
};

/** Counts and reports numerical trouble of one optimiser; see {@link createNonFiniteGuard}. */
export interface NonFiniteGuard {
  /** Records one occurrence; warns, or throws {@link NonFiniteError} at the `maxConsecutive`-th in a row. */
  report(layerIndex: number, step: number, cause: NumericalTroubleCause, detail?: string): void;
  /** Records a success of that kind for the layer (resets its run of consecutive troubles). */
  succeeded(layerIndex: number, cause: NumericalTroubleCause): void;
  /** Totals per cause, as `nonFinite.<cause>` diagnostics counters. */
  counts(): Record<string, number>;
}

/**
 * Bookkeeping for the "skip, keep the previous, warn, and stop if it keeps happening" policy of
 * the optimisers: each (layer, cause) pair has a total and a run of consecutive occurrences; the
 * `maxConsecutive`-th occurrence in a row throws a {@link NonFiniteError} naming the layer, the step
 * and the likely cause (learning rate too large, damping too small).
 *
 * @example
 * ```ts
 * const guard = createNonFiniteGuard('natural-gradient(kfac)', ['enc1', 'enc2'], { maxConsecutive: 3 });
 * guard.report(1, 40, 'inverse');   // warns: layer "enc2", step 40, the previous inverse was kept
 * guard.succeeded(1, 'inverse');     // the run of failures is over
 * guard.counts();                     // { 'nonFinite.inverse': 1, ... }
 * ```
 */
export function createNonFiniteGuard(optimizer: string, layerNames: readonly string[], options: NonFiniteGuardOptions = {}): NonFiniteGuard {
  const maxConsecutive = options.maxConsecutive ?? 5;
  if (!Number.isInteger(maxConsecutive) || maxConsecutive < 1) {
    throw new OptionError(`${optimizer}: maxNonFinite must be an integer ≥ 1 (troubles in a row before stopping), got ${maxConsecutive}`);
  }
  const onWarning = options.onWarning ?? ((w: NumericalWarning) => console.warn(w.message));
  const totals = new Map<string, number>();
  const runs = new Map<string, number>();
  const key = (l: number, cause: NumericalTroubleCause): string => `${l}:${cause}`;

  return {
    report(layerIndex, step, cause, detail) {
      const k = key(layerIndex, cause);
      const count = (totals.get(k) ?? 0) + 1;
      const consecutive = (runs.get(k) ?? 0) + 1;
      totals.set(k, count);
      runs.set(k, consecutive);
      const layer = layerNames[layerIndex] ?? `#${layerIndex}`;
      const where = `${optimizer}, layer "${layer}", step ${step}`;
      const extra = detail ? ` (${detail})` : '';
      if (consecutive >= maxConsecutive) {
        throw new NonFiniteError(
          `${where}: NaN/Infinity ${consecutive} times in a row in the ${cause}${extra}; stopping: ${LIKELY_CAUSE[cause]}`,
        );
      }
      onWarning({
        optimizer,
        layer,
        layerIndex,
        step,
        cause,
        count,
        consecutive,
        message: `warning: ${where}: ${WHAT_IS_SKIPPED[cause]}${extra} [${count}× in this layer; ${LIKELY_CAUSE[cause]}]`,
      });
    },
    succeeded(layerIndex, cause) {
      runs.delete(key(layerIndex, cause));
    },
    counts() {
      const out: Record<string, number> = {};
      for (const [k, v] of totals) {
        const cause = k.slice(k.indexOf(':') + 1);
        out[`nonFinite.${cause}`] = (out[`nonFinite.${cause}`] ?? 0) + v;
      }
      return out;
    },
  };
}

/**
 * True when every entry of the matrices is finite.
 *
 * @example `allFinite([{ rows: 1, cols: 2, data: Float64Array.of(1, NaN) }]) // false`
 */
export function allFinite(matrices: readonly Matrix[]): boolean {
  for (const m of matrices) {
    const d = m.data;
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  }
  return true;
}
