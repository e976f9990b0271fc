export * from './kfac-corrected.js';
export { default } from './kfac-corrected.js';
