import { defineConfig, type Options } from 'tsup';

/**
 * The one build configuration of every fisherkit library package: ESM + .d.ts for Node 20.
 * Declarations resolve workspace packages through their built `dist/` types (no `source`
 * condition), which is what a consumer of the published package sees.
 *
 * @example `export default libraryConfig({ index: 'src/index.ts' })` in a package's tsup.config.ts
 */
export function libraryConfig(entry: Options['entry'] = ['src/index.ts']) {
  return defineConfig({
    entry,
    format: ['esm'],
    dts: { compilerOptions: { customConditions: [] } },
    clean: true,
    sourcemap: true,
    target: 'node20',
  });
}
