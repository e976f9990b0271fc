import { describe, expect, it } from 'vitest';
import { escapeHtml, fmt } from './html.js';
import { colourMap, sortMethods } from './methods.js';
import { loadPaperRuns, PAPER_FINAL_TRAIN_LOSS } from './paper.js';
import type { TrainRun } from './schema.js';
import { summaryMarkdown } from './summary-markdown.js';
import { cpuSecondsPerEpoch, firstReach, median, paperAtEpoch, secondsPerEpoch, summarizeProblem } from './summary.js';

function run(method: string, losses: number[], seconds: number[], divisor?: number, file = `${method}.json`): TrainRun {
  return {
    kind: 'train',
    problem: 'mnist',
    method,
    config: {},
    backend: {},
    machine: {},
    extra: {},
    epochs: losses.map((l, i) => ({ epoch: i + 1, trainLoss: l, valLoss: l + 1, seconds: seconds[i] })),
    ...(divisor === undefined ? {} : { lossScale: { perPixelDivisor: divisor } }),
    file,
  };
}

describe('report summary', () => {
  it('median and seconds per epoch use per-epoch deltas from 0 s', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([3, 1, 2, 10])).toBe(2.5);
    // deltas 1, 2, 1, 6 → median 1.5
    expect(secondsPerEpoch([1, 3, 4, 10].map((s, i) => ({ epoch: i + 1, seconds: s })))).toBe(1.5);
    // epochs logged every 2: deltas 2/2, 6/2, 2/2 → 1
    expect(secondsPerEpoch([{ epoch: 2, seconds: 2 }, { epoch: 4, seconds: 8 }, { epoch: 6, seconds: 10 }])).toBe(1);
  });

  it('firstReach takes the first epoch at or below the target', () => {
    const pts = [5, 4, 3, 4, 2].map((loss, i) => ({ epoch: i + 1, loss, seconds: 10 * (i + 1) }));
    expect(firstReach(pts, 3)).toEqual({ epoch: 3, seconds: 30 });
    expect(firstReach(pts, 1)).toBeNull();
  });

  it("'reaches KFAC's final loss' on constructed curves, per-pixel across divisors", () => {
    const runs = [
      run('adam', [30, 25, 20, 12], [1, 2, 3, 4], 2), // per-pixel 15, 12.5, 10, 6 → never ≤ 2
      run('kfac', [10, 8, 3, 4], [2, 4, 6, 8], 2), // final per-pixel 2 (epoch 3 is lower but KFAC counts at its last epoch)
      run('kpsvd', [16, 8, 4], [3, 6, 9], 4), // per-pixel 4, 2 (= target, counts), 1
      run('lanczos', [9, 5, 3.9, 1], [5, 7, 20, 21], 2), // per-pixel 4.5, 2.5, 1.95 → epoch 3 at 20 s
    ];
    const s = summarizeProblem('mnist', runs, loadPaperRuns());
    expect(s.kfacFinalTrainLoss).toBe(2);
    expect(s.rows.map((r) => r.method)).toEqual(['kfac', 'kpsvd', 'lanczos', 'adam']);
    const by = Object.fromEntries(s.rows.map((r) => [r.method, r]));
    expect(by.kfac.reachesKfac).toEqual({ epoch: 4, seconds: 8 });
    expect(by.kpsvd.reachesKfac).toEqual({ epoch: 2, seconds: 6 });
    expect(by.lanczos.reachesKfac).toEqual({ epoch: 3, seconds: 20 });
    expect(by.adam.reachesKfac).toBeNull();
    expect(by.kpsvd.finalTrainLoss).toBe(1);
    expect(by.kpsvd.secondsPerEpoch).toBe(3);
    expect(by.kpsvd.costVsKfac).toBe(1.5);
    expect(by.lanczos.epochsRun).toBe(4);
    expect(by.lanczos.finalValLoss).toBe(1);
    expect(by.kfac.paperFinalTrainLoss).toBe(PAPER_FINAL_TRAIN_LOSS.mnist.kfac);
    expect(by.kfac.paperReachesKfac?.epoch).toBe(200);
    // the paper's rank-2 methods reach KFAC's 200-epoch loss 5.5-12× sooner in epochs (MATH.md §7)
    const lanczosPaper = by.lanczos.paperReachesKfac!;
    expect(200 / lanczosPaper.epoch).toBeGreaterThan(5);
    expect(200 / lanczosPaper.epoch).toBeLessThan(13);
  });

  it('CPU seconds per epoch come from cumulative cpuSeconds, and only when every epoch has them', () => {
    // deltas 2, 3, 10 → median 3
    expect(cpuSecondsPerEpoch([2, 5, 15].map((c, i) => ({ epoch: i + 1, cpuSeconds: c })))).toBe(3);
    expect(cpuSecondsPerEpoch([{ epoch: 1, cpuSeconds: 2 }, { epoch: 2 }])).toBeNull();
    const r = run('kfac', [4, 3, 2], [10, 20, 30], 1);
    r.epochs.forEach((e, i) => (e.cpuSeconds = 4 * (i + 1)));
    expect(summarizeProblem('mnist', [r]).rows[0].cpuSecondsPerEpoch).toBe(4);
  });

  it("the authors' run read at a shorter run's last epoch, on their real curves", () => {
    const paper = loadPaperRuns();
    const { kfac, lanczos, sgd } = paper.runs.mnist.methods;
    const at20 = paperAtEpoch(lanczos, kfac, 20)!;
    expect(at20.trainLoss).toBe(lanczos.trainLoss[19]);
    expect(at20.valLoss).toBe(lanczos.valLoss[19]);
    // their Lanczos reaches their KFAC's epoch-20 loss before epoch 20, at the first such epoch
    const e = at20.reachesKfac!.epoch;
    expect(e).toBeLessThan(20);
    expect(lanczos.trainLoss[e - 1]).toBeLessThanOrEqual(kfac.trainLoss[19]);
    expect(lanczos.trainLoss[e - 2]).toBeGreaterThan(kfac.trainLoss[19]);
    expect(at20.reachesKfac!.seconds).toBe(lanczos.seconds[e - 1]);
    expect(paperAtEpoch(sgd, kfac, 20)!.reachesKfac).toBeNull();
    expect(paperAtEpoch(kfac, kfac, 201)).toBeNull();
    expect(paperAtEpoch(kfac, kfac, 0)).toBeNull();
    // summarizeProblem fills it in for runs shorter than the authors' 200 epochs only
    const short = summarizeProblem('mnist', [run('kfac', [80, 60], [1, 2], 784), run('lanczos', [70, 50], [1, 2], 784)], paper);
    expect(short.rows[1].paperAtLastEpoch).toEqual(paperAtEpoch(lanczos, kfac, 2));
    const long = run('kfac', Array.from({ length: 200 }, (_, i) => 80 - i / 10), Array.from({ length: 200 }, (_, i) => i + 1), 784);
    expect(summarizeProblem('mnist', [long], paper).rows[0].paperAtLastEpoch).toBeNull();
  });

  it('the Markdown table carries the same numbers as the summary', () => {
    const s = summarizeProblem('mnist', [run('kfac', [10, 8, 4], [2, 4, 6], 2), run('kpsvd', [16, 8, 4], [3, 6, 9], 4)], loadPaperRuns());
    const md = summaryMarkdown(s);
    const lines = md.split('\n');
    expect(lines[0]).toBe('### mnist');
    expect(md).toContain("KFAC's final train loss 2 (kfac.json)");
    const kpsvd = lines.find((l) => l.startsWith('| kpsvd |'))!.split(' | ');
    // method, epochs 3, train 1, val 1.25, 3 s/epoch, no CPU, 1.5× KFAC, reaches at epoch 2 (6 s)
    expect(kpsvd.slice(0, 8)).toEqual(['| kpsvd', '3', '1', '1.25', '3', '—', '1.5×', '2 (6 s)']);
    expect(kpsvd.at(-1)).toBe(`${PAPER_FINAL_TRAIN_LOSS.mnist.kpsvd} |`);
    expect(lines.filter((l) => l.startsWith('|'))).toHaveLength(4);
  });

  it('a run without lossScale assumes divisor 1; no KFAC run leaves "reaches" empty', () => {
    const s = summarizeProblem('fashion-mnist', [run('sgd', [3, 2], [1, 2])]);
    expect(s.kfacFinalTrainLoss).toBeNull();
    expect(s.rows[0]).toMatchObject({ divisor: 1, divisorAssumed: true, finalTrainLoss: 2, reachesKfac: null, paperFinalTrainLoss: null });
  });

  it('colours are fixed per method and methods sort in the paper order', () => {
    expect(sortMethods(['zeta', 'adam', 'kfac', 'lanczos'])).toEqual(['kfac', 'lanczos', 'adam', 'zeta']);
    const a = colourMap(['adam', 'kfac']);
    const b = colourMap(['kfac-corrected', 'kfac', 'adam', 'sgd', 'new-method']);
    expect(a.get('kfac')).toBe(b.get('kfac'));
    expect(a.get('adam')).toBe(b.get('adam'));
    expect(new Set(b.values()).size).toBe(5);
  });

  it('formats numbers and escapes HTML', () => {
    expect(fmt(0.069213)).toBe('0.06921');
    expect(fmt(1234.5, 3)).toBe('1230');
    expect(fmt(0)).toBe('0');
    expect(fmt(1.5e-7)).toBe('1.5e-7');
    expect(escapeHtml('<a & "b">')).toBe('&lt;a &amp; &quot;b&quot;&gt;');
  });
});
