import { OptionError } from '@fisherkit/core';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { PROBLEM_NAMES, type ProblemName } from './dataset.js';
import { loadProblem } from './load-problem.js';
import { tempDir } from './testing/temp-dir.js';
import { writeMatV5 } from './testing/write-mat-v5.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('loadProblem', () => {
  it('rejects unknown names, listing the known ones', async () => {
    await expect(loadProblem('cifar' as ProblemName, { seed: 0 })).rejects.toThrow(
      new OptionError(`unknown problem 'cifar'; choose one of ${PROBLEM_NAMES.join(', ')}`),
    );
    await expect(loadProblem('toString' as ProblemName, { seed: 0 })).rejects.toThrow(OptionError);
  });

  it('dispatches to each loader', async () => {
    const mnist = await loadProblem('mnist', { seed: 0, trainSize: 10, validationSize: 5 });
    expect([mnist.name, mnist.train.n, mnist.validation.n]).toEqual(['mnist', 10, 5]);
    const synth = await loadProblem('curves-synthetic', { seed: 0, trainSize: 10 });
    expect(synth.name).toBe('curves-synthetic');
    const file = tmp.path('digs3pts_1.mat');
    writeFileSync(file, writeMatV5([{ name: 'bdata', type: 'double', rows: 10, cols: 784, data: new Array(7840).fill(0.25) }]));
    const curves = await loadProblem('curves', { seed: 0, dataPath: file });
    expect([curves.name, curves.train.n, curves.validation.n]).toEqual(['curves', 8, 2]);
    await expect(loadProblem('faces', { seed: 0 })).rejects.toThrow(DataError);
    await expect(loadProblem('fashion-mnist', { seed: 0 })).rejects.toThrow(/dataset-fashion-mnist/);
  });

  it('validates trainSize and validationSize', async () => {
    await expect(loadProblem('curves-synthetic', { seed: 0, trainSize: 0 })).rejects.toThrow(/trainSize must be a positive integer, got 0/);
    await expect(loadProblem('curves-synthetic', { seed: 0, trainSize: 1.5 })).rejects.toThrow(OptionError);
    await expect(loadProblem('curves-synthetic', { seed: 0, validationSize: 4001 })).rejects.toThrow(/validationSize = 4001 exceeds the 4000 examples/);
    await expect(loadProblem('curves-synthetic', { seed: 1.5 })).rejects.toThrow(/seed must be an integer/);
  });
});
