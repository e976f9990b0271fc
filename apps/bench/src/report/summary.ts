import { basename } from 'node:path';
import { sortMethods } from './methods.js';
import { PAPER_FINAL_TRAIN_LOSS, paperProblemFor, type PaperRun, type PaperRuns } from './paper.js';
import type { TrainRun } from './schema.js';

/** Epoch and cumulative second at which a run first reached a target loss. */
export interface Reach {
  epoch: number;
  seconds: number;
}

/** One row of a problem's table. Losses are per-pixel (divided by the run's divisor). */
export interface MethodSummary {
  /** Series label: the method id, or "method (file)" when a problem has two runs of one method. */
  label: string;
  method: string;
  file: string;
  /** What the losses were divided by (see divisorOf). */
  divisor: number;
  divisorAssumed: boolean;
  /** false when the file says the run is incomplete. */
  complete: boolean;
  finalTrainLoss: number;
  finalValLoss: number | null;
  /** Median over epochs of the per-epoch wall-clock deltas. */
  secondsPerEpoch: number;
  /** secondsPerEpoch ÷ KFAC's, when the problem has a KFAC run. */
  costVsKfac: number | null;
  /** Median CPU seconds per epoch of the training process (null when the file has no cpuSeconds). */
  cpuSecondsPerEpoch: number | null;
  /** Number of the last epoch. */
  epochsRun: number;
  /** First epoch whose train loss ≤ KFAC's final train loss (KFAC itself: its last epoch); null if never. */
  reachesKfac: Reach | null;
  /** The paper's final training loss for this problem and method (MATH.md §7). */
  paperFinalTrainLoss: number | null;
  /** Same "reaches KFAC's final loss" rule on the authors' saved runs. */
  paperReachesKfac: Reach | null;
  /**
   * The authors' run cut at this run's last epoch, for runs shorter than theirs: their losses at
   * that epoch and when their method reached their KFAC's loss at that epoch (null otherwise).
   */
  paperAtLastEpoch: PaperAtEpoch | null;
}

/** The authors' run of one method, read at a given epoch. */
export interface PaperAtEpoch {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  /** First epoch ≤ `epoch` at which their method reached their KFAC's train loss at `epoch`. */
  reachesKfac: Reach | null;
}

/** The table of one problem. */
export interface ProblemSummary {
  problem: string;
  /** KFAC's final (per-pixel) train loss, the reference of "reaches"; null without a KFAC run. */
  kfacFinalTrainLoss: number | null;
  /** The run used as KFAC reference when there are several. */
  kfacFile: string | null;
  rows: MethodSummary[];
}

/**
 * Median of the wall-clock cost per epoch: the deltas of cumulative seconds divided by the epochs
 * they span (the first delta is measured from 0 s at epoch 0).
 * @example `secondsPerEpoch([{ epoch: 1, seconds: 2 }, { epoch: 2, seconds: 3 }, { epoch: 3, seconds: 4 }]) // 1`
 */
export function secondsPerEpoch(epochs: readonly { epoch: number; seconds: number }[]): number {
  const deltas = epochs.map((e, i) => {
    const prev = i === 0 ? { epoch: 0, seconds: 0 } : epochs[i - 1];
    return (e.seconds - prev.seconds) / (e.epoch - prev.epoch);
  });
  return median(deltas);
}

/**
 * Median CPU seconds per epoch from the cumulative `cpuSeconds` of each epoch, or null when any
 * epoch lacks them (older files).
 * @example `cpuSecondsPerEpoch([{ epoch: 1, cpuSeconds: 2 }, { epoch: 2, cpuSeconds: 5 }]) // 2.5`
 */
export function cpuSecondsPerEpoch(epochs: readonly { epoch: number; cpuSeconds?: number }[]): number | null {
  if (epochs.length === 0 || epochs.some((e) => e.cpuSeconds === undefined)) return null;
  return secondsPerEpoch(epochs.map((e) => ({ epoch: e.epoch, seconds: e.cpuSeconds! })));
}

/**
 * The authors' run of a method read at `epoch` (1-based), with the epoch at which it first
 * reached their KFAC's train loss at that same epoch (KFAC itself: `epoch`, the same rule as for
 * our runs); null when either run is shorter.
 * @example `paperAtEpoch(paper.runs.mnist.methods.lanczos, paper.runs.mnist.methods.kfac, 20)?.reachesKfac?.epoch`
 */
export function paperAtEpoch(run: PaperRun, kfac: PaperRun, epoch: number): PaperAtEpoch | null {
  if (epoch < 1 || run.trainLoss.length < epoch || kfac.trainLoss.length < epoch) return null;
  const target = kfac.trainLoss[epoch - 1];
  const points = run.trainLoss.slice(0, epoch).map((loss, i) => ({ epoch: i + 1, loss, seconds: run.seconds[i] }));
  const reachesKfac = run === kfac ? { epoch, seconds: run.seconds[epoch - 1] } : firstReach(points, target);
  return { epoch, trainLoss: run.trainLoss[epoch - 1], valLoss: run.valLoss[epoch - 1], reachesKfac };
}

/**
 * Median of a non-empty list (mean of the two middle values for an even count).
 * @example `median([3, 1, 2, 10]) // 2.5`
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The first epoch whose loss is ≤ target, with its cumulative seconds; null if the loss never gets there.
 * @example `firstReach([{ epoch: 1, loss: 3, seconds: 1 }, { epoch: 2, loss: 1, seconds: 2 }], 2) // { epoch: 2, seconds: 2 }`
 */
export function firstReach(points: readonly { epoch: number; loss: number; seconds: number }[], target: number): Reach | null {
  const hit = points.find((p) => p.loss <= target);
  return hit ? { epoch: hit.epoch, seconds: hit.seconds } : null;
}

/**
 * What a run's losses are divided by to put them on the paper's scale: `lossScale.authorsLossFactor`
 * when the file has it, else `lossScale.perPixelDivisor`, else 1.
 * @example `divisorOf({ ...run, lossScale: { perPixelDivisor: 625, authorsLossFactor: 312.5 } }) // 312.5`
 */
export function divisorOf(run: TrainRun): number {
  return run.lossScale?.authorsLossFactor ?? run.lossScale?.perPixelDivisor ?? 1;
}

/**
 * Labels the runs of one problem: the method id, or "method (file name)" where one problem has
 * several runs of the same method.
 * @example `seriesLabels(runs).get(runs[0]) // 'kfac'`
 */
export function seriesLabels(runs: readonly TrainRun[]): Map<TrainRun, string> {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.method, (count.get(r.method) ?? 0) + 1);
  return new Map(runs.map((r) => [r, count.get(r.method)! > 1 ? `${r.method} (${basename(r.file)})` : r.method]));
}

/**
 * Builds the table of one problem: final losses (per-pixel), median seconds per epoch, epochs run
 * and when each method first reached KFAC's final training loss, with the paper's numbers beside.
 *
 * @param problem - the problem id.
 * @param runs - the training runs of that problem.
 * @param paper - the authors' runs, or undefined to leave out the paper's "reaches" columns.
 * @example
 * ```ts
 * const table = summarizeProblem('mnist', runs, loadPaperRuns());
 * table.rows.find((r) => r.method === 'lanczos')?.reachesKfac; // { epoch: 31, seconds: 412.5 }
 * ```
 */
export function summarizeProblem(problem: string, runs: readonly TrainRun[], paper?: PaperRuns): ProblemSummary {
  const ordered = sortMethods(runs.map((r) => r.method)).flatMap((m) => runs.filter((r) => r.method === m));
  const labels = seriesLabels(ordered);
  const kfac = ordered.find((r) => r.method === 'kfac');
  const kfacFinal = kfac ? kfac.epochs[kfac.epochs.length - 1].trainLoss / divisorOf(kfac) : null;
  const kfacCost = kfac ? secondsPerEpoch(kfac.epochs) : null;

  const paperProblem = paperProblemFor(problem);
  const paperMethods = paperProblem && paper ? paper.runs[paperProblem]?.methods : undefined;
  const paperKfac = paperMethods?.kfac;

  const rows = ordered.map((run): MethodSummary => {
    const divisor = divisorOf(run);
    const last = run.epochs[run.epochs.length - 1];
    const cost = secondsPerEpoch(run.epochs);
    let reachesKfac: Reach | null = null;
    if (run === kfac) reachesKfac = { epoch: last.epoch, seconds: last.seconds };
    else if (kfacFinal !== null) {
      reachesKfac = firstReach(
        run.epochs.map((e) => ({ epoch: e.epoch, seconds: e.seconds, loss: e.trainLoss / divisor })),
        kfacFinal,
      );
    }
    const paperRun = paperMethods?.[run.method];
    // "Reaches KFAC's final loss" on the authors' runs: the same rule read at their last epoch.
    const paperReachesKfac = paperRun && paperKfac ? paperAtEpoch(paperRun, paperKfac, paperKfac.trainLoss.length)?.reachesKfac ?? null : null;
    return {
      label: labels.get(run)!,
      method: run.method,
      file: run.file,
      divisor,
      divisorAssumed: run.lossScale === undefined,
      complete: run.complete !== false,
      finalTrainLoss: last.trainLoss / divisor,
      finalValLoss: last.valLoss === null ? null : last.valLoss / divisor,
      secondsPerEpoch: cost,
      costVsKfac: kfacCost ? cost / kfacCost : null,
      cpuSecondsPerEpoch: cpuSecondsPerEpoch(run.epochs),
      epochsRun: last.epoch,
      reachesKfac,
      paperFinalTrainLoss: paperProblem ? PAPER_FINAL_TRAIN_LOSS[paperProblem]?.[run.method] ?? null : null,
      paperReachesKfac,
      paperAtLastEpoch:
        paperRun && paperKfac && last.epoch < paperKfac.trainLoss.length ? paperAtEpoch(paperRun, paperKfac, last.epoch) : null,
    };
  });
  return { problem, kfacFinalTrainLoss: kfacFinal, kfacFile: kfac?.file ?? null, rows };
}
