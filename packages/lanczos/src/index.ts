export * from './lanczos.js';
export { default } from './lanczos.js';
