export * from './kfac.js';
export * from './kfac-block.js';
export { default } from './kfac.js';
