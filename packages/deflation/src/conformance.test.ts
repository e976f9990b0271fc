// fisherkit's plug-in conformance suite (packages/preconditioner/README.md).
import { describeConformance } from '@fisherkit/preconditioner/conformance';
import { deflation } from './deflation.js';

describeConformance(deflation, { kind: 'best-rank-2', exactInverseOptions: { inverse: 'exact', floor: 1e-12 } });
