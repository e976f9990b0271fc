import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyKronecker,
  cholesky,
  FisherkitError,
  fromData,
  fromRows,
  identity,
  kron,
  NonFiniteError,
  NotPositiveDefiniteError,
  OptionError,
  relativeFisherError,
  selectBackend,
  ShapeError,
  spdInverse,
  spdSolve,
  symmetricEigen,
  twoTermKroneckerInverse,
  type Matrix,
} from '@fisherkit/core';
import { DataError, loadCurves, loadFaces, loadIdxFolder, loadMnist, loadProblem, readIdx } from '@fisherkit/datasets';
import { createDenseNetwork, type DenseNetwork } from '@fisherkit/fisher';
import { adam, sgd } from '@fisherkit/first-order';
import kfac from '@fisherkit/kfac';
import kpsvd from '@fisherkit/kpsvd';
import deflation from '@fisherkit/deflation';
import { assertPlugin, naturalGradient, train } from '@fisherkit/preconditioner';
import { matV4 } from './test-support/bad-files.js';

/**
 * Bad input, tried (issue #6) — the public API half. Every row calls one public function with one
 * malformed input and expects a typed {@link FisherkitError} subclass whose message names the
 * problem (`problem`) and says what to do (`fix`). The CLI half is bad-input.test.ts; the number of
 * rows of both tables is stated in docs/reliability.md.
 */
export interface ApiCase {
  name: string;
  run: () => unknown;
  error: new (...args: any[]) => FisherkitError;
  /** The message names the problem… */
  problem: RegExp;
  /** …and the fix. */
  fix: RegExp;
}

const dir = mkdtempSync(join(tmpdir(), 'fisherkit-api-bad-input-'));
const m = (rows: number[][]): Matrix => fromRows(rows);
const spd2 = m([
  [2, 0.5],
  [0.5, 1],
]);
const net = (): DenseNetwork => createDenseNetwork({ sizes: [3, 4, 2], activations: ['relu', 'sigmoid'], loss: 'bce', seed: 0 });
const xy = (rows = 4): { x: Float32Array; y: Float32Array } => ({
  x: Float32Array.from({ length: rows * 3 }, (_, i) => (i % 5) / 5),
  y: Float32Array.from({ length: rows * 2 }, (_, i) => i % 2),
});

/** A file holding `bytes`, in the test's temporary folder. */
const file = (name: string, bytes: string | Uint8Array): string => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

/** An IDX header claiming `count` images of 28 × 28 unsigned bytes, followed by `body` bytes only. */
function idxImages(count: number, body: number): Uint8Array {
  const bytes = new Uint8Array(16 + body);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x00000803);
  view.setUint32(4, count);
  view.setUint32(8, 28);
  view.setUint32(12, 28);
  return bytes;
}

export const API_CASES: ApiCase[] = [
  // ---- core: matrices, linear algebra, Kronecker products
  {
    name: 'fromRows: ragged rows',
    run: () => fromRows([[1, 2], [3]]),
    error: ShapeError,
    problem: /ragged: row 0 has 2 entries but row 1 has 1/,
    fix: /row 0 has 2 entries/,
  },
  {
    name: 'fromData: length does not match rows × cols',
    run: () => fromData(2, 3, new Float64Array(5)),
    error: ShapeError,
    problem: /5 entries but 2 × 3 = 6/,
    fix: /are needed/,
  },
  {
    name: 'cholesky: non-square matrix',
    run: () => cholesky(m([[1, 2, 3], [4, 5, 6]])),
    error: ShapeError,
    problem: /square/,
    fix: /must be square/,
  },
  {
    name: 'cholesky: NaN entry',
    run: () => cholesky(m([[1, NaN], [NaN, 1]])),
    error: NonFiniteError,
    problem: /NaN|non-finite/i,
    fix: /remove NaN\/Infinity/,
  },
  {
    name: 'cholesky: indefinite matrix',
    run: () => cholesky(m([[1, 2], [2, 1]])),
    error: NotPositiveDefiniteError,
    problem: /not positive definite/,
    fix: /add damping/i,
  },
  {
    name: 'spdSolve: right-hand side with the wrong number of rows',
    run: () => spdSolve(spd2, m([[1], [2], [3]])),
    error: ShapeError,
    problem: /row|shape|3/,
    fix: /pass B with one row per unknown/,
  },
  {
    name: 'spdInverse: +Infinity entry',
    run: () => spdInverse(m([[Infinity, 0], [0, 1]])),
    error: NonFiniteError,
    problem: /Infinity|non-finite/i,
    fix: /remove NaN\/Infinity/,
  },
  {
    name: 'symmetricEigen: non-symmetric matrix',
    run: () => symmetricEigen(m([[1, 2], [0, 1]])),
    error: ShapeError,
    problem: /symmetric/,
    fix: /symmetrise it/,
  },
  {
    name: 'kron: NaN factor',
    run: () => kron(m([[NaN]]), identity(2)),
    error: NonFiniteError,
    problem: /NaN|non-finite/i,
    fix: /remove NaN\/Infinity/,
  },
  {
    name: 'applyKronecker: vector of the wrong shape',
    run: () => applyKronecker({ A: identity(3), G: identity(2) }, m([[1, 2], [3, 4]])),
    error: ShapeError,
    problem: /2 × 3|shape/,
    fix: /must be 2 × 3/,
  },
  {
    name: 'twoTermKroneckerInverse: terms of different sizes',
    run: () => twoTermKroneckerInverse({ A: identity(2), G: identity(2) }, { A: identity(3), G: identity(2) }),
    error: ShapeError,
    problem: /differ in size/,
    fix: /2\/2 vs 3\/2/,
  },
  {
    name: 'twoTermKroneckerInverse: unknown inverse rule',
    run: () => twoTermKroneckerInverse({ A: identity(2), G: identity(2) }, { A: identity(2), G: identity(2) }, { rule: 'pinv' as 'abs' }),
    error: OptionError,
    problem: /unknown inverse rule "pinv"/,
    fix: /use "abs" or "exact"/,
  },
  {
    name: 'relativeFisherError: a and g with different numbers of samples',
    run: () => relativeFisherError(m([[1, 2], [3, 4]]), m([[1]]), [{ A: identity(2), G: identity(1) }]),
    error: ShapeError,
    problem: /rows|samples/,
    fix: /pass the same m samples/,
  },
  // ---- preconditioner: naturalGradient options, plug-ins, train
  {
    name: 'naturalGradient: negative damping',
    run: () => naturalGradient(kfac, { damping: -1e-3 }),
    error: OptionError,
    problem: /damping must be a finite number > 0, got -0\.001/,
    fix: /> 0/,
  },
  {
    name: 'naturalGradient: zero damping',
    run: () => naturalGradient(kfac, { damping: 0 }),
    error: OptionError,
    problem: /damping must be a finite number > 0, got 0/,
    fix: /> 0/,
  },
  {
    name: 'naturalGradient: T_cov = 0',
    run: () => naturalGradient(kfac, { tCov: 0 }),
    error: OptionError,
    problem: /tCov must be a finite integer >= 1, got 0/,
    fix: />= 1/,
  },
  {
    name: 'naturalGradient: fractional T_inv',
    run: () => naturalGradient(kfac, { tInv: 2.5 }),
    error: OptionError,
    problem: /tInv must be a finite integer/,
    fix: />= 1/,
  },
  {
    name: 'naturalGradient: NaN learning rate',
    run: () => naturalGradient(kfac, { learningRate: NaN }),
    error: OptionError,
    problem: /learningRate must be a finite number > 0, got NaN/,
    fix: /> 0/,
  },
  {
    name: 'naturalGradient: misspelt option',
    run: () => naturalGradient(kfac, { tcov: 10 } as object),
    error: OptionError,
    problem: /unknown option "tcov"/,
    fix: /valid options are .*tCov/,
  },
  {
    name: 'naturalGradient: unknown plug-in option for kpsvd',
    run: () => naturalGradient(kpsvd, { pluginOptions: { iterations: 3 } as object }),
    error: OptionError,
    problem: /iterations/,
    fix: /valid options are tol, maxIterations/,
  },
  {
    name: 'naturalGradient: kfac given plug-in options',
    run: () => naturalGradient(kfac, { pluginOptions: { rank: 2 } as object }),
    error: OptionError,
    problem: /kfac has no plug-in options, got "rank"/,
    fix: /set damping, pi, tCov and tInv on naturalGradient/,
  },
  {
    name: 'naturalGradient: deflation with an unknown inverse rule',
    run: () => naturalGradient(deflation, { pluginOptions: { inverse: 'pinv' } as object }),
    error: OptionError,
    problem: /inverse/,
    fix: /abs|exact/,
  },
  {
    name: 'naturalGradient: a plug-in of the wrong shape',
    run: () => naturalGradient({ id: 'Not Kebab', title: 'x' } as never),
    error: OptionError,
    problem: /not a valid fisherkit approximation/,
    fix: /createBlock/,
  },
  {
    name: 'naturalGradient: no plug-in at all',
    run: () => naturalGradient(undefined as never),
    error: OptionError,
    problem: /not a valid fisherkit approximation|plug-in/,
    fix: /expected an object with id, title, reference, defaults and createBlock/,
  },
  {
    name: 'assertPlugin: default export of a module that is a function',
    run: () => assertPlugin(() => 0, 'my-approx.mjs'),
    error: OptionError,
    problem: /my-approx\.mjs/,
    fix: /expected an object with id, title, reference, defaults and createBlock/,
  },
  {
    name: 'sgd: negative momentum',
    run: () => sgd({ learningRate: 0.1, momentum: -0.5 }),
    error: OptionError,
    problem: /momentum/,
    fix: />= 0/,
  },
  {
    name: 'adam: zero learning rate',
    run: () => adam({ learningRate: 0 }),
    error: OptionError,
    problem: /learningRate/,
    fix: /> 0/,
  },
  {
    name: 'train: x with a number of values that is not a multiple of the input width',
    run: () => train(net(), sgd({ learningRate: 0.1 }), { x: new Float32Array(10), y: new Float32Array(8) }, { epochs: 1, batchSize: 2, seed: 0 }),
    error: ShapeError,
    problem: /data\.x has 10 values, not a multiple of 3 columns/,
    fix: /pass rows of 3 values/,
  },
  {
    name: 'train: x and y with different row counts',
    run: () => train(net(), sgd({ learningRate: 0.1 }), { x: xy(4).x, y: xy(3).y }, { epochs: 1, batchSize: 2, seed: 0 }),
    error: ShapeError,
    problem: /data\.x has 4 rows but data\.y has 3/,
    fix: /one target row per input row/,
  },
  {
    name: 'train: NaN in the inputs',
    run: () => {
      const { x, y } = xy();
      x[5] = NaN;
      return train(net(), sgd({ learningRate: 0.1 }), { x, y }, { epochs: 1, batchSize: 4, seed: 0 });
    },
    error: NonFiniteError,
    problem: /data\.x has a non-finite entry NaN at row 1, column 2/,
    fix: /remove or impute/,
  },
  {
    name: 'train: +Infinity in the targets',
    run: () => {
      const { x, y } = xy();
      y[0] = Infinity;
      return train(net(), naturalGradient(kfac, { tCov: 1, tInv: 1 }), { x, y }, { epochs: 1, batchSize: 4, seed: 0 });
    },
    error: NonFiniteError,
    problem: /non-finite entry Infinity/,
    fix: /remove or impute/,
  },
  {
    name: 'train: batchSize 0',
    run: () => train(net(), sgd({ learningRate: 0.1 }), xy(), { epochs: 1, batchSize: 0, seed: 0 }),
    error: OptionError,
    problem: /batchSize must be a finite integer >= 1, got 0/,
    fix: />= 1/,
  },
  {
    name: 'train: resumeFrom that is not a training state',
    run: () => train(net(), sgd({ learningRate: 0.1 }), xy(), { epochs: 1, batchSize: 4, seed: 0, resumeFrom: { kind: 'other' } as never }),
    error: OptionError,
    problem: /resumeFrom is not a TrainingState/,
    fix: /kind must be "training-state"/,
  },
  // ---- fisher: networks
  {
    name: 'createDenseNetwork: a zero layer width',
    run: () => createDenseNetwork({ sizes: [3, 0, 2], activations: ['relu', 'sigmoid'], loss: 'bce', seed: 0 }),
    error: OptionError,
    problem: /sizes is \[3,0,2\]/,
    fix: /positive integer layer widths/,
  },
  {
    name: 'createDenseNetwork: one activation too few',
    run: () => createDenseNetwork({ sizes: [3, 4, 2], activations: ['sigmoid'], loss: 'bce', seed: 0 }),
    error: OptionError,
    problem: /activations has 1 entries but sizes describe 2 layer/,
    fix: /one activation per layer/,
  },
  {
    name: 'createDenseNetwork: unknown activation',
    run: () => createDenseNetwork({ sizes: [3, 4, 2], activations: ['swish' as 'relu', 'sigmoid'], loss: 'bce', seed: 0 }),
    error: OptionError,
    problem: /swish/,
    fix: /use one of relu, sigmoid, tanh, linear/,
  },
  {
    name: 'createDenseNetwork: loss that does not match the output activation',
    run: () => createDenseNetwork({ sizes: [3, 4, 2], activations: ['relu', 'linear'], loss: 'bce', seed: 0 }),
    error: OptionError,
    problem: /bce/,
    fix: /sigmoid/,
  },
  {
    name: 'network.step: a batch of the wrong width',
    run: () => {
      const model = net();
      const opt = sgd({ learningRate: 0.1 });
      const x = tf.zeros([2, 5]) as tf.Tensor2D;
      const y = tf.zeros([2, 2]) as tf.Tensor2D;
      try {
        return opt.step(model, x, y, { step: 0, epoch: 0 });
      } finally {
        tf.dispose([x, y]);
        opt.dispose();
        model.dispose();
      }
    },
    error: ShapeError,
    problem: /\[2, 5\] but must be \[batch, 3\]/,
    fix: /reshape/,
  },
  // ---- datasets: unknown problems, missing and corrupt files
  {
    name: 'loadProblem: unknown problem',
    run: () => loadProblem('cifar' as 'mnist', { seed: 0 }),
    error: OptionError,
    problem: /unknown problem 'cifar'/,
    fix: /choose one of mnist/,
  },
  {
    name: 'loadProblem: trainSize 0',
    run: () => loadProblem('curves-synthetic', { seed: 0, trainSize: 0 }),
    error: OptionError,
    problem: /trainSize/,
    fix: /positive integer/,
  },
  {
    name: 'loadCurves: no data file given',
    run: () => loadCurves({ seed: 0 }),
    error: DataError,
    problem: /CURVES data file not given/,
    fix: /pass --data|curves-synthetic/,
  },
  {
    name: 'loadCurves: data file does not exist',
    run: () => loadCurves({ seed: 0, dataPath: join(dir, 'missing.mat') }),
    error: DataError,
    problem: /missing\.mat/,
    fix: /--data|digs3pts_1\.mat/,
  },
  {
    name: 'loadCurves: corrupt data file (not a MAT-file)',
    run: () => loadCurves({ seed: 0, dataPath: file('garbage.mat', 'this is not a MAT-file at all, just text\n'.repeat(8)) }),
    error: DataError,
    problem: /garbage\.mat/,
    fix: /pass --data/,
  },
  {
    name: 'loadCurves: truncated MAT-file',
    run: () => loadCurves({ seed: 0, dataPath: file('truncated.mat', matV4('bdata', 4, 784, () => 0.5).subarray(0, 3000)) }),
    error: DataError,
    problem: /truncated\.mat/,
    fix: /pass --data/,
  },
  {
    name: 'loadCurves: matrix of the wrong shape (100 features, not 784)',
    run: () => loadCurves({ seed: 0, dataPath: file('narrow.mat', matV4('bdata', 10, 100, () => 0.5)) }),
    error: DataError,
    problem: /784/,
    fix: /Name the variable/,
  },
  {
    name: 'loadCurves: NaN pixel',
    run: () => loadCurves({ seed: 0, dataPath: file('nan.mat', matV4('bdata', 10, 784, (i) => (i === 17 ? NaN : 0.5))) }),
    error: DataError,
    problem: /is NaN/,
    fix: /must be finite/,
  },
  {
    name: 'loadFaces: data file does not exist',
    run: () => loadFaces({ seed: 0, dataPath: join(dir, 'no-faces.mat') }),
    error: DataError,
    problem: /no-faces\.mat/,
    fix: /pass --data/,
  },
  {
    name: 'loadMnist: folder without IDX files',
    run: () => loadMnist({ seed: 0, dataPath: mkdtempSync(join(dir, 'empty-')) }),
    error: DataError,
    problem: /empty-/,
    fix: /pass --data|npm install/,
  },
  {
    name: 'loadIdxFolder: truncated IDX image file',
    run: () => {
      const folder = mkdtempSync(join(dir, 'idx-'));
      writeFileSync(join(folder, 'train-images-idx3-ubyte'), idxImages(10, 784 * 3));
      return loadIdxFolder({ seed: 0, dataPath: folder });
    },
    error: DataError,
    problem: /train-images-idx3-ubyte is truncated: dimensions \[10, 28, 28\] need 7856 bytes/,
    fix: /the file has 2368/,
  },
  {
    name: 'loadMnist: truncated IDX image file in --data',
    run: () => {
      const folder = mkdtempSync(join(dir, 'mnist-'));
      writeFileSync(join(folder, 'train-images-idx3-ubyte'), idxImages(10, 784 * 3));
      return loadMnist({ seed: 0, dataPath: folder });
    },
    error: DataError,
    problem: /is truncated/,
    fix: /pass --data|npm install/,
  },
  {
    name: 'readIdx: bad magic number',
    run: () => readIdx(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 1, 9])),
    error: DataError,
    problem: /magic|IDX/,
    fix: /should be 0x00000803/,
  },
];

describe('bad input, tried: the public API', () => {
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
  });
  afterAll(() => undefined);

  it.each(API_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    let error: unknown = null;
    try {
      await c.run();
    } catch (e) {
      error = e;
    }
    expect(error, 'expected a typed error').toBeInstanceOf(FisherkitError);
    expect(error, `${(error as Error).constructor.name}: ${(error as Error).message}`).toBeInstanceOf(c.error);
    const message = (error as Error).message;
    expect(message).toMatch(c.problem);
    expect(message).toMatch(c.fix);
    expect(message).not.toMatch(/\n\s+at /);
  });
});
