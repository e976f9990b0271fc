import { describe, expect, it } from 'vitest';
import {
  architecture,
  AUTHORS_BEST,
  authorsLossFactor,
  conversionFactors,
  convertKlClip,
  methodPreset,
  PROBLEM_PRESETS,
  problemPreset,
} from './presets.js';
import { resolveTrainConfig } from './train-config.js';

const ng = { kind: 'natural-gradient' as const, plugin: null, approx: null };

describe('presets', () => {
  it("the paper's architectures, losses and batch sizes (MATH.md §7)", () => {
    expect(PROBLEM_PRESETS.mnist.sizes).toEqual([784, 1000, 500, 250, 30, 250, 500, 1000, 784]);
    expect(PROBLEM_PRESETS.curves.sizes).toEqual([784, 400, 200, 100, 50, 25, 6, 25, 50, 100, 200, 400, 784]);
    expect(PROBLEM_PRESETS.faces.sizes).toEqual([625, 2000, 1000, 500, 30, 500, 1000, 2000, 625]);
    expect(PROBLEM_PRESETS['curves-synthetic'].sizes).toEqual(PROBLEM_PRESETS.curves.sizes);
    expect([PROBLEM_PRESETS.mnist.batchSize, PROBLEM_PRESETS.curves.batchSize, PROBLEM_PRESETS.faces.batchSize]).toEqual([512, 256, 1024]);
    expect(PROBLEM_PRESETS.faces).toMatchObject({ loss: 'mse', outputActivation: 'linear', epochs: 200 });
    expect(PROBLEM_PRESETS['fashion-mnist']).toMatchObject({ loss: 'bce', outputActivation: 'sigmoid', paperColumn: 'mnist' });
    expect(() => problemPreset('cifar')).toThrow(/unknown problem "cifar"/);
  });

  it('relu (authors) and logistic (Hinton & Salakhutdinov) hidden units', () => {
    const relu = architecture('mnist', 'relu').activations;
    expect(relu).toEqual(['relu', 'relu', 'relu', 'relu', 'relu', 'relu', 'relu', 'sigmoid']);
    const logistic = architecture('curves', 'logistic').activations;
    expect(logistic[5]).toBe('linear'); // 25 → 6 code layer
    expect(logistic.filter((a) => a === 'linear')).toHaveLength(1);
    expect(logistic.at(-1)).toBe('sigmoid');
    expect(architecture('faces', 'logistic').activations).toEqual(['sigmoid', 'sigmoid', 'sigmoid', 'linear', 'sigmoid', 'sigmoid', 'sigmoid', 'linear']);
  });

  it("the authors' best lr / λ per method and problem", () => {
    expect(AUTHORS_BEST.mnist.kfac).toEqual({ lr: 0.01, damping: 1e-4 });
    expect(AUTHORS_BEST.curves.deflation).toEqual({ lr: 0.1, damping: 0.1 });
    expect(AUTHORS_BEST.curves.lanczos).toEqual({ lr: 0.001, damping: 1e-3 });
    expect(AUTHORS_BEST.faces['kfac-corrected']).toEqual({ lr: 0.1, damping: 0.03 });
    expect(AUTHORS_BEST.faces.sgd).toEqual({ lr: 0.3, damping: null });
    // rank-2 methods: the authors' per-factor λ becomes the product λ² (0.03 → 9e-4); KFAC's √λ per factor carries over
    expect(methodPreset('curves-synthetic', 'kfac-corrected').damping).toBe(9e-4);
    expect(methodPreset('mnist', 'deflation').damping).toBe(1e-6);
    expect(methodPreset('mnist', 'lanczos').source).toMatch(/added to each factor/);
    expect(methodPreset('mnist', 'kfac').damping).toBe(1e-4);
    expect(methodPreset('mnist', 'kpsvd').damping).toBe(1e-4);
    expect(methodPreset('faces', 'my-plugin')).toMatchObject({ lr: 0.1, damping: 1e-3, source: expect.stringMatching(/KFAC's values/) });
  });

  it('loss-scale factor k: d_out for bce, d_out/2 for mse (torch MSELoss has no ½)', () => {
    expect(authorsLossFactor('bce', 784)).toBe(784);
    expect(authorsLossFactor('mse', 625)).toBe(312.5);
    expect(conversionFactors('natural-gradient', 784)).toEqual({ learningRate: 784, damping: 784 ** 2, weightDecay: 1 / 784, epsilon: 1 });
    expect(conversionFactors('sgd', 784)).toMatchObject({ learningRate: 1 / 784, weightDecay: 784 });
    expect(conversionFactors('adam', 312.5)).toMatchObject({ learningRate: 1, weightDecay: 312.5, epsilon: 312.5 });
    expect(convertKlClip(0.01, 78.4)).toBeCloseTo(0.01 * 78.4 ** 2, 10);
  });

  it('resolved configs: paper units converted, native units passed through, CLI overrides', () => {
    const kfac = resolveTrainConfig({ problem: 'mnist' }, { method: 'kfac', ...ng });
    expect(kfac).toMatchObject({ batchSize: 512, epochs: 200, tCov: 100, tInv: 100, momentum: 0.9, fisherBatchSize: 128, pi: 'tracenorm', authorsLossFactor: 784 });
    expect(Number(kfac.learningRate.native)).toBeCloseTo(0.01 * 784, 12);
    expect(Number(kfac.damping!.native)).toBeCloseTo(1e-4 * 784 ** 2, 8);
    expect(Number(kfac.weightDecay.native)).toBeCloseTo(1e-3 / 784, 15);
    expect(Number(kfac.klClip!.native)).toBeCloseTo(0.01 * (0.01 * 784) ** 2, 10);

    const faces = resolveTrainConfig({ problem: 'faces' }, { method: 'deflation', ...ng });
    expect(Number(faces.learningRate.native)).toBeCloseTo(0.003 * 312.5, 12);
    expect(Number(faces.damping!.native)).toBeCloseTo((1e-3) ** 2 * 312.5 ** 2, 10); // per-factor λ squared
    expect(faces.fisherBatchSize).toBe(256);

    const adam = resolveTrainConfig({ problem: 'faces' }, { method: 'adam', kind: 'adam', plugin: null, approx: null });
    expect(adam.learningRate.native).toBe('0.001');
    expect(Number(adam.epsilon!.native)).toBeCloseTo(1e-8 * 312.5, 20);
    expect(adam.weightDecay).toMatchObject({ given: '0', native: '0' });
    const sgdWd = resolveTrainConfig({ problem: 'mnist', weightDecay: '1e-3' }, { method: 'sgd', kind: 'sgd', plugin: null, approx: null });
    expect(Number(sgdWd.weightDecay.native)).toBeCloseTo(1e-3 * 784, 12); // an explicit value is still converted

    const native = resolveTrainConfig({ problem: 'curves', units: 'native', lr: '2', damping: '5' }, { method: 'kpsvd', ...ng });
    expect(native.learningRate).toMatchObject({ given: '2', native: '2', factor: 1 });
    expect(native.damping).toMatchObject({ given: '5', native: '5' });
    expect(Number(native.klClip!.native)).toBeCloseTo(0.01 * 4, 12);

    const overridden = resolveTrainConfig(
      { problem: 'curves', lr: '0.1 * 0.97^epoch', epochs: '3', batchSize: '100', tCov: '7', hidden: 'logistic', momentum: '0.5' },
      { method: 'kfac', ...ng },
    );
    expect(overridden).toMatchObject({ epochs: 3, batchSize: 100, tCov: 7, tInv: 100, fisherBatchSize: 25, hidden: 'logistic', momentum: 0.5 });
    expect(overridden.learningRate).toMatchObject({ given: '0.1 * 0.97^epoch', source: 'cli', native: '784 * (0.1 * 0.97^epoch)' });
  });
});
