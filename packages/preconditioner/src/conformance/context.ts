import type { LayerBatch, LayerSpec } from '@fisherkit/fisher';
import type { ApproximationPlugin } from '../contract.js';
import { denseReferences, type DenseReferences } from './dense-reference.js';
import { capturedLayer, syntheticLayers, type ConformanceLayer } from './fixtures.js';
import { blockOptions, type ConformanceSpec } from './spec.js';
import type { BlockWithExact } from './tensors.js';

/**
 * What every check of one plug-in's suite shares: the plug-in, its spec, the fixture layers
 * (built in `beforeAll`, once a backend is up) and memoised dense references.
 */
export interface ConformanceContext {
  plugin: ApproximationPlugin<any>;
  spec: ConformanceSpec;
  /** The synthetic layers followed by the captured one; valid inside `it`. */
  layers(): ConformanceLayer[];
  /** Dense references of a batch (computed once per batch). */
  references(batch: LayerBatch): DenseReferences;
  /** A block with `{ ...defaults, ...spec.pluginOptions, ...extra }`. */
  createBlock(layer: LayerSpec, extra?: object): BlockWithExact;
  /**
   * Options that make an iterative plug-in converge far below the suite's tolerances
   * (`tol: 1e-10` and a generous iteration cap, when the plug-in has those options), so the
   * comparisons with dense references test the target, not the stopping rule.
   */
  accurateOptions(): object;
  /** Builds the fixtures (call from `beforeAll` after selecting a backend). */
  setUp(): void;
}

/**
 * Creates the shared {@link ConformanceContext} of one `describeConformance` call.
 *
 * @example `const ctx = conformanceContext(plugin, spec); beforeAll(() => ctx.setUp());`
 */
export function conformanceContext(plugin: ApproximationPlugin<any>, spec: ConformanceSpec): ConformanceContext {
  let layers: ConformanceLayer[] | null = null;
  const refs = new WeakMap<LayerBatch, DenseReferences>();
  const defaults = plugin.defaults as Record<string, unknown>;
  return {
    plugin,
    spec,
    layers() {
      if (!layers) throw new Error('conformance fixtures are not ready (setUp runs in beforeAll)');
      return layers;
    },
    references(batch) {
      let r = refs.get(batch);
      if (!r) {
        r = denseReferences(batch);
        refs.set(batch, r);
      }
      return r;
    },
    createBlock(layer, extra = {}) {
      return plugin.createBlock(layer, blockOptions(plugin, spec, extra)) as BlockWithExact;
    },
    accurateOptions() {
      const out: Record<string, number> = {};
      if (typeof defaults.tol === 'number') out.tol = 1e-10;
      if (typeof defaults.maxIterations === 'number') out.maxIterations = Math.max(defaults.maxIterations, 1000);
      return out;
    },
    setUp() {
      layers = [...syntheticLayers(), capturedLayer()];
    },
  };
}
