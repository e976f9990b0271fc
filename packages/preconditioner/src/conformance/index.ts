// The conformance test kit: `import { describeConformance } from '@fisherkit/preconditioner/conformance'`.
// A separate entry point, so the main entry never imports vitest.
export { describeConformance } from './describe-conformance.js';
export { isKroneckerKind, type BlockWithDenseMatrix, type ConformanceKind, type ConformanceSpec, type DenseMatrixBlock, type KroneckerConformanceKind } from './spec.js';
export { approximationErrors, errorsFromReferences, type ApproximationErrors } from './approximation-errors.js';
export {
  denseKfacTerm,
  denseReferences,
  denseSvd,
  rearrangedFisher,
  rearrangedTerms,
  referenceRearranged,
  relativeGap,
  type DenseReferences,
  type DenseSvd,
} from './dense-reference.js';
export { denseDampedMatrix, denseSolvePreconditioned, dampingTraceScale } from './dense-preconditioner.js';
export { capturedLayer, identityPlugin, lowRankData, syntheticLayerBatch, syntheticLayers, type ConformanceLayer } from './fixtures.js';
export { relativeDifference } from './compare.js';
export { throughJsonFile } from './checks/checkpoint.js';
export { countWeightRewrites, withoutWeightRewrite } from './weight-rewrite-probes.js';
