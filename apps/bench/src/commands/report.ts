import type { Command } from 'commander';
import { CliError, runCommand } from '../cli-error.js';
import { buildReport } from '../report/build.js';

/** Options of `fisherkit report`, as parsed by commander. */
export interface ReportCommandOptions {
  out: string;
  /** false with --no-paper. */
  paper?: boolean;
  withPaper?: boolean;
  paperEpochs?: string;
}

/**
 * Registers `fisherkit report <results...> --out <dir>` on the program: figures (SVG + PNG) in
 * the style of the paper, one table per problem and a self-contained index.html.
 *
 * @example
 * ```ts
 * const program = new Command('fisherkit');
 * registerReport(program);
 * await program.parseAsync(['node', 'fisherkit', 'report', 'runs/a.json', '--out', 'report']);
 * ```
 */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description('draw figures and tables from train / fim-error result files into a self-contained HTML report')
    .argument('[results...]', 'result JSON files ("kind": "train" or "fim-error")')
    .requiredOption('--out <dir>', 'output folder (index.html, figures/, summary.json)')
    .option('--with-paper', "draw the authors' saved curves (dashed) and numbers beside ours (default)")
    .option('--no-paper', "leave the authors' curves and numbers out")
    .option('--paper-epochs <n>', "draw only the first N epochs of the authors' 200-epoch curves (e.g. to match a short run)")
    .action((results: string[], options: ReportCommandOptions) =>
      runCommand(async () => {
        const raw = options.paperEpochs;
        if (raw !== undefined && !/^\s*\d+\s*$/.test(raw)) throw new CliError(`--paper-epochs must be an integer ≥ 1, got "${raw}"`);
        const paperEpochs = raw === undefined ? undefined : Number(raw);
        const result = await buildReport({ inputs: results, out: options.out, withPaper: options.paper !== false, paperEpochs });
        for (const w of result.warnings) process.stderr.write(`fisherkit: warning: ${w}\n`);
        process.stdout.write(`report: ${result.index} (${result.figures} figure(s), ${result.summaries.length} table(s))\n`);
      }),
    );
}
