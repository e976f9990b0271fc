import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { writeFileAtomic } from './atomic-write.js';
import { summaryMarkdown } from './summary-markdown.js';
import { fimErrorFigure, pngFonts, renderFigure, slug, trainingFigure, type FigureSpec } from './figures.js';
import { renderPage, type FigureRef, type PageModel } from './html.js';
import { colourMap, sortMethods, sortProblems } from './methods.js';
import { loadPaperRuns, PAPER_FINAL_TRAIN_LOSS, paperProblemFor, type PaperRuns } from './paper.js';
import { readResultFile, type FimErrorRun, type TrainRun } from './schema.js';
import { summarizeProblem, type ProblemSummary } from './summary.js';

/** Options of buildReport. */
export interface ReportOptions {
  /** Result files (kind "train" or "fim-error"). */
  inputs: string[];
  /** Output folder; created if missing. */
  out: string;
  /** Draw the authors' curves and numbers beside ours (default true). */
  withPaper?: boolean;
  /** Draw only the first N epochs of the paper's curves (default: all 200). */
  paperEpochs?: number;
  /** Timestamp shown on the page (default: now, ISO). */
  generatedAt?: string;
}

/** What buildReport wrote. */
export interface ReportResult {
  /** Path of index.html. */
  index: string;
  /** Paths of every figure file written (SVG, PNG, vega-lite JSON). */
  files: string[];
  /** Number of figures (each has an SVG and a PNG). */
  figures: number;
  /** One table per problem with training runs. */
  summaries: ProblemSummary[];
  /** Warnings also shown on the page (e.g. no fonts for the PNGs). */
  warnings: string[];
}

/**
 * Reads result files and writes the report: `<out>/index.html`, `<out>/figures/<name>.svg|.png|.vl.json`
 * `<out>/summary.json` and `<out>/summary.md` (the tables as Markdown), every file written atomically.
 *
 * @throws CliError for no inputs, missing or corrupt files, unknown kinds, wrong schemas or an
 * unusable output folder.
 * @example
 * ```ts
 * const result = await buildReport({ inputs: ['runs/mnist-kfac.json', 'runs/mnist-adam.json'], out: 'report' });
 * console.log(result.index); // report/index.html
 * ```
 */
export async function buildReport(options: ReportOptions): Promise<ReportResult> {
  if (!options.inputs.length) throw new CliError('no result files given; usage: fisherkit report <results...> --out <dir>');
  const inputs = [...new Set(options.inputs.map((f) => resolve(f)))];
  const results = inputs.map((f) => readResultFile(f));
  const trainRuns = results.filter((r): r is TrainRun => r.kind === 'train');
  const fimRuns = results.filter((r): r is FimErrorRun => r.kind === 'fim-error');
  const withPaper = options.withPaper !== false;
  const paperEpochs = options.paperEpochs ?? Infinity;
  if (!(paperEpochs === Infinity || (Number.isInteger(paperEpochs) && paperEpochs >= 1))) {
    throw new CliError(`--paper-epochs must be an integer ≥ 1, got ${options.paperEpochs}`);
  }
  const paper: PaperRuns | undefined = withPaper ? loadPaperRuns() : undefined;

  const outDir = resolve(options.out);
  const figuresDir = join(outDir, 'figures');
  try {
    if (statSync(outDir, { throwIfNoEntry: false })?.isFile()) throw new CliError(`--out ${options.out} is a file; pass a folder`);
    mkdirSync(figuresDir, { recursive: true });
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot create the output folder ${options.out}: ${(err as Error).message}`);
  }

  const warnings: string[] = [];
  const fonts = pngFonts();
  if (fonts.fontFiles === 0) {
    warnings.push('No system fonts were found, so the PNG figures have no text; the SVG figures (shown on this page) are unaffected. Install e.g. fonts-dejavu-core.');
  }

  const colours = colourMap([...trainRuns.map((r) => r.method), ...fimRuns.flatMap((r) => r.iterations.flatMap((it) => Object.keys(it.errors)))]);
  const files: string[] = [];
  const usedNames = new Set<string>();
  const render = async (figure: FigureSpec): Promise<FigureRef> => {
    let name = figure.name;
    for (let i = 2; usedNames.has(name); i++) name = `${figure.name}-${i}`;
    usedNames.add(name);
    const { svg, png } = await renderFigure(figure.spec);
    const paths = { svg: join(figuresDir, `${name}.svg`), png: join(figuresDir, `${name}.png`), spec: join(figuresDir, `${name}.vl.json`) };
    writeFileAtomic(paths.svg, svg);
    writeFileAtomic(paths.png, png);
    writeFileAtomic(paths.spec, `${JSON.stringify(figure.spec)}\n`);
    files.push(paths.svg, paths.png, paths.spec);
    return { name, caption: figure.caption, svg: `figures/${name}.svg`, png: `figures/${name}.png` };
  };

  const problems: PageModel['problems'] = [];
  for (const problem of sortProblems(trainRuns.map((r) => r.problem))) {
    const runs = trainRuns.filter((r) => r.problem === problem);
    const figure = await render(trainingFigure(problem, runs, colours, paper, paperEpochs));
    const summary = summarizeProblem(problem, runs, paper);
    const paperProblem = paperProblemFor(problem);
    const paperLosses = withPaper && paperProblem ? PAPER_FINAL_TRAIN_LOSS[paperProblem] ?? {} : {};
    const ran = new Set(runs.map((r) => r.method));
    const paperOnly = sortMethods(Object.keys(paperLosses))
      .filter((m) => !ran.has(m))
      .map((method) => ({ method, loss: paperLosses[method] }));
    problems.push({ problem, runs: summary.rows.map((row) => runs.find((r) => r.file === row.file && r.method === row.method)!), figure, summary, paperOnly });
  }
  const fimErrors: PageModel['fimErrors'] = [];
  const fimOrder = sortProblems(fimRuns.map((r) => r.problem));
  for (const run of [...fimRuns].sort((a, b) => fimOrder.indexOf(a.problem) - fimOrder.indexOf(b.problem) || a.layer - b.layer)) {
    fimErrors.push({ run, figure: await render(fimErrorFigure(run, colours, `${slug(run.problem)}-layer${run.layer}-fim-error`)) });
  }

  const model: PageModel = {
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    inputs,
    problems,
    fimErrors,
    paper: paper ? { source: paper.source, note: paper.note } : null,
    warnings,
  };
  const index = join(outDir, 'index.html');
  const summaries = problems.map((p) => p.summary);
  const summaryPath = join(outDir, 'summary.json');
  writeFileAtomic(summaryPath, `${JSON.stringify({ generatedAt: model.generatedAt, inputs, withPaper, problems: summaries }, null, 2)}\n`);
  writeFileAtomic(index, renderPage(model));
  const markdownPath = join(outDir, 'summary.md');
  writeFileAtomic(markdownPath, summaries.map(summaryMarkdown).join('\n'));
  files.push(summaryPath, markdownPath);
  return { index, files, figures: problems.length + fimErrors.length, summaries, warnings };
}
