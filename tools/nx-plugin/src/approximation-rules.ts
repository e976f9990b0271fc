// The rules every approximation package of the repository must follow (the marker
// `"fisherkit": {"kind": "approximation", "id": …}` in its package.json). Used by
// repository.test.ts on packages/* and by generator.test.ts on a freshly generated package.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A workspace package that carries the approximation marker. */
export interface MarkedPackage {
  /** Absolute folder of the package. */
  dir: string;
  /** Its parsed package.json. */
  pkg: Record<string, any>;
}

/** The marker of a package.json, or null when it is not an approximation package. */
export function approximationMarker(pkg: Record<string, any>): { id: unknown } | null {
  const marker = pkg.fisherkit;
  return marker && typeof marker === 'object' && marker.kind === 'approximation' ? { id: marker.id } : null;
}

/**
 * Every package under `<root>/packages/*` whose package.json carries the approximation marker.
 *
 * @example `markedPackages('/work/main').map((p) => p.pkg.name) // ['@fisherkit/deflation', …]`
 */
export function markedPackages(root: string): MarkedPackage[] {
  const out: MarkedPackage[] = [];
  const packages = join(root, 'packages');
  for (const name of readdirSync(packages).sort()) {
    const file = join(packages, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
    if (approximationMarker(pkg)) out.push({ dir: join(packages, name), pkg });
  }
  return out;
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
/** A formula: a line using ≈ (approximates), ⊗ (Kronecker product) or ⊘ (element-wise division). */
const FORMULA = /[≈⊗⊘]/;
/** A reference: a DOI, an arXiv id, or an author list with "et al.". */
const REFERENCE = /\bdoi:\s*10\.\d{4,}\/\S+|\bdoi\.org\/10\.\d{4,}\/|\b10\.\d{4,}\/\S+|arxiv[:.\s/]*(?:abs\/)?\d{4}\.\d{4,5}|\bet al\./i;

/**
 * The static problems of one approximation package (empty when it is fine): its conformance test,
 * its README (a formula and a reference), a changeset-ready package.json (name `@fisherkit/*`,
 * version, license, `type: module`, exports with source/types/import, files, public
 * publishConfig, not private) and a kebab-case marker id. That the marker id equals the plug-in's
 * id needs the plug-in itself: see {@link pluginIdProblem}.
 *
 * @example `expect(approximationPackageProblems(dir, pkg)).toEqual([])`
 */
export function approximationPackageProblems(dir: string, pkg: Record<string, any>): string[] {
  const problems: string[] = [];
  const test = join(dir, 'src', 'conformance.test.ts');
  if (!existsSync(test)) problems.push('src/conformance.test.ts is missing');
  else if (!/\bdescribeConformance\s*\(/.test(readFileSync(test, 'utf8'))) problems.push('src/conformance.test.ts does not call describeConformance(…)');

  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) {
    problems.push('README.md is missing');
  } else {
    const text = readFileSync(readme, 'utf8');
    if (!text.split('\n').some((line) => FORMULA.test(line))) problems.push('README.md has no formula (a line with ≈, ⊗ or ⊘)');
    if (!REFERENCE.test(text)) problems.push('README.md has no reference (a DOI, an arXiv id or "et al.")');
  }

  if (typeof pkg.name !== 'string' || !/^@fisherkit\/[a-z0-9-]+$/.test(pkg.name)) problems.push(`package.json name must be @fisherkit/<name>, got ${JSON.stringify(pkg.name)}`);
  if (typeof pkg.version !== 'string' || !SEMVER.test(pkg.version)) problems.push(`package.json version must be semver, got ${JSON.stringify(pkg.version)}`);
  if (typeof pkg.license !== 'string' || pkg.license.trim() === '') problems.push('package.json has no license');
  if (pkg.type !== 'module') problems.push('package.json type must be "module"');
  if (pkg.private === true) problems.push('package.json must not be private (it is published)');
  const entry = pkg.exports?.['.'];
  for (const condition of ['source', 'types', 'import']) {
    if (typeof entry?.[condition] !== 'string') problems.push(`package.json exports["."] has no "${condition}" condition`);
  }
  if (!Array.isArray(pkg.files) || pkg.files.length === 0) problems.push('package.json has no files list');
  if (pkg.publishConfig?.access !== 'public') problems.push('package.json publishConfig.access must be "public"');
  const marker = approximationMarker(pkg);
  if (!marker) problems.push('package.json has no "fisherkit": {"kind": "approximation", "id": …} marker');
  else if (typeof marker.id !== 'string' || !KEBAB.test(marker.id)) problems.push(`the marker's id must be kebab-case, got ${JSON.stringify(marker.id)}`);
  return problems;
}

/**
 * The problem of a package whose marker id differs from its default-exported plug-in's id, or null.
 *
 * @example `pluginIdProblem(pkg, (await import(`${dir}/src/index.ts`)).default)`
 */
export function pluginIdProblem(pkg: Record<string, any>, plugin: unknown): string | null {
  const id = (plugin as { id?: unknown } | null | undefined)?.id;
  const marker = approximationMarker(pkg);
  if (id === undefined) return `${pkg.name} has no default-exported plug-in with an id`;
  if (!marker || marker.id !== id) return `${pkg.name}: marker id ${JSON.stringify(marker?.id)} differs from the plug-in's id ${JSON.stringify(id)}`;
  return null;
}
