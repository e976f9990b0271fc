import { basename } from 'node:path';
import { problemTitle } from './figures.js';
import type { FimErrorRun, TrainRun } from './schema.js';
import { divisorOf, type MethodSummary, type ProblemSummary, type Reach } from './summary.js';

/** A rendered figure as the page links it. */
export interface FigureRef {
  name: string;
  caption: string;
  /** Relative path of the SVG (figures/<name>.svg). */
  svg: string;
  /** Relative path of the PNG (figures/<name>.png). */
  png: string;
}

/** Everything the page shows. */
export interface PageModel {
  generatedAt: string;
  inputs: string[];
  problems: {
    problem: string;
    runs: TrainRun[];
    figure: FigureRef;
    summary: ProblemSummary;
    /** The paper's final train losses of methods that no run here covers. */
    paperOnly: { method: string; loss: number }[];
  }[];
  fimErrors: { run: FimErrorRun; figure: FigureRef }[];
  /** The authors' runs' citation, or null with --no-paper. */
  paper: { source: string; note: string } | null;
  /** Warnings to show at the top (fonts missing, …). */
  warnings: string[];
}

/**
 * Escapes text for HTML element content and attribute values.
 * @example `escapeHtml('<a & "b">') // '&lt;a &amp; &quot;b&quot;&gt;'`
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Formats a number with `digits` significant digits, without trailing zeros.
 * @example `fmt(0.069213) // '0.06921'`, `fmt(1234.5, 3) // '1230'`
 */
export function fmt(x: number, digits = 4): string {
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e6) return String(Number(x.toPrecision(digits)));
  return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

const DASH = '—';

function cell(col: string, value: number | string | null, text?: string, extra = ''): string {
  if (value === null) return `<td data-col="${col}" class="none">${DASH}</td>`;
  return `<td data-col="${col}" data-value="${escapeHtml(String(value))}">${text ?? escapeHtml(String(value))}${extra}</td>`;
}

function reachCells(prefix: string, reach: Reach | null, row: MethodSummary, kfac: Reach | null | undefined): string {
  if (!reach) return cell(`${prefix}-epoch`, null) + cell(`${prefix}-seconds`, null);
  const sooner = (ours: number, ref: number | undefined) =>
    row.method !== 'kfac' && ref !== undefined && ours > 0 ? ` <small class="ratio" title="KFAC's value ÷ this one">(${fmt(ref / ours, 3)}×)</small>` : '';
  return (
    cell(`${prefix}-epoch`, reach.epoch, String(reach.epoch), sooner(reach.epoch, kfac?.epoch)) +
    cell(`${prefix}-seconds`, reach.seconds, fmt(reach.seconds, 4), sooner(reach.seconds, kfac?.seconds))
  );
}

function summaryTable(summary: ProblemSummary, withPaper: boolean): string {
  const kfacRow = summary.rows.find((r) => r.method === 'kfac' && r.file === summary.kfacFile);
  const head = [
    'method',
    'final train loss',
    'final val loss',
    's / epoch (median)',
    '× KFAC s / epoch',
    'CPU s / epoch (median)',
    'epochs run',
    "reaches KFAC's final loss: epoch",
    "reaches KFAC's final loss: second",
    ...(withPaper
      ? [
          'paper: final train loss',
          "paper: reaches KFAC's final loss: epoch",
          "paper: reaches KFAC's final loss: second",
          "paper at this run's last epoch: train loss",
          "paper at this run's last epoch: val loss",
          "paper at this run's last epoch: reaches their KFAC's loss there, epoch",
        ]
      : []),
  ];
  const rows = summary.rows.map((r) => {
    const cells = [
      `<th scope="row" data-col="method" data-method="${escapeHtml(r.method)}">${escapeHtml(r.label)}${r.divisorAssumed ? ' <small title="no lossScale in the file">(÷1 assumed)</small>' : ''}${r.complete ? '' : ' <small class="incomplete" title="the file says complete: false">(incomplete)</small>'}</th>`,
      cell('final-train', r.finalTrainLoss, fmt(r.finalTrainLoss)),
      cell('final-val', r.finalValLoss, r.finalValLoss === null ? undefined : fmt(r.finalValLoss)),
      cell('seconds-per-epoch', r.secondsPerEpoch, fmt(r.secondsPerEpoch, 3)),
      cell('cost-vs-kfac', r.costVsKfac, r.costVsKfac === null ? undefined : `${fmt(r.costVsKfac, 3)}×`),
      cell('cpu-seconds-per-epoch', r.cpuSecondsPerEpoch, r.cpuSecondsPerEpoch === null ? undefined : fmt(r.cpuSecondsPerEpoch, 3)),
      cell('epochs', r.epochsRun),
      reachCells('reach', r.reachesKfac, r, kfacRow?.reachesKfac),
      ...(withPaper
        ? [
            cell('paper-final-train', r.paperFinalTrainLoss, r.paperFinalTrainLoss === null ? undefined : fmt(r.paperFinalTrainLoss)),
            reachCells('paper-reach', r.paperReachesKfac, r, summary.rows.find((x) => x.method === 'kfac')?.paperReachesKfac),
            cell('paper-at-epoch-train', r.paperAtLastEpoch?.trainLoss ?? null, r.paperAtLastEpoch ? fmt(r.paperAtLastEpoch.trainLoss) : undefined),
            cell('paper-at-epoch-val', r.paperAtLastEpoch?.valLoss ?? null, r.paperAtLastEpoch ? fmt(r.paperAtLastEpoch.valLoss) : undefined),
            cell('paper-at-epoch-reach', r.paperAtLastEpoch?.reachesKfac?.epoch ?? null),
          ]
        : []),
    ];
    return `<tr data-label="${escapeHtml(r.label)}">${cells.join('')}</tr>`;
  });
  return `<table class="summary" data-problem="${escapeHtml(summary.problem)}">
<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

function compact(obj: Record<string, unknown>): string {
  const parts = Object.entries(obj).map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`);
  return parts.length ? parts.join(', ') : '(empty)';
}

function runDetails(run: TrainRun): string {
  const divisor = !run.lossScale
    ? 'no lossScale (÷1 assumed)'
    : run.lossScale.authorsLossFactor !== undefined
      ? `÷ authorsLossFactor ${run.lossScale.authorsLossFactor}, perPixelDivisor ${run.lossScale.perPixelDivisor}`
      : `÷ perPixelDivisor ${run.lossScale.perPixelDivisor}`;
  return `<details class="run">
<summary>${escapeHtml(run.method)} — ${escapeHtml(basename(run.file))} (${run.epochs.length} epoch records, ${escapeHtml(divisor)}${run.complete === false ? ', incomplete' : ''})</summary>
<p class="file">${escapeHtml(run.file)}</p>
<h4>config</h4>
<pre>${escapeHtml(JSON.stringify(run.config, null, 2))}</pre>
${Object.keys(run.extra).length ? `<h4>other fields of the file</h4>\n<pre>${escapeHtml(JSON.stringify(run.extra, null, 2))}</pre>` : ''}
</details>`;
}

function fimDetails(run: FimErrorRun): string {
  const env = [run.backend && `backend: ${compact(run.backend)}`, run.machine && `machine: ${compact(run.machine)}`].filter(Boolean) as string[];
  const block = run.block && (run.block.dA !== undefined || run.block.dG !== undefined) ? `block: d_a = ${run.block.dA ?? '?'}, d_g = ${run.block.dG ?? '?'}` : '';
  return [
    block ? `<p class="env">${escapeHtml(block)}</p>` : '',
    ...env.map((e) => `<p class="env">${escapeHtml(e)}</p>`),
    run.config ? `<details class="run"><summary>config</summary><pre>${escapeHtml(JSON.stringify(run.config, null, 2))}</pre></details>` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function environmentTable(runs: TrainRun[]): string {
  const rows = runs.map(
    (r) =>
      `<tr><th scope="row">${escapeHtml(r.method)} <small>${escapeHtml(basename(r.file))}</small></th><td class="env">${escapeHtml(compact(r.backend))}</td><td class="env">${escapeHtml(compact(r.machine))}</td></tr>`,
  );
  return `<table class="environment"><thead><tr><th scope="col">run</th><th scope="col">backend</th><th scope="col">machine</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function figureHtml(f: FigureRef): string {
  return `<figure>
<img class="figure" src="${escapeHtml(f.svg)}" alt="${escapeHtml(f.caption)}">
<figcaption>${escapeHtml(f.caption)} <a href="${escapeHtml(f.png)}">PNG</a> · <a href="${escapeHtml(f.svg)}">SVG</a></figcaption>
</figure>`;
}

const STYLE = `
body { font-family: "DejaVu Sans", "Liberation Sans", Helvetica, Arial, sans-serif; margin: 1.5rem auto; max-width: 1280px; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ccc; } h4 { margin: .6rem 0 .2rem; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: .85rem; color: #555; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .85rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; vertical-align: top; }
thead th { background: #f3f3f3; text-align: center; } tbody th { text-align: left; white-space: nowrap; }
td.none { color: #999; text-align: center; } p.env { font-family: monospace; font-size: .8rem; margin: .2rem 0; } td.env { text-align: left; font-family: monospace; font-size: .8rem; }
.notes li { margin-bottom: .4rem; } .warning { background: #fff4e0; border: 1px solid #e0a040; padding: .5rem .8rem; }
pre { background: #f7f7f7; padding: .5rem; overflow-x: auto; font-size: .8rem; }
details.run { margin: .3rem 0; } details.run summary { cursor: pointer; } .file { font-family: monospace; font-size: .8rem; color: #555; }
#render-status { color: #555; }
`;

const STATUS_SCRIPT = `
window.addEventListener('load', function () {
  var images = Array.prototype.slice.call(document.images);
  var failed = images.filter(function (img) { return !(img.complete && img.naturalWidth > 0); });
  var status = document.getElementById('render-status');
  status.setAttribute('data-images', String(images.length));
  status.setAttribute('data-loaded', String(images.length - failed.length));
  status.setAttribute('data-failed', String(failed.length));
  status.textContent = 'render status: ' + images.length + ' image(s), ' + (images.length - failed.length) + ' loaded, ' + failed.length + ' failed' +
    (failed.length ? ': ' + failed.map(function (img) { return img.getAttribute('src'); }).join(', ') : '');
});
`;

/**
 * Renders the self-contained report page (no external URLs): figures as relative <img> links,
 * the tables, each run's config in a collapsed <details>, backend and machine, and notes on loss
 * scaling, the paper's data and curves-synthetic. A small inline script fills
 * `<pre id="render-status">` with how many images loaded, for headless checks.
 *
 * @example
 * ```ts
 * writeFileAtomic('out/index.html', renderPage(model));
 * ```
 */
export function renderPage(model: PageModel): string {
  const allRuns = model.problems.flatMap((p) => p.runs);
  const unscaled = allRuns.filter((r) => !r.lossScale);
  const divisors = [...new Set(allRuns.filter((r) => r.lossScale).map(divisorOf))];
  const problems = new Set([...model.problems.map((p) => p.problem), ...model.fimErrors.map((f) => f.run.problem)]);

  const notes: string[] = [];
  if (allRuns.length) {
    notes.push(
      `<strong>Loss scaling.</strong> fisherkit's losses are per-example losses summed over the output units (mean over the batch); the paper's are per-pixel means. ` +
        `Every loss in the figures and tables is divided by the run's <code>lossScale.authorsLossFactor</code> when the file has one (fisherkit loss ÷ the authors' loss: d_out for binary cross-entropy, d_out/2 for FACES' ½-squared error against torch's mean squared error), else by <code>lossScale.perPixelDivisor</code> (the number of output units)` +
        (divisors.length ? ` (here: ${divisors.map((d) => escapeHtml(String(d))).join(', ')})` : '') +
        '. ' +
        (unscaled.length
          ? `<strong>${unscaled.length} run(s) have no lossScale</strong> (${unscaled.map((r) => escapeHtml(basename(r.file))).join(', ')}): a divisor of 1 is assumed, so their losses are drawn as written, are not per-pixel means and are not comparable with the paper's.`
          : 'All runs state their divisor, so their losses are per-pixel means like the paper\'s.'),
    );
  }
  if (model.paper) {
    notes.push(
      `<strong>The paper's curves</strong> (dashed, "paper: &lt;method&gt;") are the authors' saved 200-epoch runs, source: <code>${escapeHtml(model.paper.source)}</code>. ${escapeHtml(model.paper.note)} ` +
        `The paper's final losses in the tables are those quoted in MATH.md §7; their "reaches KFAC's final loss" columns apply the same rule to the saved runs. Wall-clock seconds come from different hardware, so only ratios within one machine compare.`,
    );
  } else {
    notes.push('The paper\'s curves and numbers are left out (<code>--no-paper</code>).');
  }
  if (problems.has('curves-synthetic')) {
    notes.push(
      '<strong>curves-synthetic ≠ CURVES.</strong> curves-synthetic is fisherkit\'s generated CURVES-like stand-in, used because the original CURVES file (digs3pts_1.mat) was not available. It is a different dataset: the paper\'s CURVES curves and numbers are not drawn beside it, and its losses are not comparable with the paper\'s CURVES results.',
    );
  }
  const noPaperProblems = model.problems.map((p) => p.problem).filter((p) => !['mnist', 'curves', 'faces'].includes(p) && p !== 'curves-synthetic');
  if (model.paper && noPaperProblems.length) {
    notes.push(`The paper has no runs for ${noPaperProblems.map((p) => escapeHtml(p)).join(', ')}; those figures show fisherkit's runs only.`);
  }
  notes.push(
    '<strong>Reaches KFAC\'s final loss</strong>: the first epoch whose training loss is ≤ the final training loss of the KFAC run of the same problem, and the cumulative second at that epoch ("—" if never; KFAC itself: its last epoch); the bracketed factor is KFAC\'s epochs (seconds) divided by the method\'s, i.e. how many times sooner it got there. Seconds per epoch are the median of the per-epoch wall-clock deltas.',
  );

  const sections = model.problems.map((p) => {
    const paperOnly = p.paperOnly.length
      ? `<p class="paper-only">Paper's final training losses of methods not run here: ${p.paperOnly.map((x) => `${escapeHtml(x.method)} ${fmt(x.loss)}`).join(', ')}.</p>`
      : '';
    const noKfac = p.summary.kfacFinalTrainLoss === null ? '<p>No KFAC run for this problem, so the "reaches KFAC\'s final loss" columns are empty.</p>' : '';
    return `<section class="problem" id="problem-${escapeHtml(p.problem)}">
<h2>${escapeHtml(problemTitle(p.problem))}</h2>
${figureHtml(p.figure)}
<h3>Summary</h3>
${noKfac}${summaryTable(p.summary, model.paper !== null && ['mnist', 'curves', 'faces'].includes(p.problem))}
${paperOnly}
<h3>Runs</h3>
${environmentTable(p.runs)}
${p.runs.map(runDetails).join('\n')}
</section>`;
  });

  const fimSections = model.fimErrors.length
    ? `<section class="fim-error" id="experiment-1">
<h2>Experiment 1: approximation accuracy</h2>
${model.fimErrors
  .map(
    (f) => `<h3>${escapeHtml(problemTitle(f.run.problem))}, layer ${f.run.layer}${f.run.block?.name ? ` (${escapeHtml(f.run.block.name)})` : ''}${f.run.complete === false ? ' <small class="incomplete">(incomplete)</small>' : ''}</h3>
${figureHtml(f.figure)}
<p class="file">${escapeHtml(f.run.file)}</p>
${fimDetails(f.run)}`,
  )
  .join('\n')}
</section>`
    : '';

  const warnings = model.warnings.map((w) => `<p class="warning">${escapeHtml(w)}</p>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fisherkit report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>fisherkit report: natural-gradient methods on deep auto-encoders</h1>
<p>Reproduction of Koroko et al. (2023): KFAC, KPSVD, Deflation, Lanczos and KFAC-corrected against SGD and Adam. Generated ${escapeHtml(model.generatedAt)} from ${model.inputs.length} result file(s).</p>
${warnings}
<ul class="notes">
${notes.map((n) => `<li>${n}</li>`).join('\n')}
</ul>
${sections.join('\n')}
${fimSections}
<h2>Inputs</h2>
<ul class="inputs">
${model.inputs.map((f) => `<li class="file">${escapeHtml(f)}</li>`).join('\n')}
</ul>
<pre id="render-status">render status: the page script has not run</pre>
<script>${STATUS_SCRIPT}</script>
</body>
</html>
`;
}
