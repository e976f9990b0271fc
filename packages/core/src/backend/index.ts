export * from './select-backend.js';
export * from './wasm-transpose-fix.js';
export * from './wasm-slice-fix.js';
