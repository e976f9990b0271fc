// fisherkit's plug-in conformance suite (packages/preconditioner/README.md).
import { describeConformance } from '@fisherkit/preconditioner/conformance';
import { lanczos } from './lanczos.js';

describeConformance(lanczos, { kind: 'best-rank-2', exactInverseOptions: { inverse: 'exact', floor: 1e-12 } });
