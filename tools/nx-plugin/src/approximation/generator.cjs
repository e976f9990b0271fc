// The nx generator `@fisherkit/tools:approximation` (plain CommonJS, so nx runs it without a build):
//
//   npx nx g @fisherkit/tools:approximation <name>
//
// scaffolds packages/<name>/, a fisherkit approximation plug-in with a working diagonal-Fisher
// placeholder that builds (tsup), typechecks and passes the conformance suite (kind 'custom'), its
// changeset .changeset/<name>-first-release.md, and adds it to apps/bench's dependencies so that the
// bench discovers it (`fisherkit train --method <name>`). It writes only through nx's Tree
// (`exists`, `read`, `write`), so `--dry-run` works and tests can pass an in-memory tree.
'use strict';

const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join, posix } = require('node:path');

const FILES = join(__dirname, 'files');
const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** The version every first release starts at, and the versions of its fisherkit dependencies. */
const VERSION = '0.1.0';

/** `diag-fisher` → `{ camel: 'diagFisher', pascal: 'DiagFisher', title: 'Diag Fisher' }`. */
function names(name) {
  const parts = name.split('-');
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  const camel = parts[0] + parts.slice(1).map(cap).join('');
  return { name, camel, pascal: cap(camel), title: parts.map(cap).join(' ') };
}

/** Every template file under files/, as paths relative to it (posix separators). */
function templateFiles(dir = FILES, prefix = '') {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    const rel = prefix ? `${prefix}/${entry}` : entry;
    if (statSync(full).isDirectory()) out.push(...templateFiles(full, rel));
    else out.push(rel);
  }
  return out;
}

function render(text, n, root) {
  return text
    .replaceAll('__NAME__', n.name)
    .replaceAll('__CAMEL__', n.camel)
    .replaceAll('__PASCAL__', n.pascal)
    .replaceAll('__TITLE__', n.title)
    .replaceAll('__ROOT__', root);
}

function packageJson(n, directory) {
  return {
    name: `@fisherkit/${n.name}`,
    version: VERSION,
    description: `${n.title}: a fisherkit approximation plug-in (generated; diagonal-Fisher placeholder).`,
    license: 'MIT',
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { source: './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js' },
    },
    files: ['dist', 'src', '!src/**/*.test.ts'],
    sideEffects: false,
    scripts: {
      build: 'tsup',
      test: `vitest run --root ${rootFrom(directory, n.name)} ${directory}/${n.name}/`,
      typecheck: 'tsc -p tsconfig.json',
    },
    dependencies: {
      '@fisherkit/core': VERSION,
      '@fisherkit/fisher': VERSION,
      '@fisherkit/preconditioner': VERSION,
      '@tensorflow/tfjs-core': '4.22.0',
    },
    publishConfig: { access: 'public' },
    fisherkit: { kind: 'approximation', id: n.name },
  };
}

/** The relative path from `<directory>/<name>` back to the workspace root, e.g. `../..`. */
function rootFrom(directory, name) {
  const depth = posix.normalize(`${directory}/${name}`).split('/').filter(Boolean).length;
  return Array.from({ length: depth }, () => '..').join('/');
}

function sortedObject(o) {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The generator. `options`: `name` (kebab-case id), `directory` (default `packages`),
 * `registerInBench` (default true). Returns the callback nx runs after writing the files.
 */
function approximationGenerator(tree, options) {
  const name = String(options.name ?? '').trim();
  if (!KEBAB.test(name)) {
    throw new Error(`approximation name must be kebab-case such as "diag-fisher" (it becomes the package @fisherkit/<name> and the CLI id), got "${name}"`);
  }
  const directory = posix.normalize(String(options.directory ?? 'packages')).replace(/\/+$/, '');
  const target = `${directory}/${name}`;
  if (tree.exists(`${target}/package.json`) || tree.exists(`${target}/src`)) {
    throw new Error(`${target} already exists; pick another name or remove it first`);
  }
  const n = names(name);
  const root = rootFrom(directory, name);

  for (const rel of templateFiles()) {
    const text = render(readFileSync(join(FILES, rel), 'utf8'), n, root);
    if (rel === 'changeset.md.template') {
      tree.write(`.changeset/${name}-first-release.md`, text);
      continue;
    }
    const out = rel.replace(/\.template$/, '').replaceAll('__name__', name).replaceAll('__NAME__', name);
    tree.write(`${target}/${out}`, text);
  }
  tree.write(`${target}/package.json`, `${JSON.stringify(packageJson(n, directory), null, 2)}\n`);

  const bench = 'apps/bench/package.json';
  const register = options.registerInBench !== false && tree.exists(bench);
  if (register) {
    const pkg = JSON.parse(tree.read(bench, 'utf-8'));
    pkg.dependencies = sortedObject({ ...(pkg.dependencies ?? {}), [`@fisherkit/${name}`]: VERSION });
    tree.write(bench, `${JSON.stringify(pkg, null, 2)}\n`);
  }

  return () => {
    const lines = [
      '',
      `Created ${target} (@fisherkit/${name}): a diagonal-Fisher placeholder that passes the conformance suite.`,
      'Next steps:',
      `  1. npm install                         # links @fisherkit/${name} into node_modules (required)`,
      `  2. npx vitest run ${target}            # the conformance suite`,
      `  3. npx fisherkit train --method ${name}  # try it in the bench`,
      `  4. replace the mathematics in ${target}/src/${name}.ts, the README's formula and reference,`,
      `     and edit .changeset/${name}-first-release.md (docs/adding-an-approximation.md)`,
    ];
    if (!register) lines.push(`  (not added to apps/bench/package.json; add "@fisherkit/${name}": "${VERSION}" to use it from the CLI)`);
    console.log(lines.join('\n'));
  };
}

module.exports = approximationGenerator;
module.exports.default = approximationGenerator;
module.exports.approximationGenerator = approximationGenerator;
module.exports.names = names;
