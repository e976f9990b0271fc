export * from './errors.js';
export * from './matrix/index.js';
export * from './random/index.js';
export * from './backend/index.js';
export * from './linalg/index.js';
export * from './kronecker/index.js';
