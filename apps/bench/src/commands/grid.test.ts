import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { discoverApproximationPackages } from '../approximations.js';
import { cellFileName, gridCommand, registerGrid } from './grid.js';

const dir = mkdtempSync(join(tmpdir(), 'fisherkit-grid-'));

describe('fisherkit grid', () => {
  it('a 2 × 1 grid writes one file per cell and a summary; a rerun skips finished cells', async () => {
    const options = {
      problem: 'curves-synthetic',
      method: 'kfac',
      lr: '0.01,0.1',
      damping: '3e-3',
      epochs: '1',
      sizes: '784,16,6,16,784',
      trainSize: '64',
      validationSize: '32',
      batchSize: '32',
      tCov: '1',
      tInv: '1',
      backend: 'cpu',
      outDir: dir,
    };
    const summary = await gridCommand(options);
    expect(summary.cells.map((c) => [c.lr, c.damping, c.status])).toEqual([
      [0.01, 0.003, 'run'],
      [0.1, 0.003, 'run'],
    ]);
    expect(cellFileName('kfac', 0.1, 0.003)).toBe('kfac-lr0.1-damping0.003.json');
    const cell = JSON.parse(readFileSync(join(dir, 'kfac-lr0.1-damping0.003.json'), 'utf8'));
    expect(cell).toMatchObject({ kind: 'train', complete: true, config: { learningRate: { given: '0.1' }, damping: { given: '0.003' } } });
    const best = [...summary.cells].sort((a, b) => a.finalValLoss! - b.finalValLoss!)[0];
    expect(summary.best).toEqual(best);
    expect(JSON.parse(readFileSync(join(dir, 'grid-summary.json'), 'utf8'))).toMatchObject({ kind: 'grid-summary', best: { file: best.file } });

    const before = statSync(join(dir, 'kfac-lr0.01-damping0.003.json')).mtimeMs;
    const again = await gridCommand(options);
    expect(again.cells.map((c) => c.status)).toEqual(['skipped', 'skipped']);
    expect(again.best).toEqual({ ...summary.best, status: 'skipped' });
    expect(statSync(join(dir, 'kfac-lr0.01-damping0.003.json')).mtimeMs).toBe(before);
  });

  it('sgd ignores damping: a grid over lr only', async () => {
    const sub = join(dir, 'sgd');
    const summary = await gridCommand({
      problem: 'curves-synthetic', method: 'sgd', lr: '0.3', damping: '1,2', epochs: '1', sizes: '784,16,6,16,784',
      trainSize: '32', validationSize: '16', batchSize: '32', backend: 'cpu', outDir: sub,
    });
    expect(summary.cells).toHaveLength(1);
    expect(summary.cells[0]).toMatchObject({ lr: 0.3, damping: null, file: 'sgd-lr0.3.json' });
  });

  it('--help and the --method error list the discovered approximation packages, not a fixed list', async () => {
    const program = new Command('fisherkit');
    registerGrid(program);
    const help = program.commands.find((c) => c.name() === 'grid')!.helpInformation().replace(/\s+/g, ' ');
    const ids = discoverApproximationPackages().map((p) => p.id);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(help).toContain(`${ids.join(', ')}, sgd, adam`);
    await expect(gridCommand({ problem: 'curves-synthetic', outDir: join(dir, 'no-method') })).rejects.toThrow(`--method is required: ${ids.join(', ')}, sgd, adam`);
  });
});
