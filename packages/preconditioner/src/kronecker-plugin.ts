import type { LayerSpec } from '@fisherkit/fisher';
import type { ApproximationPlugin } from './contract.js';
import { kroneckerBlock, type KroneckerEstimator } from './kronecker-block.js';
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
 * {@link kroneckerBlock} with that rule and floor.
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
      const inverse = 'inverse' in options ? { rule: options.inverse, floor: options.floor } : {};
      return kroneckerBlock(layer, spec.id, spec.estimator(options), inverse);
    },
  };
}
