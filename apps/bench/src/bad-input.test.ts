import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCommand } from './cli-error.js';
import { computeApprox } from './commands/approx.js';
import { gridCommand } from './commands/grid.js';
import { trainCommand } from './commands/train.js';
import { buildReport } from './report/build.js';
import { matV4, writeBadCheckpoint } from './test-support/bad-files.js';
import { errorLines, runCli } from './test-support/spawn-cli.js';

/**
 * Bad input, tried (issue #6) — the CLI half. Every row is one malformed invocation; it must exit
 * with code 2 and print exactly one clear line on stderr (no stack trace), and must neither create
 * nor alter its --out file (nor anything else in the run's folder). `CLI_CASES` spawn
 * `fisherkit` for real (~2–4 s of CPU each: one case per kind of input); `COMMAND_CASES` run the
 * same command bodies in-process through `runCommand` (what the CLI wraps each command in), which
 * is cheap, for the further variants. The public-API half is api-bad-input.test.ts; the total
 * number of rows is stated in docs/reliability.md.
 */

const root = mkdtempSync(join(tmpdir(), 'fisherkit-bad-input-'));
const fixtures = join(root, 'fixtures');
mkdirSync(fixtures);
const fixture = (name: string, content: string | Uint8Array): string => {
  const path = join(fixtures, name);
  writeFileSync(path, content);
  return path;
};

const F = {
  garbageMat: fixture('garbage.mat', 'this is not a MAT-file at all, only text\n'.repeat(8)),
  nanMat: fixture('nan.mat', matV4('bdata', 10, 784, (i) => (i === 23 ? NaN : 0.5))),
  narrowMat: fixture('narrow.mat', matV4('bdata', 10, 100, () => 0.5)),
  truncatedMat: fixture('truncated.mat', matV4('bdata', 10, 784, () => 0.5).subarray(0, 5000)),
  missingMat: join(fixtures, 'no-such-digs3pts_1.mat'),
  missingModule: join(fixtures, 'no-such-approx.mjs'),
  wrongModule: fixture('wrong-shape.mjs', "export default { id: 'Not Kebab', title: 'x' };\n"),
  noDefaultModule: fixture('no-default.mjs', 'export const plugin = {};\n'),
  brokenModule: fixture('broken.mjs', 'export default {\n'),
  ragged: fixture('ragged.json', JSON.stringify({ a: [[1, 2], [3]], g: [[1], [2]] })),
  infinite: fixture('infinite.json', '{"a": [[1e999, 1]], "g": [[1]]}'),
  rowsMismatch: fixture('rows-mismatch.json', JSON.stringify({ a: [[1, 2], [3, 4]], g: [[1]] })),
  truncatedJson: fixture('truncated-input.json', '{"a": [[1, 2], [3, 4]], "g": [[1], '),
  notObject: fixture('array.json', '[1, 2, 3]'),
  truncatedResults: fixture('truncated-results.json', '{"kind": "train", "problem": "curves-synthetic", "epochs": [{"epoch": 1, "trainLo'),
  payloadTruncated: writeBadCheckpoint(join(fixtures, 'ck-truncated'), 'run.json', 'payload-truncated').manifest,
  payloadFlipped: writeBadCheckpoint(join(fixtures, 'ck-flipped'), 'run.json', 'payload-flipped').manifest,
  payloadMissing: writeBadCheckpoint(join(fixtures, 'ck-missing'), 'run.json', 'payload-missing').manifest,
  manifestTruncated: writeBadCheckpoint(join(fixtures, 'ck-manifest'), 'run.json', 'manifest-truncated').manifest,
  twoCheckpoints: (() => {
    const d = join(fixtures, 'ck-two');
    writeBadCheckpoint(d, 'a.json', 'none');
    writeBadCheckpoint(d, 'b.json', 'none');
    return d;
  })(),
  noCheckpoint: (() => {
    const d = join(fixtures, 'ck-none');
    mkdirSync(d);
    return d;
  })(),
};

const SMALL = ['--problem', 'curves-synthetic', '--sizes', '784,16,6,16,784', '--train-size', '64', '--validation-size', '32', '--batch-size', '32', '--epochs', '1', '--backend', 'cpu'];
const KFAC = [...SMALL, '--method', 'kfac'];

/** One malformed invocation: `argv(out)` gets the --out path of the case. */
interface CliCase {
  name: string;
  argv: (out: string) => string[];
  /** The one stderr line. */
  message: RegExp;
  /** Pre-create --out with content that must survive (otherwise it must not appear). */
  existing?: boolean;
  /** Makes --out itself the bad input (before the run; it must stay as it was). */
  setup?: (out: string) => void;
}

const DISCOVERED = /kfac, kpsvd, deflation, lanczos, kfac-corrected/;

export const CLI_CASES: CliCase[] = [
  { name: 'train: unknown problem', argv: (o) => ['train', '--problem', 'cifar', '--method', 'kfac', '--out', o], message: /unknown problem "cifar"; use one of mnist, fashion-mnist, curves, curves-synthetic, faces/ },
  { name: 'train: unknown method', argv: (o) => ['train', ...SMALL, '--method', 'kfca', '--out', o], message: new RegExp(`unknown method "kfca"; use one of ${DISCOVERED.source}, sgd, adam`), existing: true },
  { name: 'train: negative damping', argv: (o) => ['train', ...KFAC, '--damping', '-1e-3', '--out', o], message: /--damping "-1e-3": must be > 0/ },
  { name: 'train: T_cov = 0', argv: (o) => ['train', ...KFAC, '--t-cov', '0', '--out', o], message: /--t-cov must be an integer ≥ 1, got "0"/ },
  { name: 'train: --lr that does not parse', argv: (o) => ['train', ...KFAC, '--lr', '0.1 *', '--out', o], message: /--lr "0\.1 \*": is not a valid expression/ },
  { name: 'train: missing data file', argv: (o) => ['train', '--problem', 'curves', '--method', 'kfac', '--data', F.missingMat, '--out', o], message: /not found: no file at .*no-such-digs3pts_1\.mat.*pass --data/ },
  { name: 'train: corrupt data file', argv: (o) => ['train', '--problem', 'curves', '--method', 'kfac', '--data', F.garbageMat, '--out', o], message: /garbage\.mat is not a MATLAB MAT-file.*pass --data/, existing: true },
  { name: 'train: NaN in the data', argv: (o) => ['train', '--problem', 'curves', '--method', 'kfac', '--data', F.nanMat, '--backend', 'cpu', '--out', o], message: /example 3 \(0-based\), pixel 2 is NaN; the data must be finite/ },
  { name: 'train: plug-in module that does not exist', argv: (o) => ['train', ...SMALL, '--approx', F.missingModule, '--out', o], message: /approximation module ".*no-such-approx\.mjs" was not found; pass an installed package name or a path/ },
  { name: 'train: plug-in module of the wrong shape', argv: (o) => ['train', ...SMALL, '--approx', F.wrongModule, '--out', o], message: /is not a valid fisherkit approximation: id must be a non-empty kebab-case string.*missing createBlock/, existing: true },
  { name: 'train: misspelt option', argv: (o) => ['train', ...KFAC, '--tcov', '5', '--out', o], message: /^error: unknown option '--tcov'/ },
  { name: 'train: --resume with a truncated .bin', argv: (o) => ['train', '--resume', F.payloadTruncated, '--out', o], message: /state file run\.json\.checkpoint\.json\.\d+\.bin is truncated: \d+ bytes, the checkpoint records \d+; start the run again/ },
  { name: 'train: --resume a folder with two checkpoints', argv: (o) => ['train', '--resume', F.twoCheckpoints, '--out', o], message: /the folder holds 2 checkpoints \(a\.json\.checkpoint\.json, b\.json\.checkpoint\.json\); pass the one to resume/, existing: true },
  { name: 'approx: ragged JSON', argv: () => ['approx', '--method', 'kfac', '--input', F.ragged], message: /"a" is ragged: row 0 has 2 entries but row 1 has 1/ },
  { name: 'grid: unknown method', argv: (o) => ['grid', '--problem', 'curves-synthetic', '--method', 'kfca', '--out-dir', o], message: new RegExp(`unknown method "kfca"; use one of ${DISCOVERED.source}`) },
  { name: 'report: truncated results JSON', argv: (o) => ['report', F.truncatedResults, '--out', o], message: /result file .*truncated-results\.json is not valid JSON/ },
];

/** The same checks, in-process: the command body as the CLI runs it (runCommand). */
interface CommandCase {
  name: string;
  run: (out: string) => Promise<unknown>;
  message: RegExp;
  existing?: boolean;
  setup?: (out: string) => void;
}

type Opts = Record<string, string>;
const SMALL_OPTS: Opts = { problem: 'curves-synthetic', sizes: '784,16,6,16,784', trainSize: '64', validationSize: '32', batchSize: '32', epochs: '1', backend: 'cpu' };
const train = (extra: Opts) => (out: string) => trainCommand({ ...SMALL_OPTS, method: 'kfac', out, ...extra });
const resume = (path: string) => (out: string) => trainCommand({ resume: path, out });
const approx = (input: string, extra: Partial<Opts> = {}) => () => computeApprox({ method: 'kfac', input, pi: 'tracenorm', inverse: 'abs', ...extra });
const grid = (extra: Opts) => (out: string) => gridCommand({ ...SMALL_OPTS, method: 'kfac', outDir: out, ...extra });

export const COMMAND_CASES: CommandCase[] = [
  { name: 'approx: Infinity in the JSON', run: approx(F.infinite), message: /"a"\[0\]\[0\] is Infinity \(a JSON number too large for a double\); every entry must be a finite number/ },
  { name: 'train: --out is a folder', run: train({}), setup: (o) => mkdirSync(o), message: /--out .* is a folder; pass a file name such as/ },
  { name: 'train: zero damping', run: train({ damping: '0' }), message: /--damping "0": must be > 0/, existing: true },
  { name: 'train: --lr infinite at step 0', run: train({ lr: '1/0' }), message: /--lr "1\/0": gives Infinity at step 0; it must be a finite number > 0/ },
  { name: 'train: --lr with an unknown symbol', run: train({ lr: '0.1 * 0.97^epochs' }), message: /--lr "0\.1 \* 0\.97\^epochs": unknown symbol "epochs"; an expression may use only step and epoch/ },
  { name: 'train: --damping with an expression that reaches 0', run: train({ damping: '0 * step' }), message: /--damping "0 \* step": gives 0 at step 0; it must be > 0/, existing: true },
  { name: 'train: T_inv = 0', run: train({ tInv: '0' }), message: /--t-inv must be an integer ≥ 1, got "0"/ },
  { name: 'train: fractional T_cov', run: train({ tCov: '2.5' }), message: /--t-cov must be an integer ≥ 1, got "2\.5"/ },
  { name: 'train: --epochs 0', run: train({ epochs: '0' }), message: /--epochs must be an integer ≥ 1, got "0"/ },
  { name: 'train: --kl-clip negative', run: train({ klClip: '-0.01' }), message: /--kl-clip must be a number > 0, got "-0\.01"/ },
  { name: 'train: --momentum 1', run: train({ momentum: '1' }), message: /--momentum must be a number ≥ 0 and < 1, got "1"/ },
  { name: 'train: --sizes with a zero width', run: train({ sizes: '784,0,784' }), message: /--sizes must be an integer ≥ 1, got "0"/ },
  { name: 'train: --sizes not ending at the output width', run: train({ sizes: '784,16,100' }), message: /--sizes must list at least three widths from 784 \(input\) to 784 \(output\)/ },
  { name: 'train: --fisher-batch-size above the batch', run: train({ fisherBatchSize: '64' }), message: /--fisher-batch-size 64 is above the batch size 32/ },
  { name: 'train: --train-size above the data', run: train({ trainSize: '99999999' }), message: /--train-size 99999999 is above|trainSize = 99999999 exceeds/ },
  { name: 'train: --pi unknown', run: train({ pi: 'half' }), message: /--pi must be one of tracenorm, one, got "half"/ },
  { name: 'train: --backend unknown', run: train({ backend: 'gpu' }), message: /--backend must be one of auto, wasm, cpu, tensorflow, got "gpu"/ },
  { name: 'train: --matmul unknown', run: train({ matmul: 'blas' }), message: /--matmul must be backend or onnx, got "blas"/ },
  { name: 'train: --matmul-threads without onnx', run: train({ matmulThreads: '2' }), message: /--matmul-threads applies to --matmul onnx only; add --matmul onnx or drop it/ },
  { name: 'train: truncated MAT-file', run: (o) => trainCommand({ problem: 'curves', method: 'kfac', data: F.truncatedMat, backend: 'cpu', out: o }), message: /truncated\.mat is truncated: matrix 'bdata' \(10×784\) needs \d+ bytes.*pass --data/ },
  { name: 'train: data matrix of the wrong shape', run: (o) => trainCommand({ problem: 'curves', method: 'kfac', data: F.narrowMat, backend: 'cpu', out: o }), message: /no variable is a real numeric 2-D matrix with one dimension 784.*bdata \(double 10×100\)/ },
  { name: 'train: FACES without its data file', run: (o) => trainCommand({ problem: 'faces', method: 'kfac', backend: 'cpu', out: o }), message: /FACES.*pass --data/ },
  { name: 'train: plug-in module without a default export', run: train({ approx: F.noDefaultModule }), message: /approximation module ".*no-default\.mjs" has no default export; it must default-export a plug-in/ },
  { name: 'train: plug-in module that does not parse', run: train({ approx: F.brokenModule }), message: /approximation module ".*broken\.mjs" could not be loaded: / },
  { name: 'train: --damping given to sgd', run: train({ method: 'sgd', damping: '1e-3' }), message: /--damping applies to natural-gradient methods only, not sgd/ },
  { name: 'train: --resume a path that does not exist', run: resume(join(fixtures, 'nowhere')), message: /--resume .*nowhere: this checkpoint \(or results file, or folder\) does not exist/, existing: true },
  { name: 'train: --resume a truncated checkpoint', run: resume(F.manifestTruncated), message: /checkpoint .*run\.json\.checkpoint\.json is truncated or corrupt \(not valid JSON/ },
  { name: 'train: --resume a checkpoint whose .bin was altered', run: resume(F.payloadFlipped), message: /is corrupt: its SHA-256 differs from the one the checkpoint records/ },
  { name: 'train: --resume a checkpoint whose .bin is gone', run: resume(F.payloadMissing), message: /its state file run\.json\.checkpoint\.json\.\d+\.bin is missing/ },
  { name: 'train: --resume a truncated results file', run: resume(F.truncatedResults), message: /results file .*truncated-results\.json is truncated or corrupt \(not valid JSON.*there is no checkpoint .* beside it either; start the run again/ },
  { name: 'train: --resume a folder without a checkpoint', run: resume(F.noCheckpoint), message: /the folder holds no checkpoint/ },
  { name: 'train: --resume with a run option', run: (o) => trainCommand({ resume: F.payloadTruncated, lr: '0.1', out: o }), message: /--lr cannot be combined with --resume/ },
  { name: 'approx: rows of a and g differ', run: approx(F.rowsMismatch), message: /"a" has 2 rows but "g" has 1; both need one row per sample/ },
  { name: 'approx: truncated input JSON', run: approx(F.truncatedJson), message: /input file .*truncated-input\.json is not valid JSON/ },
  { name: 'approx: input that is not an object', run: approx(F.notObject), message: /the input must be a JSON object \{"a": number\[m\]\[d_a\]/ },
  { name: 'approx: missing input file', run: approx(join(fixtures, 'nope.json')), message: /input file .*nope\.json does not exist; pass an existing JSON file with --input/ },
  { name: 'approx: negative damping', run: approx(F.rowsMismatch, { damping: '-1' }), message: /--damping must be a number > 0, got "-1"/ },
  { name: 'approx: unknown method', run: () => computeApprox({ method: 'kfca', input: F.ragged, pi: 'tracenorm', inverse: 'abs' }), message: new RegExp(`unknown method "kfca"; use one of ${DISCOVERED.source}`) },
  { name: 'grid: no --method (lists the discovered packages)', run: (o) => gridCommand({ ...SMALL_OPTS, outDir: o }), message: new RegExp(`--method is required: ${DISCOVERED.source}, sgd, adam`) },
  { name: 'grid: a zero damping in the list', run: grid({ damping: '0,1e-3' }), message: /--damping must be a number > 0, got "0"/ },
  { name: 'grid: an --lr list that is not numbers', run: grid({ lr: '0.1,fast' }), message: /--lr must be a number > 0, got "fast"/ },
  { name: 'grid: --out-dir is a file', run: grid({}), setup: (o) => writeFileSync(o, 'x'), message: /--out-dir .* is a file; pass a folder/ },
  { name: 'report: a results file that does not exist', run: (o) => buildReport({ inputs: [join(fixtures, 'gone.json')], out: o }), message: /result file .*gone\.json does not exist/ },
];

let caseNumber = 0;
/** A fresh folder for one case, its --out path inside, and what the folder holds before the run. */
function prepare(c: { existing?: boolean; setup?: (out: string) => void }): { folder: string; out: string; before: string[] } {
  const folder = join(root, `case-${caseNumber++}`);
  mkdirSync(folder);
  const out = join(folder, 'out.json');
  if (c.existing) writeFileSync(out, 'previous results\n');
  c.setup?.(out);
  return { folder, out, before: readdirSync(folder).sort() };
}

/** Runs `work` with at most `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

describe('bad input, tried: the CLI', () => {
  it(`${CLI_CASES.length} malformed invocations: exit 2, one stderr line, no stack trace, --out untouched`, { timeout: 300_000 }, async () => {
    const failures: string[] = [];
    await pool(CLI_CASES, 3, async (c) => {
      const { folder, out, before } = prepare(c);
      const run = await runCli(c.argv(out));
      const lines = errorLines(run.stderr);
      const problems = [
        run.code !== 2 && `exit code ${run.code}`,
        lines.length !== 1 && `${lines.length} stderr lines`,
        lines.length >= 1 && !c.message.test(lines[0]) && `message ${JSON.stringify(lines[0])} does not match ${c.message}`,
        /\n\s+at /.test(run.stderr) && 'a stack trace',
        run.stdout.trim() !== '' && `stdout ${JSON.stringify(run.stdout.slice(0, 200))}`,
        !c.existing && !c.setup && existsSync(out) && '--out was created',
        c.existing && readFileSync(out, 'utf8') !== 'previous results\n' && '--out was altered',
        JSON.stringify(readdirSync(folder).sort()) !== JSON.stringify(before) && `the folder now holds ${readdirSync(folder).join(', ')}`,
      ].filter(Boolean);
      if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}\n  stderr: ${run.stderr.trim()}`);
    });
    expect(failures).toEqual([]);
  });
});

describe('bad input, tried: the commands in-process', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it.each(COMMAND_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { folder, out, before } = prepare(c);
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    let thrown: unknown;
    await runCommand(() => c.run(out).then(() => undefined)).catch((e) => (thrown = e));
    vi.restoreAllMocks();
    expect(thrown, 'an unexpected error (a bug: exit 1 with a stack trace)').toBeUndefined();
    expect(process.exitCode).toBe(2);
    const lines = written.join('').split('\n').filter((l) => l.trim() !== '' && !/^=+$|TensorFlow\.js in Node|tfjs-node/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^fisherkit: /);
    expect(lines[0]).toMatch(c.message);
    if (c.existing) expect(readFileSync(out, 'utf8')).toBe('previous results\n');
    if (!c.existing && !c.setup) expect(existsSync(out), '--out was created').toBe(false);
    expect(readdirSync(folder).sort()).toEqual(before);
  });
});
