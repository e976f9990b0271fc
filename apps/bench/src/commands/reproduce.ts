import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError, runCommand } from '../cli-error.js';
import { parseInteger } from '../cli-numbers.js';
import { buildReport } from '../report/build.js';
import { fimErrorCommand } from './fim-error.js';
import { trainCommand } from './train.js';

/** The seven methods of experiment 2, in the paper's order. */
export const REPRODUCTION_METHODS = ['kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected', 'sgd', 'adam'] as const;

/** What `fisherkit reproduce` runs. */
export interface ReproducePlan {
  problem: string;
  epochs: number;
  trainSize: number;
  validationSize: number;
  /** T_cov = T_inv for the short run (the paper's 100 would mean one refresh in a few epochs). */
  refreshEvery: number;
  fimIterations: number;
  /** Fisher rows per iteration of experiment 1 (the paper: the whole batch; the short run: 128). */
  fimFisherBatchSize: number;
  seed: number;
  backend: string;
  outDir: string;
}

/**
 * The short reproduction run by `npm start`: experiment 2 for all seven methods on a real-MNIST
 * subset for a few epochs, experiment 1 for a few hundred iterations, then the report (and, where
 * Debian's chromium is installed, the headless-browser check of every figure).
 *
 * @example `await reproduce({ ...QUICK_PLAN, outDir: 'results/quick' })`
 */
export async function reproduce(plan: ReproducePlan): Promise<string> {
  mkdirSync(plan.outDir, { recursive: true });
  const runs: string[] = [];
  const say = (line: string) => process.stderr.write(`\n[reproduce] ${line}\n`);
  for (const [k, method] of REPRODUCTION_METHODS.entries()) {
    const out = join(plan.outDir, `${plan.problem}-${method}.json`);
    say(`experiment 2 (${k + 1}/${REPRODUCTION_METHODS.length}): ${method} on ${plan.problem}, ${plan.epochs} epochs, ${plan.trainSize} training images`);
    await trainCommand({
      problem: plan.problem,
      method,
      epochs: String(plan.epochs),
      trainSize: String(plan.trainSize),
      validationSize: String(plan.validationSize),
      seed: String(plan.seed),
      backend: plan.backend,
      ...(method === 'sgd' || method === 'adam' ? {} : { tCov: String(plan.refreshEvery), tInv: String(plan.refreshEvery) }),
      out,
    });
    runs.push(out);
  }
  const fim = join(plan.outDir, `${plan.problem}-fim-error.json`);
  say(`experiment 1: the five approximations of the 5th linear layer along ${plan.fimIterations} Adam iterations`);
  await fimErrorCommand({
    problem: plan.problem,
    iterations: String(plan.fimIterations),
    fisherBatchSize: String(plan.fimFisherBatchSize),
    // Error 2 of the rank-2 methods costs ~2 s per iteration on this block; every 10th keeps the
    // figure and the 10-minute budget.
    error2Every: '10',
    trainSize: String(plan.trainSize),
    seed: String(plan.seed),
    backend: plan.backend,
    out: fim,
  });
  runs.push(fim);
  const reportDir = join(plan.outDir, 'report');
  say(`report: ${reportDir}`);
  const report = await buildReport({ inputs: runs, out: reportDir, withPaper: true, paperEpochs: plan.epochs });
  for (const w of report.warnings) process.stderr.write(`fisherkit: warning: ${w}\n`);
  checkInBrowser(reportDir, say);
  return report.index;
}

function checkInBrowser(reportDir: string, say: (line: string) => void): void {
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    say(`browser check skipped: ${chromium} is not installed (apt-get install chromium, then npm run check:report)`);
    return;
  }
  const script = fileURLToPath(new URL('../../scripts/check-report.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [script, reportDir], { stdio: 'inherit' });
  if (result.status !== 0) throw new CliError(`the report at ${reportDir} failed the headless-browser check (exit ${result.status})`);
}

/** Registers `fisherkit reproduce` (the README's main job, `npm start`). */
export function registerReproduce(program: Command): void {
  program
    .command('reproduce')
    .description('short reproduction: all seven methods on a real-MNIST subset, experiment 1, and the report')
    .option('--out-dir <dir>', 'where the result files and the report go', 'results/quick')
    .option('--epochs <n>', 'epochs per method', '2')
    .option('--train-size <n>', 'training images (of the 50,000)', '4096')
    .option('--validation-size <n>', 'validation images (of the 10,000)', '1000')
    .option('--refresh-every <n>', 'T_cov = T_inv of the short run (the paper: 100)', '16')
    .option('--fim-iterations <n>', 'iterations of experiment 1', '150')
    .option('--fim-fisher-batch-size <n>', 'Fisher rows per iteration of experiment 1 (the paper: the whole batch)', '128')
    .option('--seed <n>', 'seed of every run', '0')
    .option('--backend <name>', 'auto, wasm, cpu or tensorflow', 'auto')
    .action((o: Record<string, string>) =>
      runCommand(async () => {
        const index = await reproduce({
          problem: 'mnist',
          epochs: parseInteger(o.epochs, '--epochs'),
          trainSize: parseInteger(o.trainSize, '--train-size'),
          validationSize: parseInteger(o.validationSize, '--validation-size'),
          refreshEvery: parseInteger(o.refreshEvery, '--refresh-every'),
          fimIterations: parseInteger(o.fimIterations, '--fim-iterations'),
          fimFisherBatchSize: parseInteger(o.fimFisherBatchSize, '--fim-fisher-batch-size'),
          seed: parseInteger(o.seed, '--seed', 0),
          backend: o.backend,
          outDir: o.outDir,
        });
        process.stdout.write(`report: ${index}\n`);
      }),
    );
}
