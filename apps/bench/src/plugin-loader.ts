import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertPlugin, type ApproximationPlugin } from '@fisherkit/preconditioner';
import { OptionError } from '@fisherkit/core';
import { CliError } from './cli-error.js';

/**
 * How a module specifier is imported: a path that exists (relative to the working directory, or
 * absolute) becomes a file URL; anything else is a package name resolved by Node.
 * @example `moduleSpecifier('./my-approx.mjs') // 'file:///home/me/my-approx.mjs'`
 */
export function moduleSpecifier(spec: string): string {
  const looksLikePath = spec.startsWith('.') || isAbsolute(spec) || /\.(m?js|cjs|ts|mts)$/.test(spec);
  if (looksLikePath || existsSync(spec)) return pathToFileURL(resolve(spec)).href;
  return spec;
}

/**
 * Loads a third-party approximation plug-in: dynamic `import()` of a package name or a file path,
 * takes the module's default export, and checks it with `assertPlugin`. A module that cannot be
 * found or loaded, or whose default export is not a plug-in, is a one-line CliError.
 *
 * @example
 * ```ts
 * const plugin = await loadPluginModule('./diagonal-approx.mjs');
 * const optimizer = naturalGradient(plugin, { learningRate: 0.1 });
 * ```
 */
export async function loadPluginModule(spec: string): Promise<ApproximationPlugin<any>> {
  const target = moduleSpecifier(spec);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ target)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNSUPPORTED_DIR_IMPORT' || code === 'ENOENT') {
      throw new CliError(
        `approximation module "${spec}" was not found; pass an installed package name or a path to an ES module that default-exports a plug-in`,
      );
    }
    throw new CliError(`approximation module "${spec}" could not be loaded: ${(err as Error).message.split('\n')[0]}`);
  }
  if (mod.default === undefined) {
    throw new CliError(
      `approximation module "${spec}" has no default export; it must default-export a plug-in {id, title, reference, defaults, createBlock}`,
    );
  }
  try {
    assertPlugin(mod.default, spec);
  } catch (err) {
    if (err instanceof OptionError) throw new CliError(err.message);
    throw err;
  }
  return mod.default as ApproximationPlugin<any>;
}
