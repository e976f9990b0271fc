import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { TrainingState } from '@fisherkit/preconditioner';
import { CliError } from './cli-error.js';
import { writeFileAtomic, writeJsonAtomic } from './results-file.js';

/** The JSON part of a training checkpoint (`<out>.checkpoint.json`). */
export interface CheckpointManifest<C = unknown> {
  kind: 'fisherkit-train-checkpoint';
  version: 1;
  /** Epochs finished and global steps taken when it was written. */
  epoch: number;
  stepInEpoch: number;
  step: number;
  /** Why it was written: `epoch`, `SIGINT`, `SIGTERM`. */
  reason: string;
  /** The run's resolved configuration (restored by `--resume`). */
  config: C;
  /** File name (same folder) of the binary training state. */
  payload: string;
  payloadBytes: number;
}

/**
 * The checkpoint path of a results file: `<out>.checkpoint.json`.
 * @example `checkpointPath('runs/kfac.json') // 'runs/kfac.json.checkpoint.json'`
 */
export function checkpointPath(out: string): string {
  return `${out}.checkpoint.json`;
}

/**
 * Writes a checkpoint atomically. The training state (model weights, momentum, every block's
 * Float64 factors and inverses: hundreds of MB for FACES, beyond a JavaScript string) is
 * serialised with `v8.serialize` — exact for Float64Array and numbers — into
 * `<manifest>.<step>.bin`; then the small JSON manifest that names it is renamed into place; then
 * older payloads are removed. A crash at any point leaves a manifest that names a complete payload.
 *
 * @example `writeCheckpoint('run.json.checkpoint.json', state, config, 'epoch')`
 */
export function writeCheckpoint<C>(path: string, state: TrainingState, config: C, reason: string): void {
  const payload = `${basename(path)}.${state.step}.bin`;
  const bytes = serialize(state);
  writeFileAtomic(join(dirname(path), payload), bytes);
  const manifest: CheckpointManifest<C> = {
    kind: 'fisherkit-train-checkpoint',
    version: 1,
    epoch: state.epoch,
    stepInEpoch: state.stepInEpoch,
    step: state.step,
    reason,
    config,
    payload,
    payloadBytes: bytes.length,
  };
  writeJsonAtomic(path, manifest);
  const prefix = `${basename(path)}.`;
  for (const entry of readdirSync(dirname(path))) {
    if (entry !== payload && entry.startsWith(prefix) && entry.endsWith('.bin')) rmSync(join(dirname(path), entry), { force: true });
  }
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}: the manifest and its training state.
 * Missing or damaged files are a CliError naming the file.
 *
 * @example `const { manifest, state } = readCheckpoint('run.json.checkpoint.json')`
 */
export function readCheckpoint<C>(path: string): { manifest: CheckpointManifest<C>; state: TrainingState } {
  let manifest: CheckpointManifest<C>;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as CheckpointManifest<C>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new CliError(
      code === 'ENOENT' ? `checkpoint ${path} does not exist` : `checkpoint ${path} is not readable JSON: ${(err as Error).message}`,
    );
  }
  if (manifest?.kind !== 'fisherkit-train-checkpoint' || typeof manifest.payload !== 'string') {
    throw new CliError(`${path} is not a fisherkit training checkpoint (written as <out>.checkpoint.json by fisherkit train)`);
  }
  let state: TrainingState;
  try {
    state = deserialize(readFileSync(join(dirname(path), manifest.payload))) as TrainingState;
  } catch (err) {
    throw new CliError(`checkpoint ${path}: cannot read its state file ${manifest.payload}: ${(err as Error).message}`);
  }
  if (state?.kind !== 'training-state') throw new CliError(`checkpoint ${path}: ${manifest.payload} does not hold a training state`);
  return { manifest, state };
}
