import type { TrainableModel } from '@fisherkit/fisher';

/**
 * The same model with `beginWeightRewrite` refused, so that an optimiser takes its tfjs path: the
 * reference a fused update is compared with. The original model is shared, not copied.
 *
 * @example `optimizer.step(withoutWeightRewrite(model), x, y, { step: 0, epoch: 0 })`
 */
export function withoutWeightRewrite<M extends TrainableModel>(model: M): M {
  const hidden = Object.create(model) as M;
  hidden.beginWeightRewrite = () => null;
  return hidden;
}

/**
 * Counts the weight rewrites `model` grants from now on (it wraps the model's own
 * `beginWeightRewrite`), so a test can tell that the fused path really ran.
 *
 * @example
 * ```ts
 * const rewrites = countWeightRewrites(model);
 * optimizer.step(model, x, y, { step: 0, epoch: 0 });
 * expect(rewrites()).toBe(1);
 * ```
 */
export function countWeightRewrites(model: TrainableModel): () => number {
  const original = model.beginWeightRewrite?.bind(model);
  let granted = 0;
  model.beginWeightRewrite = () => {
    const rewrite = original?.() ?? null;
    if (rewrite) granted++;
    return rewrite;
  };
  return () => granted;
}
