// Repository meta-test: every approximation package (marker `"fisherkit": {"kind": "approximation"}`
// in its package.json) has a conformance test, a README with a formula and a reference, a
// changeset-ready package.json, and a marker id equal to its plug-in's id.
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { approximationPackageProblems, markedPackages, pluginIdProblem } from './approximation-rules.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PACKAGES = markedPackages(ROOT);

describe('approximation packages of the repository', () => {
  it('finds the marked packages (at least the five of the paper)', () => {
    const ids = PACKAGES.map((p) => p.pkg.fisherkit.id);
    for (const id of ['kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected']) expect(ids).toContain(id);
  });

  it.each(PACKAGES.map((p) => [relative(ROOT, p.dir), p] as const))('%s follows the plug-in package rules', async (_, { dir, pkg }) => {
    expect(approximationPackageProblems(dir, pkg)).toEqual([]);
    const mod = (await import(/* @vite-ignore */ join(dir, 'src', 'index.ts'))) as { default?: unknown };
    expect(pluginIdProblem(pkg, mod.default)).toBeNull();
  });

  it('are exactly what the bench discovers (fisherkit train --method <id>), the paper\'s five first', async () => {
    const bench = await import('../../../apps/bench/src/approximations.js');
    const marked = PACKAGES.map((p) => p.pkg.fisherkit.id as string);
    expect([...bench.APPROXIMATION_IDS].sort()).toEqual([...marked].sort());
    expect(bench.APPROXIMATIONS.length + bench.UNLINKED_APPROXIMATIONS.length).toBe(marked.length);
    expect(bench.APPROXIMATION_IDS.slice(0, 5)).toEqual(['kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected']);
    expect(bench.approximationById('kpsvd').id).toBe('kpsvd');
    expect(() => bench.approximationById('no-such-method')).toThrow(/unknown method "no-such-method"/);
  });
});
