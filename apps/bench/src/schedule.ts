import { parse, type MathNode } from 'mathjs';
import type { Schedule } from '@fisherkit/preconditioner';
import { CliError } from './cli-error.js';

/** The variables a schedule expression may use (both 0-based, as in the optimiser's step context). */
export const SCHEDULE_VARIABLES = ['step', 'epoch'] as const;

/** Constants allowed in expressions besides the variables. */
const CONSTANTS = new Set(['pi', 'e']);

/** Functions allowed in expressions: scalar mathematics only. */
const FUNCTIONS = new Set([
  'exp', 'log', 'log10', 'log2', 'sqrt', 'cbrt', 'pow', 'abs', 'min', 'max', 'floor', 'ceil', 'round',
  'sin', 'cos', 'tan', 'tanh', 'sign', 'mod',
]);

/** A validated schedule: the user's text, and a function (or constant) of the step context. */
export interface ParsedSchedule {
  /** The expression as given (e.g. `0.1 * 0.97^epoch`). */
  text: string;
  /** True when the text is a plain number. */
  constant: boolean;
  /** Value at step 0, epoch 0. */
  initial: number;
  /** `value(ctx)` with `ctx = {step, epoch}`; NaN when the expression does not give a real number. */
  value: (ctx: { step: number; epoch: number }) => number;
}

/**
 * Parses `--lr` / `--damping`: a number or a mathjs expression of `step` and `epoch` (0-based),
 * e.g. `0.1 * 0.97^epoch` or `min(1e-3, 1e-5 * (step + 1))`. Validated at startup: syntax, unknown
 * symbols or functions, and the value at step 0 (must be a finite real number > 0) — each failure is
 * a CliError quoting the option, the expression and the problem.
 *
 * @example
 * ```ts
 * const lr = parseSchedule('0.1 * 0.97^epoch', '--lr');
 * lr.value({ step: 0, epoch: 2 }); // 0.09409
 * ```
 */
export function parseSchedule(text: string, option: string): ParsedSchedule {
  const source = String(text).trim();
  const fail = (problem: string): never => {
    throw new CliError(`${option} "${source}": ${problem}`);
  };
  if (source === '') fail('empty; give a number > 0 or an expression of step and epoch such as "0.1 * 0.97^epoch"');
  const asNumber = Number(source);
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(source) && Number.isFinite(asNumber)) {
    if (!(asNumber > 0)) fail('must be > 0');
    return { text: source, constant: true, initial: asNumber, value: () => asNumber };
  }
  let node: MathNode;
  try {
    node = parse(source);
  } catch (err) {
    return fail(`is not a valid expression (${(err as Error).message})`);
  }
  node.traverse((n, path, parent) => {
    if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      const isFunctionName = path === 'fn' && parent?.type === 'FunctionNode';
      if (isFunctionName) {
        if (!FUNCTIONS.has(name)) fail(`unknown function "${name}"; use ${[...FUNCTIONS].join(', ')}`);
      } else if (!(SCHEDULE_VARIABLES as readonly string[]).includes(name) && !CONSTANTS.has(name)) {
        fail(`unknown symbol "${name}"; an expression may use only step and epoch (0-based) and the constants pi and e`);
      }
    } else if (!['OperatorNode', 'ConstantNode', 'ParenthesisNode', 'FunctionNode', 'ConditionalNode'].includes(n.type)) {
      fail(`"${n.toString()}" (${n.type}) is not allowed; use arithmetic on step and epoch`);
    }
  });
  const compiled = node.compile();
  const value = (ctx: { step: number; epoch: number }): number => {
    let v: unknown;
    try {
      v = compiled.evaluate({ step: ctx.step, epoch: ctx.epoch });
    } catch {
      return NaN;
    }
    return typeof v === 'number' ? v : NaN;
  };
  let first: unknown;
  try {
    first = compiled.evaluate({ step: 0, epoch: 0 });
  } catch (err) {
    return fail(`cannot be evaluated at step 0 (${(err as Error).message})`);
  }
  if (typeof first !== 'number') fail(`gives a non-numeric value at step 0 (${String(first)}); it must give a real number`);
  const initial = first as number;
  if (!Number.isFinite(initial)) fail(`gives ${initial} at step 0; it must be a finite number > 0`);
  if (!(initial > 0)) fail(`gives ${initial} at step 0; it must be > 0`);
  return { text: source, constant: false, initial, value };
}

/**
 * The optimiser's {@link Schedule} for a parsed schedule times a unit-conversion factor:
 * a number for a constant, else `ctx => factor · value(ctx)`.
 *
 * @example `scaledSchedule(parseSchedule('0.1', '--lr'), 784) // 78.4`
 */
export function scaledSchedule(schedule: ParsedSchedule, factor: number): Schedule {
  if (schedule.constant) return schedule.initial * factor;
  return (ctx) => factor * schedule.value(ctx);
}

/**
 * The text of a scaled schedule, for the results file: `78.4` or `784 * (0.1 * 0.97^epoch)`.
 * @example `scaledScheduleText(parseSchedule('0.1*0.97^epoch', '--lr'), 784)`
 */
export function scaledScheduleText(schedule: ParsedSchedule, factor: number): string {
  if (schedule.constant) return String(schedule.initial * factor);
  return factor === 1 ? schedule.text : `${factor} * (${schedule.text})`;
}
