export * from './deflation.js';
export { default } from './deflation.js';
