// `changeset version` with the repository's changesets configuration (independent versions, the
// changelog generator of @changesets/cli) bumps only the package a changeset touches. Runs in a
// throw-away two-package workspace in the system temp folder, never in the repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'node_modules', '@changesets', 'cli', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'fisherkit-changesets-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const writeJson = (path: string, value: unknown): void => writeFileSync(join(dir, path), `${JSON.stringify(value, null, 2)}\n`);
const readJson = (path: string): Record<string, any> => JSON.parse(readFileSync(join(dir, path), 'utf8'));

describe('changeset version (independent versions)', () => {
  it('bumps only the package a changeset touches, and writes its changelog', () => {
    // The repository's config, minus the ignore list (it names @fisherkit/bench, absent here).
    const config = JSON.parse(readFileSync(join(ROOT, '.changeset', 'config.json'), 'utf8'));
    expect(config.fixed).toEqual([]);
    expect(config.linked).toEqual([]);
    mkdirSync(join(dir, '.changeset'));
    writeJson('.changeset/config.json', { ...config, ignore: [] });
    writeJson('package.json', { name: 'tmp-workspace', private: true, workspaces: ['packages/*'] });
    for (const name of ['alpha', 'beta']) {
      mkdirSync(join(dir, 'packages', name), { recursive: true });
      writeJson(`packages/${name}/package.json`, { name: `@fisherkit/${name}`, version: '0.1.0', license: 'MIT', type: 'module' });
    }
    writeFileSync(join(dir, '.changeset', 'alpha-first-release.md'), '---\n"@fisherkit/alpha": minor\n---\n\nA new approximation.\n');
    const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('-c', 'user.email=test@example.com', '-c', 'user.name=test', 'add', '-A');
    git('-c', 'user.email=test@example.com', '-c', 'user.name=test', 'commit', '-q', '-m', 'init');

    execFileSync(process.execPath, [CLI, 'version'], { cwd: dir, stdio: 'pipe', env: { ...process.env, CI: '1' } });

    expect(readJson('packages/alpha/package.json').version).toBe('0.2.0');
    expect(readJson('packages/beta/package.json').version).toBe('0.1.0');
    expect(readFileSync(join(dir, 'packages', 'alpha', 'CHANGELOG.md'), 'utf8')).toMatch(/## 0\.2\.0[\s\S]*A new approximation\./);
    expect(readdirSync(join(dir, 'packages', 'beta'))).not.toContain('CHANGELOG.md');
    expect(readdirSync(join(dir, '.changeset'))).not.toContain('alpha-first-release.md');
  }, 30_000);
});
