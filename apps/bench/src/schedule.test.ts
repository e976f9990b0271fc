import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { parseSchedule, scaledSchedule, scaledScheduleText } from './schedule.js';

describe('schedules (--lr, --damping)', () => {
  it('plain numbers are constants', () => {
    const s = parseSchedule('1e-3', '--lr');
    expect(s).toMatchObject({ constant: true, initial: 1e-3, text: '1e-3' });
    expect(scaledSchedule(s, 784)).toBeCloseTo(0.784, 15);
    expect(scaledScheduleText(s, 2)).toBe('0.002');
  });

  it('expressions of step and epoch', () => {
    const s = parseSchedule('0.1 * 0.97^epoch', '--lr');
    expect(s.constant).toBe(false);
    expect(s.initial).toBeCloseTo(0.1, 15);
    expect(s.value({ step: 500, epoch: 2 })).toBeCloseTo(0.1 * 0.97 ** 2, 15);
    const scaled = scaledSchedule(s, 10) as (c: { step: number; epoch: number }) => number;
    expect(scaled({ step: 0, epoch: 1 })).toBeCloseTo(0.97, 14);
    expect(scaledScheduleText(s, 10)).toBe('10 * (0.1 * 0.97^epoch)');
    const warm = parseSchedule('min(1e-2, 1e-4 * (step + 1)) + 0 * pi', '--damping');
    expect(warm.value({ step: 9, epoch: 0 })).toBeCloseTo(1e-3, 15);
    expect(warm.value({ step: 1000, epoch: 3 })).toBeCloseTo(1e-2, 15);
    expect(parseSchedule('exp(-step / 100)', '--lr').initial).toBe(1);
  });

  it('rejects bad expressions with the option, the expression and the problem', () => {
    const cases: [string, RegExp][] = [
      ['', /--lr "": empty/],
      ['0.1 * foo', /--lr "0\.1 \* foo": unknown symbol "foo"/],
      ['0.1 * iteration', /unknown symbol "iteration"/],
      ['evaluate("1")', /unknown function "evaluate"/],
      ['0.1 *', /is not a valid expression/],
      ['0', /must be > 0/],
      ['-0.1', /must be > 0/],
      ['step', /gives 0 at step 0; it must be > 0/],
      ['0.1 - epoch - 1', /gives -0\.9 at step 0/],
      ['log(step)', /gives -Infinity at step 0/],
      ['sqrt(-1 - step)', /non-numeric value at step 0/],
      ['0/0 + step', /gives NaN at step 0/],
      ['[1, 2]', /ArrayNode.*not allowed/],
      ['x = 3', /AssignmentNode.*not allowed/],
      ['2 cm', /unknown symbol "cm"/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        parseSchedule(text, '--lr');
      } catch (e) {
        error = e;
      }
      expect(error, text).toBeInstanceOf(CliError);
      expect((error as Error).message, text).toMatch(message);
    }
  });

  it('a value that becomes invalid later is NaN (the optimiser then reports the step)', () => {
    const s = parseSchedule('1 - epoch', '--lr');
    expect(s.value({ step: 0, epoch: 0 })).toBe(1);
    expect(s.value({ step: 0, epoch: 2 })).toBe(-1);
    expect(Number.isNaN(parseSchedule('sqrt(1 - epoch)', '--lr').value({ step: 0, epoch: 5 }))).toBe(true);
  });
});
