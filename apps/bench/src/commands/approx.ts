import * as tf from '@tensorflow/tfjs-core';
import type { Command } from 'commander';
import { fromData, relativeFisherError, selectBackend, toRows, transpose, type Matrix } from '@fisherkit/core';
import type { CurvatureBlock } from '@fisherkit/preconditioner';
import { approximationById, APPROXIMATION_IDS } from '../approximations.js';
import { CliError, runCommand } from '../cli-error.js';
import { matrixField, readJsonFile } from '../json-input.js';
import { singularValueError } from '../singular-value-error.js';

/** Options of `fisherkit approx`, as parsed. */
export interface ApproxOptions {
  method: string;
  input: string;
  damping?: string;
  pi: string;
  inverse: string;
}

/** The JSON printed by `fisherkit approx`. */
export interface ApproxOutput {
  method: string;
  terms: { A: number[][]; G: number[][] }[];
  error1: number;
  error2: number | null;
  preconditioned?: number[][];
}

/**
 * `fisherkit approx`: one approximation of the Fisher block `F = (1/m) Σ (a_i a_iᵀ) ⊗ (g_i g_iᵀ)`
 * from given `a`, `g`, with Error 1 `‖F − F̃‖_F/‖F‖_F`, Error 2 (sorted singular values) and,
 * with `v` and a damping, the method's damped inverse applied to `v` (d_g × d_a).
 *
 * @example `computeApprox({ method: 'kpsvd', input: 'layer.json', pi: 'tracenorm', inverse: 'abs' })`
 */
export async function computeApprox(options: ApproxOptions): Promise<ApproxOutput> {
  const plugin = approximationById(options.method);
  if (options.pi !== 'tracenorm' && options.pi !== 'one') throw new CliError(`--pi must be tracenorm or one, got "${options.pi}"`);
  if (options.inverse !== 'abs' && options.inverse !== 'exact') {
    throw new CliError(`--inverse must be abs or exact, got "${options.inverse}"`);
  }
  const lambda = options.damping === undefined ? undefined : Number(options.damping);
  if (lambda !== undefined && !(Number.isFinite(lambda) && lambda > 0)) {
    throw new CliError(`--damping must be a number > 0, got "${options.damping}"`);
  }
  const input = readJsonFile(options.input);
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new CliError('the input must be a JSON object {"a": number[m][d_a], "g": number[m][d_g], "v"?: number[d_g][d_a]}');
  }
  const fields = input as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((k) => !['a', 'g', 'v'].includes(k));
  if (unknown.length) throw new CliError(`unknown input field "${unknown[0]}"; the input has fields a, g and optionally v`);
  const a = matrixField(fields, 'a');
  const g = matrixField(fields, 'g');
  if (a.rows !== g.rows) throw new CliError(`"a" has ${a.rows} rows but "g" has ${g.rows}; both need one row per sample (same m)`);
  const v = fields.v === undefined ? undefined : matrixField(fields, 'v', [g.cols, a.cols]);

  const pluginOptions = { ...plugin.defaults, ...('inverse' in plugin.defaults ? { inverse: options.inverse } : {}) };
  plugin.validateOptions?.(pluginOptions);
  await selectBackend();
  const block = plugin.createBlock({ index: 0, name: 'input', inputSize: a.cols - 1, outputSize: g.cols }, pluginOptions);
  try {
    block.updateStatistics({ a, g }, 0);
    const terms = block.terms();
    const output: ApproxOutput = {
      method: plugin.id,
      terms: terms.map((t) => ({ A: toRows(t.A), G: toRows(t.G) })),
      error1: relativeFisherError(a, g, terms),
      error2: singularValueError(a, g, terms),
    };
    if (v && lambda !== undefined) {
      block.updateInverse({ lambda, pi: options.pi });
      output.preconditioned = toRows(transpose(await preconditionExact(block, transpose(v))));
    } else if (v || lambda !== undefined) {
      process.stderr.write('fisherkit: note: "preconditioned" needs both "v" in the input and --damping; it is omitted\n');
    }
    return output;
  } finally {
    block.dispose();
  }
}

async function preconditionExact(block: CurvatureBlock, grad: Matrix): Promise<Matrix> {
  if (block.preconditionExact) return block.preconditionExact(grad);
  const result = tf.tidy(() => block.precondition(tf.tensor2d(Float32Array.from(grad.data), [grad.rows, grad.cols])));
  const data = Float64Array.from(await result.data());
  result.dispose();
  return fromData(grad.rows, grad.cols, data);
}

/** Registers `fisherkit approx` on the program. */
export function registerApprox(program: Command): void {
  program
    .command('approx')
    .description('approximate one Fisher block from per-sample a_i, g_i and print the terms and errors as JSON')
    .requiredOption('--method <method>', `one of ${APPROXIMATION_IDS.join(', ')}`)
    .requiredOption('--input <file>', 'JSON {"a": number[m][d_a], "g": number[m][d_g], "v"?: number[d_g][d_a]}')
    .option('--damping <lambda>', 'damping λ > 0 for the preconditioned v')
    .option('--pi <rule>', 'tracenorm or one', 'tracenorm')
    .option('--inverse <rule>', 'two-term inverse rule: abs or exact', 'abs')
    .action((options: ApproxOptions) =>
      runCommand(async () => {
        const output = await computeApprox(options);
        process.stdout.write(`${JSON.stringify(output)}\n`);
      }),
    );
}
