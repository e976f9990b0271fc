import { describe, expect, it } from 'vitest';
import { amortisedPytorchMs, pytorchHere, type PytorchRun } from './pytorch-here.js';

const run: PytorchRun = {
  torch: '1.13.1',
  threads: 2,
  stepMs: { sgd: 60, adam: 70, 'kfac-like': 120, 'rank2-like': 170 },
  refreshMs: { 'kfac-like': 400, 'rank2-like': 700 },
};

describe('PyTorch on this machine', () => {
  it('amortises the counterpart refresh over T steps, and has no counterpart for unknown methods', () => {
    expect(amortisedPytorchMs(run, 'sgd', 100)).toBe(60);
    expect(amortisedPytorchMs(run, 'kpsvd', 100)).toBe(124);
    expect(amortisedPytorchMs(run, 'lanczos', 50)).toBe(184);
    expect(amortisedPytorchMs(run, 'my-plugin', 100)).toBeUndefined();
  });

  it('names the fix when the interpreter cannot run the script', () => {
    expect(() => pytorchHere('/nonexistent/python3', 1)).toThrow(/apt-get install python3-torch.*--python \/usr\/bin\/python3/);
  });
});
