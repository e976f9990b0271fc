import { OptionError } from '../errors.js';

/** Serializable state of an {@link Rng}, so a checkpoint can resume the exact same stream. */
export type RngState = [number, number, number, number];

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). Every source of
 * randomness in fisherkit (initialisation, shuffling, sampled Fisher targets) draws from one of
 * these, so a run is reproduced exactly from its seed.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** Standard normal N(0, 1) (Box–Muller, both draws used). */
  normal(): number;
  /** Uniform integer in {0, …, n − 1}. */
  int(n: number): number;
  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T;
  /** A copy of the internal state. */
  getState(): RngState;
  /** Restores a state returned by {@link Rng.getState}. */
  setState(state: RngState): void;
  /** An independent generator derived from this one (advances this one by one draw). */
  fork(): Rng;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a seeded generator. The same seed gives the same stream on every platform.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * const x = rng.uniform(); // always the same for seed 42
 * ```
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new OptionError(`seed must be an integer in [0, 2^32), got ${seed}`);
  }
  const mix = splitmix32(seed);
  const s = new Uint32Array([mix(), mix(), mix(), mix()]);
  let spare: number | null = null;

  const next32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };

  const rng: Rng = {
    uniform() {
      const hi = next32() >>> 5; // 27 bits
      const lo = next32() >>> 6; // 26 bits
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    normal() {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u = 0;
      while (u === 0) u = rng.uniform();
      const v = rng.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    int(n: number) {
      if (!Number.isInteger(n) || n <= 0) throw new OptionError(`int(n) needs a positive integer n, got ${n}`);
      return Math.floor(rng.uniform() * n);
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const tmp = items[i];
        items[i] = items[j];
        items[j] = tmp;
      }
      return items;
    },
    getState() {
      spare = null;
      return [s[0], s[1], s[2], s[3]];
    },
    setState(state) {
      if (!Array.isArray(state) || state.length !== 4 || state.some((v) => !Number.isInteger(v))) {
        throw new OptionError('rng state must be an array of four 32-bit integers, as returned by getState()');
      }
      spare = null;
      s.set(state.map((v) => v >>> 0));
    },
    fork() {
      return createRng(next32());
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
