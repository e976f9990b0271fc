import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainingState } from '@fisherkit/preconditioner';
import { writeCheckpoint } from '../checkpoint-file.js';

/**
 * A MATLAB level-4 file of one double matrix `name` (rows × cols, column-major values from
 * `value(i)`): the smallest file `--problem curves --data` reads.
 * @example `writeFileSync('nan.mat', matV4('bdata', 10, 784, (i) => (i === 3 ? NaN : 0.5)))`
 */
export function matV4(name: string, rows: number, cols: number, value: (i: number) => number): Uint8Array {
  const label = new TextEncoder().encode(`${name}\0`);
  const bytes = new Uint8Array(20 + label.length + 8 * rows * cols);
  const view = new DataView(bytes.buffer);
  [0, rows, cols, 0, label.length].forEach((x, i) => view.setInt32(4 * i, x, true));
  bytes.set(label, 20);
  for (let i = 0; i < rows * cols; i++) view.setFloat64(20 + label.length + 8 * i, value(i), true);
  return bytes;
}

/**
 * A small but complete training state (what `train()` hands to `checkpoint.save`) at `step`.
 * @example `writeCheckpoint(path, fakeTrainingState(3), config, 'epoch')`
 */
export function fakeTrainingState(step: number): TrainingState {
  return {
    kind: 'training-state',
    epoch: 1,
    stepInEpoch: 0,
    step,
    rng: [1, 2, 3, 4] as unknown as TrainingState['rng'],
    epochLossSum: 0,
    epochSamples: 0,
    seconds: 1.5,
    weights: [[0.25, -0.5, 0.125]],
    optimizer: { kind: 'test', layers: [{ A: new Float64Array([1, 2, 3, Math.PI]) }] } as unknown as TrainingState['optimizer'],
    history: [{ epoch: 0, trainLoss: 1.25, valLoss: null, seconds: 1.5, cpuSeconds: 1 }],
  };
}

/** The files of a checkpoint written by {@link writeBadCheckpoint}. */
export interface CheckpointFiles {
  /** `<out>.checkpoint.json` */
  manifest: string;
  /** Its `.bin` payload. */
  payload: string;
  /** `<out>`: the results file the checkpoint belongs to (not written). */
  out: string;
}

/**
 * Writes a real checkpoint (writeCheckpoint) of a fake state for `<folder>/<name>` and then damages
 * it as asked: `manifest-truncated`, `payload-truncated`, `payload-flipped` (one byte changed, same
 * length), `payload-missing`, or `none`.
 *
 * @example `const { manifest } = writeBadCheckpoint(dir, 'run.json', 'payload-truncated')`
 */
export function writeBadCheckpoint(
  folder: string,
  name: string,
  damage: 'none' | 'manifest-truncated' | 'payload-truncated' | 'payload-flipped' | 'payload-missing',
  config: unknown = { problem: 'curves-synthetic', method: 'kfac' },
): CheckpointFiles {
  mkdirSync(folder, { recursive: true });
  const out = join(folder, name);
  const manifest = `${out}.checkpoint.json`;
  const state = fakeTrainingState(9);
  writeCheckpoint(manifest, state, config, 'epoch');
  const payload = join(folder, JSON.parse(readFileSync(manifest, 'utf8')).payload);
  if (damage === 'manifest-truncated') {
    const text = readFileSync(manifest, 'utf8');
    writeFileSync(manifest, text.slice(0, Math.floor(text.length / 2)));
  } else if (damage === 'payload-truncated') {
    truncateSync(payload, Math.floor(readFileSync(payload).length / 2));
  } else if (damage === 'payload-flipped') {
    const bytes = readFileSync(payload);
    bytes[bytes.length - 9] ^= 0x40; // inside the last Float64 of the optimizer state
    writeFileSync(payload, bytes);
  } else if (damage === 'payload-missing') {
    rmSync(payload);
  }
  return { manifest, payload, out };
}
