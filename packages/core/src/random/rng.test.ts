import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

describe('createRng', () => {
  it('is reproducible from its seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
  });

  it('draws uniforms in [0, 1) and standard normals with the right moments', () => {
    const rng = createRng(1);
    const n = 100_000;
    let su = 0, sn = 0, sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = rng.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(su / n).toBeCloseTo(0.5, 2);
    expect(sn / n).toBeCloseTo(0, 1);
    expect(sn2 / n).toBeCloseTo(1, 1);
  });

  it('resumes the same stream from a saved state', () => {
    const rng = createRng(3);
    rng.uniform();
    const state = rng.getState();
    const next = [rng.uniform(), rng.normal(), rng.int(10)];
    const other = createRng(99);
    other.setState(state);
    expect([other.uniform(), other.normal(), other.int(10)]).toEqual(next);
  });

  it('shuffles to a permutation and rejects bad arguments', () => {
    const p = createRng(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...p].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => createRng(-1)).toThrow(/seed must be an integer/);
    expect(() => createRng(1).int(0)).toThrow(/positive integer/);
    expect(() => createRng(1).setState([1, 2] as never)).toThrow(/four 32-bit integers/);
  });
});
