// fisherkit's plug-in conformance suite (packages/preconditioner/README.md).
import { describeConformance } from '@fisherkit/preconditioner/conformance';
import { kfac } from './kfac.js';

describeConformance(kfac, { kind: 'kfac' });
