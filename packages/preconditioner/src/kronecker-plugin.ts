import type { LayerSpec } from '@fisherkit/fisher';
import type { ApproximationPlugin } from './contract.js';
import { withInverseWorkerDefault } from './inverse-worker-pool.js';
import { checkInverseWorkerSetting, type InverseWorkerSetting } from './inverse-worker-setting.js';
import { kroneckerBlock, type KroneckerBlockOptions, type KroneckerEstimator } from './kronecker-block.js';
import { validateIterativeOptions, type IterativeOptions, type TwoTermOptions } from './kronecker-plugin-options.js';

/** What a KPSVD-family plug-in supplies: its identity, default options and estimator. */
export interface KroneckerPluginSpec<O extends IterativeOptions | TwoTermOptions> {
  id: string;
  title: string;
  reference: string;
  defaults: O;
  /** The mathematics: Kronecker terms of a layer's Fisher block from a mini-batch. */
  estimator(options: O): KroneckerEstimator;
}

/**
 * Wires an estimator into a plug-in: options validated with {@link validateIterativeOptions}
 * (two-term options when the defaults have an `inverse` rule), blocks built by
 * {@link kroneckerBlock} with that rule and floor, and `inverseWorker` when the options set it.
 *
 * @example
 * ```ts
 * export const kpsvd = kroneckerPlugin({ id: 'kpsvd', title: 'KPSVD', reference, defaults: { tol: 1e-6, maxIterations: 100 }, estimator: kpsvdEstimator });
 * ```
 */
export function kroneckerPlugin<O extends IterativeOptions | TwoTermOptions>(spec: KroneckerPluginSpec<O>): ApproximationPlugin<O> {
  const twoTerm = 'inverse' in spec.defaults;
  return {
    id: spec.id,
    title: spec.title,
    reference: spec.reference,
    defaults: spec.defaults,
    validateOptions: (options) => validateIterativeOptions(spec.id, options, twoTerm),
    createBlock: (layer: LayerSpec, options: O) => {
      const inverse: KroneckerBlockOptions = 'inverse' in options ? { rule: options.inverse, floor: options.floor } : {};
      if (options.inverseWorker !== undefined) inverse.inverseWorker = options.inverseWorker;
      return kroneckerBlock(layer, spec.id, spec.estimator(options), inverse);
    },
  };
}

/**
 * The same plug-in with inverse refreshes on a worker thread (`enabled = true`), shared between
 * the calling thread and the worker (`'split'`), or on the calling thread (`false`) for every block
 * built by {@link kroneckerBlock} — KFAC, KPSVD, Deflation, Lanczos, KFAC-corrected and
 * third-party plug-ins built on it — unless a block's own options (`inverseWorker`) say otherwise.
 * Blocks of other kinds are unaffected. With `true` training continues with the previous inverse
 * while a refresh runs, so the trajectory depends on timing; `'split'` waits for every block's job
 * before the step and reproduces `false` exactly while using two cores.
 *
 * @throws {OptionError} for an `enabled` other than true, false or `'split'`.
 * @example
 * ```ts
 * import kfac from '@fisherkit/kfac';
 * const optimizer = naturalGradient(withInverseWorker(kfac), { learningRate: 0.1, damping: 3e-3 });
 * const exact = naturalGradient(withInverseWorker(kfac, 'split'), { learningRate: 0.1, damping: 3e-3 });
 * ```
 */
export function withInverseWorker<O extends object>(plugin: ApproximationPlugin<O>, enabled: InverseWorkerSetting = true): ApproximationPlugin<O> {
  checkInverseWorkerSetting(enabled, 'the inverse worker setting', `withInverseWorker(${plugin.id})`);
  const wrapped: ApproximationPlugin<O> = {
    id: plugin.id,
    title: plugin.title,
    reference: plugin.reference,
    defaults: plugin.defaults,
    createBlock: (layer, options) => withInverseWorkerDefault(enabled, () => plugin.createBlock(layer, options)),
  };
  if (plugin.validateOptions) wrapped.validateOptions = (options) => plugin.validateOptions!(options);
  return wrapped;
}
