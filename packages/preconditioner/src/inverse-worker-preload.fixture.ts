// Preload functions for inverse-worker.test.ts: run inside the inverse worker thread.

/** Records that it ran, and its thread's view of `options.value`, in a shared flag. */
export function markPreloaded(options: { flag: SharedArrayBuffer; value: number }): void {
  Atomics.store(new Int32Array(options.flag), 0, options.value);
}

/** Fails, as a preload whose native library cannot load would. */
export function failToPreload(): never {
  throw new Error('preload failed on purpose');
}
