import { describe, expect, it } from 'vitest';
import { OptionError } from '@fisherkit/core';
import { NATURAL_GRADIENT_DEFAULTS, resolveNaturalGradientOptions } from './natural-gradient-options.js';

describe('resolveNaturalGradientOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveNaturalGradientOptions()).toEqual(NATURAL_GRADIENT_DEFAULTS);
    const r = resolveNaturalGradientOptions({ tCov: 5, klClip: null, learningRate: () => 0.1 });
    expect(r.tCov).toBe(5);
    expect(r.tInv).toBe(100);
    expect(r.klClip).toBeNull();
    expect(typeof r.learningRate).toBe('function');
    expect(r.decay).toBe(0.95);
    expect(r.momentum).toBe(0.9);
    expect(r.weightDecay).toBe(1e-3);
    expect(r.pi).toBe('tracenorm');
    expect(r.fisher).toBe('sampled');
  });

  it('names unknown options and lists the valid ones', () => {
    expect(() => resolveNaturalGradientOptions({ tcov: 10 } as never)).toThrow(
      /unknown option "tcov"; valid options are learningRate, damping, pi, tCov/,
    );
  });

  it.each([
    [{ learningRate: 0 }, /learningRate must be a finite number > 0/],
    [{ damping: -1e-3 }, /damping must be a finite number > 0/],
    [{ tCov: 0 }, /tCov must be a finite integer >= 1/],
    [{ tInv: 2.5 }, /tInv must be a finite integer/],
    [{ decay: 1 }, /decay must be a finite number >= 0 and < 1/],
    [{ klClip: 0 }, /klClip must be a finite number > 0/],
    [{ momentum: 1.5 }, /momentum/],
    [{ weightDecay: -1 }, /weightDecay/],
    [{ fisherBatchSize: 0 }, /fisherBatchSize/],
    [{ fisher: 'true' }, /fisher must be one of 'sampled', 'empirical'/],
    [{ pi: 1 }, /pi must be one of/],
    [{ nesterov: 'yes' }, /nesterov must be true or false/],
    [{ seed: -1 }, /seed/],
    [{ pluginOptions: 3 }, /pluginOptions must be an object/],
  ])('rejects %o', (options, message) => {
    expect(() => resolveNaturalGradientOptions(options as never)).toThrow(OptionError);
    expect(() => resolveNaturalGradientOptions(options as never)).toThrow(message);
  });
});
