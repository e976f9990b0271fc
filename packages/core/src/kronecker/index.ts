export * from './kronecker-term.js';
