import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointPath, readCheckpoint, resolveResume, writeCheckpoint } from './checkpoint-file.js';
import { CliError } from './cli-error.js';
import { readJsonStrict, writeFileAtomic, writeJsonAtomic } from './results-file.js';
import { fakeTrainingState, writeBadCheckpoint } from './test-support/bad-files.js';

const root = mkdtempSync(join(tmpdir(), 'fisherkit-checkpoint-'));
let n = 0;
const fresh = (): string => {
  const d = join(root, `case-${n++}`);
  mkdirSync(d);
  return d;
};
const errorOf = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('checkpoint files: atomic, length- and checksum-guarded', () => {
  it('round-trips the state exactly; the manifest records the payload length and SHA-256; no temporary files remain', () => {
    const dir = fresh();
    const path = checkpointPath(join(dir, 'run.json'));
    const state = fakeTrainingState(4);
    writeCheckpoint(path, state, { lr: 0.1 }, 'SIGINT');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    expect(manifest).toMatchObject({ kind: 'fisherkit-train-checkpoint', version: 2, step: 4, reason: 'SIGINT', config: { lr: 0.1 } });
    expect(manifest.payloadBytes).toBe(readFileSync(join(dir, manifest.payload)).length);
    expect(manifest.payloadSha256).toMatch(/^[0-9a-f]{64}$/);
    const read = readCheckpoint(path);
    expect(read.state).toEqual(state);
    // A later checkpoint replaces the payload: one .bin, no .tmp.
    writeCheckpoint(path, fakeTrainingState(8), { lr: 0.1 }, 'epoch');
    expect(readdirSync(dir).sort()).toEqual(['run.json.checkpoint.json', 'run.json.checkpoint.json.8.bin']);
    expect(readCheckpoint(path).state.step).toBe(8);
  });

  it('version-1 checkpoints (no checksum, from runs started before) still resume; their length is still checked', () => {
    const dir = fresh();
    const { manifest } = writeBadCheckpoint(dir, 'old.json', 'none');
    const m = JSON.parse(readFileSync(manifest, 'utf8'));
    delete m.payloadSha256;
    m.version = 1;
    writeFileSync(manifest, JSON.stringify(m));
    expect(readCheckpoint(manifest).state.step).toBe(9);
    const cut = writeBadCheckpoint(fresh(), 'old.json', 'payload-truncated');
    const m2 = JSON.parse(readFileSync(cut.manifest, 'utf8'));
    delete m2.payloadSha256;
    m2.version = 1;
    writeFileSync(cut.manifest, JSON.stringify(m2));
    expect(errorOf(() => readCheckpoint(cut.manifest)).message).toMatch(/is truncated: \d+ bytes, the checkpoint records \d+/);
  });

  const damaged: [string, (dir: string) => string, RegExp][] = [
    ['a truncated manifest', (d) => writeBadCheckpoint(d, 'r.json', 'manifest-truncated').manifest, /checkpoint .* is truncated or corrupt \(not valid JSON/],
    ['an empty manifest', (d) => (writeFileSync(join(d, 'r.json.checkpoint.json'), ''), join(d, 'r.json.checkpoint.json')), /is empty \(not valid JSON/],
    ['a JSON file of another kind', (d) => (writeFileSync(join(d, 'x.checkpoint.json'), '{"kind":"train"}'), join(d, 'x.checkpoint.json')), /is not a fisherkit training checkpoint/],
    ['a truncated payload', (d) => writeBadCheckpoint(d, 'r.json', 'payload-truncated').manifest, /state file r\.json\.checkpoint\.json\.9\.bin is truncated: \d+ bytes, the checkpoint records \d+/],
    ['a payload with one byte changed', (d) => writeBadCheckpoint(d, 'r.json', 'payload-flipped').manifest, /is corrupt: its SHA-256 differs from the one the checkpoint records/],
    ['a missing payload', (d) => writeBadCheckpoint(d, 'r.json', 'payload-missing').manifest, /its state file r\.json\.checkpoint\.json\.9\.bin is missing/],
    [
      'a payload name that leaves the folder',
      (d) => {
        const { manifest } = writeBadCheckpoint(d, 'r.json', 'none');
        const m = JSON.parse(readFileSync(manifest, 'utf8'));
        writeFileSync(manifest, JSON.stringify({ ...m, payload: '../elsewhere.bin' }));
        return manifest;
      },
      /is corrupt: its fields/,
    ],
    [
      'a payload longer than recorded',
      (d) => {
        const { manifest, payload } = writeBadCheckpoint(d, 'r.json', 'none');
        writeFileSync(payload, Buffer.concat([readFileSync(payload), Buffer.from('junk')]));
        return manifest;
      },
      /is corrupt: \d+ bytes, the checkpoint records \d+/,
    ],
    [
      'a newer version',
      (d) => {
        const { manifest } = writeBadCheckpoint(d, 'r.json', 'none');
        writeFileSync(manifest, JSON.stringify({ ...JSON.parse(readFileSync(manifest, 'utf8')), version: 7 }));
        return manifest;
      },
      /has version 7; this fisherkit reads versions 1 and 2/,
    ],
  ];
  it.each(damaged)('detects %s with a one-line CliError and uses none of it', (_what, make, message) => {
    const manifest = make(fresh());
    const error = errorOf(() => readCheckpoint(manifest));
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/\n/);
  });
});

describe('--resume <path>: a checkpoint, a results file or a folder', () => {
  it('accepts the checkpoint, the results file beside it, and a folder holding exactly one', () => {
    const dir = fresh();
    const { manifest, out } = writeBadCheckpoint(dir, 'run.json', 'none');
    writeJsonAtomic(out, { kind: 'train', complete: false, epochs: [] });
    const expected = { checkpoint: manifest, results: out };
    expect(resolveResume(manifest)).toEqual(expected);
    expect(resolveResume(out)).toEqual(expected);
    expect(resolveResume(dir)).toEqual(expected);
  });

  const bad: [string, (dir: string) => string, RegExp][] = [
    ['a path that does not exist', (d) => join(d, 'nope'), /--resume .*nope: this checkpoint \(or results file, or folder\) does not exist; pass the checkpoint/],
    ['a folder without a checkpoint', (d) => d, /the folder holds no checkpoint/],
    [
      'a folder with two checkpoints',
      (d) => (writeBadCheckpoint(d, 'a.json', 'none'), writeBadCheckpoint(d, 'b.json', 'none'), d),
      /the folder holds 2 checkpoints \(a\.json\.checkpoint\.json, b\.json\.checkpoint\.json\); pass the one to resume/,
    ],
    [
      'a truncated results file',
      (d) => {
        writeBadCheckpoint(d, 'run.json', 'none');
        writeFileSync(join(d, 'run.json'), '{"kind": "train", "epochs": [{"epoch": 1, "trainLo');
        return join(d, 'run.json');
      },
      /results file .*run\.json is truncated or corrupt \(not valid JSON.*pass its checkpoint .*run\.json\.checkpoint\.json to --resume instead/,
    ],
    ['a results file without a checkpoint', (d) => (writeJsonAtomic(join(d, 'r.json'), { kind: 'train' }), join(d, 'r.json')), /there is no checkpoint .* beside the results file.*--checkpoint-every/],
    ['a JSON file of another kind', (d) => (writeJsonAtomic(join(d, 'g.json'), { kind: 'grid-summary' }), join(d, 'g.json')), /is neither a checkpoint nor a fisherkit train results file/],
  ];
  it.each(bad)('rejects %s with a one-line CliError', (_what, make, message) => {
    const error = errorOf(() => resolveResume(make(fresh())));
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toMatch(message);
  });
});

describe('results files: written atomically, read strictly', () => {
  it('a failed write leaves the previous file and no temporary file', () => {
    const dir = fresh();
    const target = join(dir, 'run.json');
    writeJsonAtomic(target, { kind: 'train', epochs: [1] });
    mkdirSync(join(dir, 'blocked.json'));
    writeFileSync(join(dir, 'blocked.json', 'inside'), 'x'); // rename over a non-empty folder fails
    expect(errorOf(() => writeFileAtomic(join(dir, 'blocked.json'), 'new'))).toBeInstanceOf(CliError);
    expect(JSON.parse(readFileSync(target, 'utf8'))).toEqual({ kind: 'train', epochs: [1] });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a truncated results file is an error naming it and the fix, never a partial value', () => {
    const dir = fresh();
    const path = join(dir, 'run.json');
    writeFileSync(path, '{"kind": "train", "epochs": [');
    const error = errorOf(() => readJsonStrict(path, 'results file', 'rerun the command'));
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toMatch(/results file .*run\.json is truncated or corrupt \(not valid JSON: .*\); rerun the command/);
    expect(existsSync(path)).toBe(true);
  });
});
