// fisherkit's plug-in conformance suite (packages/preconditioner/README.md).
import { describeConformance } from '@fisherkit/preconditioner/conformance';
import { kfacCorrected } from './kfac-corrected.js';

describeConformance(kfacCorrected, { kind: 'kfac-corrected', exactInverseOptions: { inverse: 'exact', floor: 1e-12 } });
