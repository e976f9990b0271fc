export * from './select-backend.js';
export * from './wasm-transpose-fix.js';
