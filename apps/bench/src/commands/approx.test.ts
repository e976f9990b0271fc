import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  addIdentity,
  combine,
  createRng,
  denseFisher,
  denseKroneckerSum,
  frobeniusNorm,
  fromRows,
  kron,
  spdSolve,
  symmetricEigen,
  trace,
  unvec,
  vec,
  type Matrix,
} from '@fisherkit/core';
import { describe, expect, it } from 'vitest';
import { computeApprox } from './approx.js';

const run = promisify(execFile);
const bin = new URL('../../bin/fisherkit.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fisherkit-approx-'));

function randomInput(seed: number, m: number, da: number, dg: number) {
  const rng = createRng(seed);
  const a = Array.from({ length: m }, () => [...Array.from({ length: da - 1 }, () => rng.normal()), 1]);
  const g = Array.from({ length: m }, () => Array.from({ length: dg }, () => rng.normal()));
  const v = Array.from({ length: dg }, () => Array.from({ length: da }, () => rng.normal()));
  return { a, g, v };
}

function write(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function sortedAbsEigen(m: Matrix): number[] {
  return Array.from(symmetricEigen(m).values, Math.abs).sort((x, y) => y - x);
}

describe('fisherkit approx', () => {
  const input = randomInput(11, 14, 4, 3);
  const file = write('layer.json', input);
  const a = fromRows(input.a);
  const g = fromRows(input.g);
  const F = denseFisher(a, g);

  for (const method of ['kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected']) {
    it(`${method}: Error 1 and Error 2 agree with dense references`, async () => {
      const out = await computeApprox({ method, input: file, pi: 'tracenorm', inverse: 'abs' });
      expect(out.method).toBe(method);
      expect(out.terms).toHaveLength(method === 'kfac' || method === 'kpsvd' ? 1 : 2);
      const approx = denseKroneckerSum(out.terms.map((t) => ({ A: fromRows(t.A), G: fromRows(t.G) })));
      const error1 = frobeniusNorm(combine(1, F, -1, approx)) / frobeniusNorm(F);
      expect(out.error1).toBeCloseTo(error1, 9);
      const sF = sortedAbsEigen(F);
      const sA = sortedAbsEigen(approx);
      const num = Math.hypot(...sF.map((s, i) => s - sA[i]));
      expect(out.error2).toBeCloseTo(num / Math.hypot(...sF), 8);
    });
  }

  it('kfac terms are the second moments of a and g', async () => {
    const out = await computeApprox({ method: 'kfac', input: file, pi: 'one', inverse: 'abs' });
    const A = fromRows(out.terms[0].A);
    expect(A.data[0]).toBeCloseTo(input.a.reduce((s, r) => s + r[0] * r[0], 0) / input.a.length, 12);
    expect(A.data[A.data.length - 1]).toBeCloseTo(1, 12);
  });

  for (const method of ['kfac', 'kpsvd', 'deflation', 'kfac-corrected']) {
    it(`${method}: the preconditioned v solves the damped system`, async () => {
      const lambda = 0.5;
      const out = await computeApprox({ method, input: file, damping: String(lambda), pi: 'tracenorm', inverse: 'exact' });
      const terms = out.terms.map((t) => ({ A: fromRows(t.A), G: fromRows(t.G) }));
      const pi = Math.sqrt(trace(terms[0].A) / 4 / (trace(terms[0].G) / 3));
      const first = { A: addIdentity(terms[0].A, pi * Math.sqrt(lambda)), G: addIdentity(terms[0].G, Math.sqrt(lambda) / pi) };
      const M = terms.length === 1 ? kron(first.A, first.G) : combine(1, kron(first.A, first.G), 1, kron(terms[1].A, terms[1].G));
      const rhs = vec(fromRows(input.v));
      const solution = spdSolve(M, { rows: rhs.length, cols: 1, data: rhs });
      const expected = unvec(solution.data, 3, 4);
      const got = fromRows(out.preconditioned!);
      expect(frobeniusNorm(combine(1, got, -1, expected)) / frobeniusNorm(expected)).toBeLessThan(1e-5);
    });
  }

  it('prints JSON on stdout from the command line', async () => {
    const { stdout } = await run(process.execPath, [bin, 'approx', '--method', 'kpsvd', '--input', file, '--damping', '0.1']);
    const out = JSON.parse(stdout);
    expect(Object.keys(out)).toEqual(['method', 'terms', 'error1', 'error2', 'preconditioned']);
    expect(out.preconditioned).toHaveLength(3);
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown method', ['--method', 'foo', '--input', file], /unknown method "foo"/],
    ['missing file', ['--method', 'kfac', '--input', join(dir, 'none.json')], /does not exist/],
    ['ragged a', ['--method', 'kfac', '--input', write('ragged.json', { a: [[1, 2], [1]], g: [[1], [2]] })], /"a" is ragged/],
    ['mismatched m', ['--method', 'kfac', '--input', write('m.json', { a: [[1, 1]], g: [[1], [2]] })], /same m/],
    ['NaN entry', ['--method', 'kfac', '--input', write('nan.json', '{"a": [[1, NaN]], "g": [[1]]}')], /not valid JSON/],
    ['null entry', ['--method', 'kfac', '--input', write('null.json', { a: [[1, null]], g: [[1]] })], /finite number/],
    ['bad v shape', ['--method', 'kfac', '--input', write('v.json', { a: [[1, 1]], g: [[1]], v: [[1]] })], /"v" must be 1 × 2/],
    ['bad damping', ['--method', 'kfac', '--input', file, '--damping', '-1'], /--damping must be a number > 0/],
    ['bad pi', ['--method', 'kfac', '--input', file, '--pi', 'two'], /--pi must be tracenorm or one/],
    ['bad inverse', ['--method', 'deflation', '--input', file, '--inverse', 'pinv'], /--inverse must be abs or exact/],
    ['missing option', ['--input', file], /required option '--method/],
  ];
  for (const [name, args, message] of bad) {
    it.concurrent(`exits 2 with one line for ${name}`, async () => {
      const err = await run(process.execPath, [bin, 'approx', ...args]).then(
        () => null,
        (e: { code: number; stderr: string; stdout: string }) => e,
      );
      expect(err).not.toBeNull();
      expect(err!.code).toBe(2);
      expect(err!.stdout).toBe('');
      const lines = err!.stderr.trim().split('\n').filter((l) => !l.startsWith('fisherkit: note'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    });
  }
});
