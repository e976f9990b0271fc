// fisherkit's plug-in conformance suite (packages/preconditioner/README.md).
import { describeConformance } from '@fisherkit/preconditioner/conformance';
import { kpsvd } from './kpsvd.js';

describeConformance(kpsvd, { kind: 'best-rank-1' });
