import { readdirSync, readFileSync } from 'node:fs';
import type { ApproximationPlugin } from '@fisherkit/preconditioner';
import { assertPlugin } from '@fisherkit/preconditioner';
import { CliError } from './cli-error.js';

/** The paper's order of the five original approximations; any other discovered plug-in follows, by id. */
const PAPER_ORDER = ['kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected'];

/** An in-repo package marked `"fisherkit": {"kind": "approximation", "id": …}` in its package.json. */
export interface ApproximationPackage {
  /** The package name, e.g. `@fisherkit/kpsvd`. */
  name: string;
  /** The marker's id, which must equal the plug-in's id (the CLI method name). */
  id: string;
  /** The package folder, relative to the workspace root, e.g. `packages/kpsvd`. */
  directory: string;
}

/**
 * Scans `packages/*\/package.json` of the workspace for the approximation marker
 * `"fisherkit": {"kind": "approximation", "id": "<id>"}`, in the paper's order and then by id.
 *
 * @example `discoverApproximationPackages().map((p) => p.id) // ['kfac', 'kpsvd', …]`
 */
export function discoverApproximationPackages(packagesDir: URL = new URL('../../../packages/', import.meta.url)): ApproximationPackage[] {
  const found: ApproximationPackage[] = [];
  for (const entry of readdirSync(packagesDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    let pkg: { name?: string; fisherkit?: { kind?: string; id?: string } };
    try {
      pkg = JSON.parse(readFileSync(new URL(`${entry.name}/package.json`, packagesDir), 'utf8'));
    } catch {
      continue; // not a package
    }
    if (pkg.fisherkit?.kind !== 'approximation' || typeof pkg.name !== 'string') continue;
    found.push({ name: pkg.name, id: String(pkg.fisherkit.id ?? ''), directory: `packages/${entry.name}` });
  }
  const rank = (id: string): number => (PAPER_ORDER.includes(id) ? PAPER_ORDER.indexOf(id) : PAPER_ORDER.length);
  return found.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** Marked packages that could not be imported (typically: generated but `npm install` not run yet). */
export const UNLINKED_APPROXIMATIONS: { id: string; name: string; reason: string }[] = [];

async function loadApproximations(): Promise<ApproximationPlugin<any>[]> {
  const plugins: ApproximationPlugin<any>[] = [];
  for (const pkg of discoverApproximationPackages()) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(/* @vite-ignore */ pkg.name)) as Record<string, unknown>;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ERR_MODULE_NOT_FOUND' && !/Cannot find (module|package)|Failed to (resolve|load)/.test(String((err as Error).message))) throw err;
      UNLINKED_APPROXIMATIONS.push({ id: pkg.id, name: pkg.name, reason: (err as Error).message.split('\n')[0] });
      continue;
    }
    const plugin = mod.default;
    assertPlugin(plugin, pkg.name);
    if (plugin.id !== pkg.id) {
      throw new Error(`${pkg.directory}/package.json marks approximation id "${pkg.id}" but ${pkg.name} default-exports a plug-in with id "${plugin.id}"`);
    }
    plugins.push(plugin);
  }
  return plugins;
}

/**
 * The in-repo approximation plug-ins, by CLI id: every workspace package marked
 * `"fisherkit": {"kind": "approximation"}` (the five of the paper first, in its order), imported by
 * package name. A newly generated package appears here once `npm install` has linked it.
 */
export const APPROXIMATIONS: readonly ApproximationPlugin<any>[] = await loadApproximations();

/**
 * The CLI ids of the in-repo approximations, including marked packages not linked yet (for those,
 * {@link approximationById} says to run `npm install`).
 */
export const APPROXIMATION_IDS = [...APPROXIMATIONS.map((p) => p.id), ...UNLINKED_APPROXIMATIONS.map((p) => p.id)];

/**
 * Finds an in-repo approximation plug-in by its id, checked by the plug-in guard.
 * @example `approximationById('kpsvd').title`
 */
export function approximationById(id: string): ApproximationPlugin<any> {
  const plugin = APPROXIMATIONS.find((p) => p.id === id);
  if (!plugin) {
    const unlinked = UNLINKED_APPROXIMATIONS.find((p) => p.id === id);
    if (unlinked) throw new CliError(`method "${id}" is in the workspace (${unlinked.name}) but not linked yet; run \`npm install\` at the repository root`);
    throw new CliError(`unknown method "${id}"; use one of ${APPROXIMATION_IDS.join(', ')}`);
  }
  assertPlugin(plugin, `@fisherkit/${id}`);
  return plugin;
}
