export * from './cholesky.js';
export * from './triangular-solve.js';
export * from './spd-solve.js';
export * from './spd-inverse.js';
export * from './symmetric-eigen.js';
export * from './generalized-symmetric-eigen.js';
export * from './inverse-sqrt-spd.js';
export { useFloat64Products, float64ProductProvider, type Float64ProductProvider } from './float64-products.js';
