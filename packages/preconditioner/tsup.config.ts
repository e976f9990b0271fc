import { libraryConfig } from '../../tsup.config.base';

// inverse-worker is the entry of the inverse worker thread (inverse-worker-pool.ts starts it by path).
export default libraryConfig({
  index: 'src/index.ts',
  'conformance/index': 'src/conformance/index.ts',
  'inverse-worker': 'src/inverse-worker.ts',
});
