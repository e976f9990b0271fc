export * from './matrix.js';
export * from './validate.js';
export * from './multiply.js';
export * from './elementwise.js';
