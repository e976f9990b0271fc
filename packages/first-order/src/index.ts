export * from './sgd.js';
export * from './adam.js';
export * from './first-order-driver.js';
