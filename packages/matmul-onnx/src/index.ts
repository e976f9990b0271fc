export * from './onnx-matmul-kernel.js';
export { DEFAULT_MIN_FLOPS, type OnnxMatMulOptions } from './options.js';
export * from './errors.js';
export { gemmModel, type GemmTransposes } from './onnx-model.js';
export { matMulGeometry, type MatMulGeometry } from './matmul-geometry.js';
export { ORT_VERSION } from './ort-binding.js';
export type { SupportedBackend } from './float32-storage.js';
export * from './float64-products.js';
