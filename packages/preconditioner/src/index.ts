export * from './contract.js';
export * from './assert-plugin.js';
export * from './damping.js';
export * from './option-checks.js';
export * from './natural-gradient-options.js';
export * from './natural-gradient.js';
export * from './tensor-state.js';
export * from './train.js';
