import { expect, it } from 'vitest';
import type { ConformanceContext } from '../context.js';
import { termCount } from '../spec.js';

/**
 * Check (f): `validateOptions` exists, accepts the defaults, and rejects — with an error naming the
 * option — an unknown option, and (when the plug-in has them) `tol ∈ {0, −1}`,
 * `maxIterations ∈ {0, 1.5}` and, for two-term plug-ins, `inverse: 'bogus'`.
 */
export function registerOptionChecks(ctx: ConformanceContext): void {
  const { plugin } = ctx;
  it('validateOptions accepts the defaults and names every bad option', () => {
    expect(typeof plugin.validateOptions, `${plugin.id} must implement validateOptions`).toBe('function');
    const validate = (options: object): void => plugin.validateOptions!(options as never);
    const defaults = { ...plugin.defaults } as Record<string, unknown>;
    expect(() => validate(defaults)).not.toThrow();
    expect(() => validate({ ...defaults, ...(ctx.spec.pluginOptions ?? {}) })).not.toThrow();
    expect(() => validate({ ...defaults, noSuchOption: 1 })).toThrow(/noSuchOption/);
    const bad: [string, unknown][] = [];
    if ('tol' in defaults) bad.push(['tol', 0], ['tol', -1]);
    if ('maxIterations' in defaults) bad.push(['maxIterations', 0], ['maxIterations', 1.5]);
    if (termCount(ctx.spec.kind) === 2 || 'inverse' in defaults) bad.push(['inverse', 'bogus']);
    for (const [name, value] of bad) {
      expect(() => validate({ ...defaults, [name]: value }), `${name} = ${String(value)} must be rejected`).toThrow(
        new RegExp(name),
      );
    }
  });
}
