import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { TrainingState } from '@fisherkit/preconditioner';
import { CliError } from './cli-error.js';
import { readJsonStrict, writeFileAtomic, writeJsonAtomic } from './results-file.js';

/** The suffix of a checkpoint manifest: `<out>.checkpoint.json`. */
export const CHECKPOINT_SUFFIX = '.checkpoint.json';

/** The JSON part of a training checkpoint (`<out>.checkpoint.json`). */
export interface CheckpointManifest<C = unknown> {
  kind: 'fisherkit-train-checkpoint';
  /** 2 records `payloadSha256`; 1 (older runs) only `payloadBytes`. */
  version: 1 | 2;
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
  /** Length of the payload file in bytes (a shorter file is truncated). */
  payloadBytes: number;
  /** SHA-256 of the payload file, hex (a different one means the file is corrupt). Version 2. */
  payloadSha256?: string;
}

/**
 * The checkpoint path of a results file: `<out>.checkpoint.json`.
 * @example `checkpointPath('runs/kfac.json') // 'runs/kfac.json.checkpoint.json'`
 */
export function checkpointPath(out: string): string {
  return `${out}${CHECKPOINT_SUFFIX}`;
}

/**
 * Writes a checkpoint atomically. The training state (model weights, momentum, every block's
 * Float64 factors and inverses: hundreds of MB for FACES, beyond a JavaScript string) is
 * serialised with `v8.serialize` — exact for Float64Array and numbers — into
 * `<manifest>.<step>.bin`; then the small JSON manifest that names it is renamed into place; then
 * older payloads are removed. A crash at any point leaves a manifest that names a complete payload.
 * The manifest records the payload's length and SHA-256, so {@link readCheckpoint} detects a
 * payload truncated or altered afterwards.
 *
 * @example `writeCheckpoint('run.json.checkpoint.json', state, config, 'epoch')`
 */
export function writeCheckpoint<C>(path: string, state: TrainingState, config: C, reason: string): void {
  const payload = `${basename(path)}.${state.step}.bin`;
  const bytes = serialize(state);
  writeFileAtomic(join(dirname(path), payload), bytes);
  const manifest: CheckpointManifest<C> = {
    kind: 'fisherkit-train-checkpoint',
    version: 2,
    epoch: state.epoch,
    stepInEpoch: state.stepInEpoch,
    step: state.step,
    reason,
    config,
    payload,
    payloadBytes: bytes.length,
    payloadSha256: sha256(bytes),
  };
  writeJsonAtomic(path, manifest);
  const prefix = `${basename(path)}.`;
  for (const entry of readdirSync(dirname(path))) {
    if (entry !== payload && entry.startsWith(prefix) && entry.endsWith('.bin')) rmSync(join(dirname(path), entry), { force: true });
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Reads a checkpoint written by {@link writeCheckpoint}: the manifest and its training state. Every
 * damage is a one-line CliError naming the file and what to do, and nothing of a damaged checkpoint
 * is used: a missing or unparsable manifest, a manifest of another kind or version, a missing
 * payload, a payload shorter or longer than recorded (truncated), one whose SHA-256 differs from
 * the recorded one (corrupt), one that does not deserialise or does not hold the recorded step.
 *
 * @example `const { manifest, state } = readCheckpoint('run.json.checkpoint.json')`
 */
export function readCheckpoint<C>(path: string): { manifest: CheckpointManifest<C>; state: TrainingState } {
  const restart = 'start the run again without --resume (or restore the file from a copy)';
  const manifest = readJsonStrict(path, 'checkpoint', restart) as CheckpointManifest<C> | null;
  if (manifest === null || typeof manifest !== 'object' || manifest.kind !== 'fisherkit-train-checkpoint') {
    throw new CliError(`${path} is not a fisherkit training checkpoint (written as <out>${CHECKPOINT_SUFFIX} by fisherkit train)`);
  }
  if (manifest.version !== 1 && manifest.version !== 2) {
    throw new CliError(`checkpoint ${path} has version ${JSON.stringify(manifest.version)}; this fisherkit reads versions 1 and 2 — resume it with the fisherkit that wrote it`);
  }
  const payloadOk =
    typeof manifest.payload === 'string' && manifest.payload !== '' && basename(manifest.payload) === manifest.payload && isCount(manifest.payloadBytes);
  const shaOk = manifest.version === 1 || (typeof manifest.payloadSha256 === 'string' && /^[0-9a-f]{64}$/.test(manifest.payloadSha256));
  if (!payloadOk || !shaOk || !isCount(manifest.epoch) || !isCount(manifest.step) || !isCount(manifest.stepInEpoch) || manifest.config == null) {
    throw new CliError(`checkpoint ${path} is corrupt: its fields (payload, payloadBytes, payloadSha256, epoch, step, config) are missing or malformed; ${restart}`);
  }
  const payloadPath = join(dirname(path), manifest.payload);
  let bytes: Buffer;
  try {
    bytes = readFileSync(payloadPath);
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new CliError(
      code === 'ENOENT'
        ? `checkpoint ${path}: its state file ${manifest.payload} is missing (it must lie beside the checkpoint); ${restart}`
        : `checkpoint ${path}: cannot read its state file ${manifest.payload}: ${(err as Error).message}`,
    );
  }
  if (bytes.length !== manifest.payloadBytes) {
    const how = bytes.length < manifest.payloadBytes ? 'truncated' : 'corrupt';
    throw new CliError(`checkpoint ${path}: its state file ${manifest.payload} is ${how}: ${bytes.length} bytes, the checkpoint records ${manifest.payloadBytes}; ${restart}`);
  }
  if (manifest.version === 2 && sha256(bytes) !== manifest.payloadSha256) {
    throw new CliError(`checkpoint ${path}: its state file ${manifest.payload} is corrupt: its SHA-256 differs from the one the checkpoint records; ${restart}`);
  }
  let state: TrainingState;
  try {
    state = deserialize(bytes) as TrainingState;
  } catch (err) {
    throw new CliError(`checkpoint ${path}: its state file ${manifest.payload} is corrupt (${(err as Error).message}); ${restart}`);
  }
  if (state?.kind !== 'training-state' || state.step !== manifest.step || state.epoch !== manifest.epoch) {
    throw new CliError(`checkpoint ${path}: ${manifest.payload} does not hold the training state of step ${manifest.step}; ${restart}`);
  }
  return { manifest, state };
}

/** Where `--resume <path>` points: the checkpoint manifest, and the results file of the run. */
export interface ResumeTarget {
  checkpoint: string;
  /** The results file the checkpoint belongs to (`<out>` of `<out>.checkpoint.json`): the default --out; null for a checkpoint named otherwise. */
  results: string | null;
}

/**
 * Resolves `fisherkit train --resume <path>`: a checkpoint manifest (`<out>.checkpoint.json`), a
 * results file `<out>` (its checkpoint is `<out>.checkpoint.json`), or a folder holding exactly one
 * checkpoint. Anything else is a one-line CliError saying what was found and what to pass; a results
 * file that does not parse is reported as truncated or corrupt rather than guessed around.
 *
 * @example `resolveResume('runs/') // { checkpoint: 'runs/kfac.json.checkpoint.json', results: 'runs/kfac.json' }`
 */
export function resolveResume(path: string): ResumeTarget {
  const usage = `pass the checkpoint (<out>${CHECKPOINT_SUFFIX}), the results file <out>, or a folder holding one checkpoint`;
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new CliError(`--resume ${path}: this checkpoint (or results file, or folder) does not exist; ${usage}`);
  const target = (checkpoint: string): ResumeTarget => ({ checkpoint, results: checkpoint.slice(0, -CHECKPOINT_SUFFIX.length) });
  if (stat.isDirectory()) {
    const found = readdirSync(path)
      .filter((f) => f.endsWith(CHECKPOINT_SUFFIX) && !f.startsWith('.'))
      .sort();
    if (found.length === 1) return target(join(path, found[0]));
    if (found.length === 0) throw new CliError(`--resume ${path}: the folder holds no checkpoint (*${CHECKPOINT_SUFFIX}); ${usage}`);
    throw new CliError(`--resume ${path}: the folder holds ${found.length} checkpoints (${found.join(', ')}); pass the one to resume`);
  }
  if (path.endsWith(CHECKPOINT_SUFFIX)) return target(path);
  const beside = checkpointPath(path);
  const fix = statSync(beside, { throwIfNoEntry: false })?.isFile()
    ? `pass its checkpoint ${beside} to --resume instead`
    : `there is no checkpoint ${beside} beside it either; start the run again without --resume`;
  const value = readJsonStrict(path, 'results file', fix) as { kind?: unknown } | null;
  if (value?.kind === 'fisherkit-train-checkpoint') return { checkpoint: path, results: null };
  if (value?.kind !== 'train') {
    throw new CliError(`--resume ${path} is neither a checkpoint nor a fisherkit train results file; ${usage}`);
  }
  if (!statSync(beside, { throwIfNoEntry: false })?.isFile()) {
    throw new CliError(
      `--resume ${path}: there is no checkpoint ${beside} beside the results file; checkpoints are written on SIGINT/SIGTERM and with --checkpoint-every N, so start the run again with --checkpoint-every`,
    );
  }
  return target(beside);
}
