// The nx generator `@fisherkit/tools:approximation`, run through an in-memory tree over the real
// workspace: only the generated package is written to disk, into a scratch folder of this package
// (tools/nx-plugin/.generated-<pid>/, git-ignored, removed afterwards); apps/bench/package.json and
// .changeset/ are checked in memory and never touched. The generated plug-in is then imported from
// its sources and run through the whole conformance suite, and its package typechecked.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeConformance } from '@fisherkit/preconditioner/conformance';
import { approximationPackageProblems, pluginIdProblem } from './approximation-rules.js';

type Tree = { root: string; exists(p: string): boolean; read(p: string, encoding: 'utf-8'): string; write(p: string, content: string): void };
type Generator = (tree: Tree, options: { name: string; directory?: string; registerInBench?: boolean }) => () => void;

const require = createRequire(import.meta.url);
const generator = require('./approximation/generator.cjs') as Generator;

const PLUGIN_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SCRATCH = `tools/nx-plugin/.generated-${process.pid}`;
const NAME = 'zz-gen-check';
const TARGET = `${SCRATCH}/${NAME}`;

/** nx's Tree, as far as the generator uses it: reads fall through to the workspace, writes stay in memory. */
function overlayTree(root: string): Tree & { changes: Map<string, string> } {
  const changes = new Map<string, string>();
  return {
    root,
    changes,
    exists: (p) => changes.has(p) || existsSync(join(root, p)),
    read: (p) => changes.get(p) ?? readFileSync(join(root, p), 'utf8'),
    write: (p, content) => void changes.set(p, content),
  };
}

// Leftovers of an interrupted run of this test.
for (const entry of readdirSync(PLUGIN_ROOT)) if (entry.startsWith('.generated-')) rmSync(join(PLUGIN_ROOT, entry), { recursive: true, force: true });

const tree = overlayTree(ROOT);
const log: string[] = [];
const callback = generator(tree, { name: NAME, directory: SCRATCH });
const originalLog = console.log;
console.log = (...args: unknown[]) => void log.push(args.join(' '));
try {
  callback();
} finally {
  console.log = originalLog;
}
for (const [path, content] of tree.changes) {
  if (!path.startsWith(`${TARGET}/`)) continue;
  mkdirSync(dirname(join(ROOT, path)), { recursive: true });
  writeFileSync(join(ROOT, path), content);
}
const generatedPkg = JSON.parse(tree.changes.get(`${TARGET}/package.json`)!) as Record<string, any>;
const plugin = ((await import(/* @vite-ignore */ join(ROOT, TARGET, 'src', 'index.ts'))) as { default: any }).default;

afterAll(() => rmSync(join(ROOT, SCRATCH), { recursive: true, force: true }));

describe('nx generator @fisherkit/tools:approximation', () => {
  it('writes the package, its changeset and the bench dependency — nothing else', () => {
    expect([...tree.changes.keys()].sort()).toEqual(
      [
        '.changeset/zz-gen-check-first-release.md',
        'apps/bench/package.json',
        `${TARGET}/README.md`,
        `${TARGET}/package.json`,
        `${TARGET}/src/conformance.test.ts`,
        `${TARGET}/src/index.ts`,
        `${TARGET}/src/zz-gen-check.ts`,
        `${TARGET}/tsconfig.json`,
        `${TARGET}/tsup.config.ts`,
      ].sort(),
    );
    expect(tree.changes.get('.changeset/zz-gen-check-first-release.md')).toMatch(/^---\n"@fisherkit\/zz-gen-check": minor\n---\n/);
    const bench = JSON.parse(tree.changes.get('apps/bench/package.json')!);
    expect(bench.dependencies['@fisherkit/zz-gen-check']).toBe(generatedPkg.version);
    const before = JSON.parse(readFileSync(join(ROOT, 'apps/bench/package.json'), 'utf8'));
    expect(Object.keys(bench.dependencies).length).toBe(Object.keys(before.dependencies).length + 1);
    expect(tree.changes.get(`${TARGET}/tsconfig.json`)).toContain('"../../../../tsconfig.base.json"');
    expect(log.join('\n')).toMatch(/npm install/);
  });

  it('marks the package as an approximation and follows the repository rules', () => {
    expect(generatedPkg.name).toBe('@fisherkit/zz-gen-check');
    expect(generatedPkg.fisherkit).toEqual({ kind: 'approximation', id: NAME });
    expect(approximationPackageProblems(join(ROOT, TARGET), generatedPkg)).toEqual([]);
    expect(pluginIdProblem(generatedPkg, plugin)).toBeNull();
    expect(plugin.title).toMatch(/diagonal Fisher/);
    expect(readFileSync(join(ROOT, TARGET, 'README.md'), 'utf8')).toMatch(/REPLACE/);
  });

  it('typechecks', () => {
    const tsc = require.resolve('typescript/bin/tsc');
    expect(() => execFileSync(process.execPath, [tsc, '-p', join(ROOT, TARGET, 'tsconfig.json')], { stdio: 'pipe' })).not.toThrow();
  }, 60_000);

  it('refuses a name that is not kebab-case and a package that exists', () => {
    expect(() => generator(overlayTree(ROOT), { name: 'MyApprox' })).toThrow(/kebab-case/);
    expect(() => generator(overlayTree(ROOT), { name: 'kpsvd' })).toThrow(/already exists/);
  });
});

// The generated placeholder passes the whole conformance suite out of the box.
describeConformance(plugin, { kind: 'custom' });
