// tfjs-core's CommonJS build registers no gradients, and its ESM file that does
// (dist/register_all_gradients.js) uses extensionless imports that Node's ESM loader rejects.
// tfjs-layers' Node build registers every gradient of the core kernels into the shared global
// registry as a side effect, so importing it once makes tf.grads work in every environment.
import '@tensorflow/tfjs-layers';
