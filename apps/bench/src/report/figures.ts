import { Resvg } from '@resvg/resvg-js';
import { parse as parseVega, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { findFonts, type FontChoice } from './fonts.js';
import { sortMethods } from './methods.js';
import { paperProblemFor, type PaperRuns } from './paper.js';
import type { FimErrorRun, TrainRun } from './schema.js';
import { divisorOf, seriesLabels } from './summary.js';

/** A figure ready to render: its file stem and its vega-lite spec. */
export interface FigureSpec {
  /** File stem under figures/, e.g. "mnist-training". */
  name: string;
  /** Short caption for the page. */
  caption: string;
  spec: TopLevelSpec;
}

/** Display names of the problems in figure titles. */
const PROBLEM_TITLES: Record<string, string> = {
  mnist: 'MNIST',
  'fashion-mnist': 'Fashion-MNIST',
  curves: 'CURVES',
  'curves-synthetic': 'curves-synthetic (CURVES-like stand-in)',
  faces: 'FACES',
};

/**
 * Title of a problem in figures and headings: "MNIST", "FACES", … or the id itself.
 * @example `problemTitle('faces') // 'FACES'`
 */
export function problemTitle(problem: string): string {
  return PROBLEM_TITLES[problem] ?? problem;
}

const FONT_STACK = 'DejaVu Sans, Liberation Sans, Helvetica, Arial, sans-serif';
const PANEL = { width: 300, height: 240 };
const SOLID: number[] = [1, 0];
const DASHED: number[] = [6, 3];

function baseConfig() {
  return {
    font: FONT_STACK,
    background: 'white',
    view: { stroke: '#444' },
    axis: { grid: true, gridColor: '#e6e6e6', labelFontSize: 11, titleFontSize: 12, tickColor: '#444', domainColor: '#444' },
    legend: { labelFontSize: 11, titleFontSize: 12, symbolType: 'stroke', symbolStrokeWidth: 2, symbolSize: 300, labelLimit: 260 },
    title: { fontSize: 15, subtitleFontSize: 11, anchor: 'start' as const, offset: 14 },
    line: { strokeWidth: 1.6 },
  };
}

/** Row of the training figure's data: one (series, epoch). */
interface TrainPoint {
  series: string;
  method: string;
  source: 'ours' | 'paper';
  epoch: number;
  seconds: number;
  train: number;
  val: number | null;
  /** True for the points of a short fisherkit run (≤ 20 epochs), which also get dots so one epoch shows. */
  dot: boolean;
}

const DOT_MAX_EPOCHS = 20;

function lossPanel(title: string, x: { field: string; title: string; log: boolean }, y: { field: string; title: string }) {
  return {
    width: PANEL.width,
    height: PANEL.height,
    title: { text: title, fontSize: 13, anchor: 'middle' as const },
    transform: [{ filter: `isValid(datum.${y.field}) && datum.${y.field} > 0 && datum.${x.field} > 0` }],
    layer: [
      { mark: { type: 'line' as const, clip: true } },
      { transform: [{ filter: 'datum.dot' }], mark: { type: 'point' as const, filled: true, size: 18, clip: true } },
    ],
    encoding: {
      x: {
        field: x.field,
        type: 'quantitative' as const,
        title: x.title,
        scale: x.log ? { type: 'log' as const, nice: false, padding: 4 } : { zero: false, nice: false, padding: 4 },
        axis: x.log ? { format: '~g' } : undefined,
      },
      y: { field: y.field, type: 'quantitative' as const, title: y.title, scale: { type: 'log' as const, nice: false, padding: 4 }, axis: { format: '~g' } },
      order: { field: x.field },
    },
  };
}

/**
 * The training figure of one problem, in the style of the paper's: training loss vs epoch,
 * validation loss vs epoch and training loss vs wall-clock seconds (log x), all with log y; one
 * colour per method (the same in every figure), the paper's curves dashed as "paper: <method>".
 * Losses are divided by each run's `lossScale.perPixelDivisor` (1 when absent).
 *
 * @param problem - the problem id.
 * @param runs - the training runs of that problem.
 * @param colours - colour per method (see colourMap).
 * @param paper - the authors' runs to draw beside ours, or undefined for none.
 * @param paperEpochs - draw only the paper's first N epochs (default: all).
 * @example
 * ```ts
 * const fig = trainingFigure('mnist', runs, colourMap(['kfac', 'adam']), loadPaperRuns());
 * const { svg, png } = await renderFigure(fig.spec);
 * ```
 */
export function trainingFigure(
  problem: string,
  runs: readonly TrainRun[],
  colours: Map<string, string>,
  paper?: PaperRuns,
  paperEpochs = Infinity,
): FigureSpec {
  const labels = seriesLabels(runs);
  const points: TrainPoint[] = [];
  const domain: string[] = [];
  const range: string[] = [];
  const dashes: number[][] = [];
  const ordered = sortMethods(runs.map((r) => r.method)).flatMap((m) => runs.filter((r) => r.method === m));
  for (const run of ordered) {
    const d = divisorOf(run);
    const series = labels.get(run)!;
    domain.push(series);
    range.push(colours.get(run.method)!);
    dashes.push(SOLID);
    for (const e of run.epochs) {
      points.push({
        series,
        method: run.method,
        source: 'ours',
        epoch: e.epoch,
        seconds: e.seconds,
        train: e.trainLoss / d,
        val: e.valLoss === null ? null : e.valLoss / d,
        dot: run.epochs.length <= DOT_MAX_EPOCHS,
      });
    }
  }
  const paperProblem = paperProblemFor(problem);
  const paperMethods = paper && paperProblem ? paper.runs[paperProblem]?.methods ?? {} : {};
  const drawnPaper = sortMethods(runs.map((r) => r.method)).filter((m) => paperMethods[m]);
  for (const method of drawnPaper) {
    const p = paperMethods[method];
    const series = `paper: ${method}`;
    domain.push(series);
    range.push(colours.get(method)!);
    dashes.push(DASHED);
    p.trainLoss.slice(0, paperEpochs).forEach((train, i) => {
      points.push({ series, method, source: 'paper', epoch: i + 1, seconds: p.seconds[i], train, val: p.valLoss[i], dot: false });
    });
  }
  const allScaled = runs.every((r) => r.lossScale !== undefined);
  const unit = allScaled ? ' (per-pixel)' : '';
  const colour = { field: 'series', type: 'nominal' as const, title: 'method', scale: { domain, range }, sort: domain };
  const strokeDash = { field: 'series', type: 'nominal' as const, title: 'method', scale: { domain, range: dashes }, sort: domain };
  const ours = points.filter((p) => p.source === 'ours');
  const hidden = ours.filter((p) => !(p.train > 0) || (p.val !== null && !(p.val > 0)) || !(p.seconds > 0)).length;
  const subtitle = [
    drawnPaper.length
      ? `solid: fisherkit runs; dashed: the authors' saved runs (${paperProblem}${Number.isFinite(paperEpochs) ? `, first ${paperEpochs} epochs` : ''})`
      : 'fisherkit runs',
    allScaled ? 'losses on the paper\'s per-pixel scale (each run ÷ its lossScale factor)' : 'some runs have no lossScale: their losses are drawn unscaled (÷ 1)',
    ...(hidden ? [`${hidden} epoch record(s) with a loss ≤ 0 or 0 s cannot be drawn on log axes and are left out of those panels`] : []),
  ];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${problemTitle(problem)}: training`, subtitle },
    data: { values: points },
    config: baseConfig(),
    resolve: { scale: { color: 'shared', strokeDash: 'shared' } },
    hconcat: [
      lossPanel('Training loss vs epoch', { field: 'epoch', title: 'epoch', log: false }, { field: 'train', title: `training loss${unit}` }),
      lossPanel('Validation loss vs epoch', { field: 'epoch', title: 'epoch', log: false }, { field: 'val', title: `validation loss${unit}` }),
      lossPanel('Training loss vs time', { field: 'seconds', title: 'wall-clock seconds (log)', log: true }, { field: 'train', title: `training loss${unit}` }),
    ].map((panel) => ({ ...panel, encoding: { ...panel.encoding, color: colour, strokeDash } })),
  } as unknown as TopLevelSpec;
  return {
    name: `${slug(problem)}-training`,
    caption: `${problemTitle(problem)}: training loss vs epoch, validation loss vs epoch, training loss vs seconds (log-log); ${ordered.length} run(s)${drawnPaper.length ? `, ${drawnPaper.length} paper curve(s) dashed` : ''}.`,
    spec,
  };
}

/**
 * The experiment-1 figure of one fim-error file: Error 1 and Error 2 of each approximation of the
 * layer's Fisher block vs iteration, one line per method in the report's colours.
 *
 * @example
 * ```ts
 * const fig = fimErrorFigure(fim, colourMap(['kfac', 'kpsvd']));
 * fig.name; // 'mnist-layer5-fim-error'
 * ```
 */
export function fimErrorFigure(run: FimErrorRun, colours: Map<string, string>, name?: string): FigureSpec {
  const methods = sortMethods(run.iterations.flatMap((it) => Object.keys(it.errors)));
  const points = run.iterations.flatMap((it) =>
    Object.entries(it.errors).map(([method, e]) => ({ method, iteration: it.iteration, error1: e.error1, error2: e.error2 })),
  );
  const colour = {
    field: 'method',
    type: 'nominal' as const,
    title: 'method',
    scale: { domain: methods, range: methods.map((m) => colours.get(m)!) },
    sort: methods,
  };
  const panel = (field: string, title: string, axis: string) => ({
    width: PANEL.width + 60,
    height: PANEL.height,
    title: { text: title, fontSize: 13, anchor: 'middle' as const },
    transform: [{ filter: `isValid(datum.${field})` }],
    mark: { type: 'line' as const, strokeWidth: 1.2 },
    encoding: {
      x: { field: 'iteration', type: 'quantitative' as const, title: 'iteration', scale: { nice: false } },
      y: { field, type: 'quantitative' as const, title: axis },
      color: colour,
      order: { field: 'iteration' },
    },
  });
  const hasError2 = points.some((p) => p.error2 !== null);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${problemTitle(run.problem)}: Fisher block approximation error, layer ${run.layer}${run.block?.name ? ` (${run.block.name})` : ''}`,
      subtitle: [
        'Error 1 = ‖F − F̃‖_F / ‖F‖_F; Error 2 = ‖σ(F) − σ(F̃)‖₂ / ‖σ(F)‖₂ (sorted singular values)',
        ...(hasError2 ? [] : ['the file has no Error 2 values (all null), so only Error 1 is drawn']),
      ],
    },
    data: { values: points },
    config: baseConfig(),
    hconcat: [
      panel('error1', 'Error 1 vs iteration', 'Error 1 (relative Frobenius)'),
      ...(hasError2 ? [panel('error2', 'Error 2 vs iteration', 'Error 2 (singular values)')] : []),
    ],
  } as unknown as TopLevelSpec;
  return {
    name: name ?? `${slug(run.problem)}-layer${run.layer}-fim-error`,
    caption: `${problemTitle(run.problem)}, layer ${run.layer}: Error 1 and Error 2 of ${methods.join(', ')} over ${run.iterations.length} iterations.`,
    spec,
  };
}

/**
 * A safe file stem: lower-case letters, digits and dashes.
 * @example `slug('Curves Synthetic!') // 'curves-synthetic'`
 */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'figure';
}

let fontChoice: FontChoice | undefined;

/**
 * The fonts the PNG rasteriser uses (looked up once per process).
 * @example `pngFonts().family // 'DejaVu Sans'`
 */
export function pngFonts(): FontChoice {
  fontChoice ??= findFonts();
  return fontChoice;
}

/**
 * Compiles a vega-lite spec, renders it to SVG with vega's headless View (renderer "none") and
 * rasterises the SVG to PNG with resvg (about 1200 px wide, system fonts loaded).
 *
 * @example
 * ```ts
 * const { svg, png } = await renderFigure(trainingFigure('mnist', runs, colours).spec);
 * writeFileSync('mnist.svg', svg); writeFileSync('mnist.png', png);
 * ```
 */
export async function renderFigure(spec: TopLevelSpec, pngWidth = 1200): Promise<{ svg: string; png: Buffer }> {
  const { spec: vegaSpec } = compile(spec);
  const view = new View(parseVega(vegaSpec), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const fonts = pngFonts();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: pngWidth },
    background: 'white',
    font: {
      loadSystemFonts: true,
      ...(fonts.family ? { defaultFontFamily: fonts.family, sansSerifFamily: fonts.family } : {}),
    },
  });
  const png = resvg.render().asPng();
  return { svg, png };
}
