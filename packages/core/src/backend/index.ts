export * from './select-backend.js';
export * from './wasm-transpose-fix.js';
export * from './wasm-slice-fix.js';
export * from './float32-view.js';
export * from './fused-kernels.js';
