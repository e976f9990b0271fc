export * from './kpsvd.js';
export { default } from './kpsvd.js';
