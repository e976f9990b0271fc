import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fimErrorCommand } from './fim-error.js';

const dir = mkdtempSync(join(tmpdir(), 'fisherkit-fim-'));

describe('fisherkit fim-error', () => {
  it('3 iterations on curves-synthetic: all five methods, Deflation ≤ KPSVD ≤ KFAC in Error 1', async () => {
    const out = join(dir, 'fim.json');
    // Layer 5 of the preset CURVES network (25 → 6, d_a·d_g = 156) keeps Error 2's dense check quick.
    await fimErrorCommand({ problem: 'curves-synthetic', iterations: '3', batchSize: '32', trainSize: '96', layer: '5', backend: 'cpu', out });
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r).toMatchObject({ kind: 'fim-error', problem: 'curves-synthetic', layer: 5, complete: true, block: { dA: 26, dG: 6 } });
    expect(r.config).toMatchObject({ iterations: 3, batchSize: 32, fisherBatchSize: 32, error2MaxSize: 32768 });
    expect(r.config.training).toMatchObject({ optimizer: 'adam', learningRate: { native: '0.001' } });
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(r.iterations).toHaveLength(3);
    const methods = ['kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected'];
    for (const it of r.iterations) {
      expect(Object.keys(it.errors).sort()).toEqual([...methods].sort());
      for (const m of methods) {
        expect(it.errors[m].error1).toBeGreaterThanOrEqual(0);
        expect(it.errors[m].error2).toBeGreaterThanOrEqual(0);
      }
      const e = (m: string) => it.errors[m].error1;
      expect(e('deflation')).toBeLessThanOrEqual(e('kpsvd') * (1 + 1e-9));
      expect(e('kpsvd')).toBeLessThanOrEqual(e('kfac') * (1 + 1e-9));
      expect(e('lanczos')).toBeCloseTo(e('deflation'), 6); // both the best rank-2 KPSVD
    }
    expect(r.iterations[2].loss).toBeLessThan(r.iterations[0].loss);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('Error 2 is null above --error2-max-size and out-of-range layers fail', async () => {
    const out = join(dir, 'fim-null.json');
    // 784 → 32 → 6 → 32 → 784: layer 3 has d_a·d_g = 33 · 784 > 4096.
    await fimErrorCommand({ problem: 'curves-synthetic', sizes: '784,32,6,32,784', iterations: '1', batchSize: '16', trainSize: '16', layer: '3', error2MaxSize: '4096', backend: 'cpu', out });
    const r = JSON.parse(readFileSync(out, 'utf8'));
    expect(r.iterations[0].errors.kfac.error2).toBeNull();
    expect(r.iterations[0].errors.kfac.error1).toBeGreaterThan(0);
    await expect(
      fimErrorCommand({ problem: 'curves-synthetic', sizes: '784,32,6,32,784', iterations: '1', trainSize: '16', layer: '4', backend: 'cpu', out: join(dir, 'x.json') }),
    ).rejects.toThrow(/--layer 4 is out of range/);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });
});
