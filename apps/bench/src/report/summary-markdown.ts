import { basename } from 'node:path';
import { fmt } from './html.js';
import type { ProblemSummary, Reach } from './summary.js';

const DASH = '—';

const num = (x: number | null | undefined, digits = 4): string => (x === null || x === undefined ? DASH : fmt(x, digits));
const reachText = (r: Reach | null): string => (r ? `${r.epoch} (${fmt(r.seconds, 4)} s)` : 'not reached');

/**
 * The table of one problem as GitHub Markdown, for docs: the same numbers as the HTML page's
 * table (per-pixel losses, median wall-clock and CPU seconds per epoch, when each method first
 * reached KFAC's final loss) with the authors' runs read at the same epoch and at 200 epochs.
 *
 * @example
 * ```ts
 * writeFileSync('summary.md', summaryMarkdown(summarizeProblem('mnist', runs, loadPaperRuns())));
 * ```
 */
export function summaryMarkdown(summary: ProblemSummary): string {
  const withPaper = summary.rows.some((r) => r.paperFinalTrainLoss !== null || r.paperAtLastEpoch !== null);
  const head = [
    'method',
    'epochs',
    'train loss',
    'val loss',
    's / epoch',
    'CPU s / epoch',
    '× KFAC s / epoch',
    "reaches KFAC's final loss: epoch (s)",
    ...(withPaper ? ['paper, same epoch: train', 'paper, same epoch: val', "paper, same epoch: reaches their KFAC's loss", 'paper, 200 epochs: train'] : []),
  ];
  const rows = summary.rows.map((r) => [
    r.label,
    String(r.epochsRun),
    num(r.finalTrainLoss),
    num(r.finalValLoss),
    num(r.secondsPerEpoch, 3),
    num(r.cpuSecondsPerEpoch, 3),
    r.costVsKfac === null ? DASH : `${fmt(r.costVsKfac, 3)}×`,
    r.method === 'kfac' ? `${r.epochsRun} (reference)` : reachText(r.reachesKfac),
    ...(withPaper
      ? [
          num(r.paperAtLastEpoch?.trainLoss),
          num(r.paperAtLastEpoch?.valLoss),
          r.paperAtLastEpoch ? (r.method === 'kfac' ? `${r.paperAtLastEpoch.epoch} (reference)` : reachText(r.paperAtLastEpoch.reachesKfac)) : DASH,
          num(r.paperFinalTrainLoss),
        ]
      : []),
  ]);
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const reference = summary.kfacFinalTrainLoss === null ? 'no KFAC run' : `KFAC's final train loss ${fmt(summary.kfacFinalTrainLoss)} (${basename(summary.kfacFile!)})`;
  return [
    `### ${summary.problem}`,
    '',
    `Losses per pixel. Reference for "reaches": ${reference}.`,
    '',
    line(head),
    line(head.map(() => '---')),
    ...rows.map(line),
    '',
  ].join('\n');
}
