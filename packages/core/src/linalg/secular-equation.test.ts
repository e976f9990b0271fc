import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng.js';
import { secularRoot } from './secular-equation.js';

function secular(d: Float64Array, z: Float64Array, rho: number, delta: Float64Array, off: number): { f: number; scale: number } {
  let f = 1;
  let scale = 1;
  for (let i = 0; i < d.length; i++) {
    const t = (rho * z[i] * z[i]) / delta[off + i];
    f += t;
    scale += Math.abs(t);
  }
  return { f, scale };
}

describe('secularRoot', () => {
  it('finds the two eigenvalues of [[0.5, 0.5], [0.5, 1.5]] = diag(0, 1) + zzᵀ', () => {
    const d = Float64Array.of(0, 1);
    const z = Float64Array.of(Math.SQRT1_2, Math.SQRT1_2);
    const delta = new Float64Array(4);
    const o0 = secularRoot(d, z, 1, 2, 0, delta, 0);
    const o1 = secularRoot(d, z, 1, 2, 1, delta, 2);
    expect(d[o0] - delta[o0]).toBeCloseTo(1 - Math.SQRT1_2, 15);
    expect(d[o1] - delta[2 + o1]).toBeCloseTo(1 + Math.SQRT1_2, 15);
  });

  it.each([
    ['random', 0],
    ['tiny weights', 1e-7],
    ['close poles', 1e-13],
  ])('roots interlace the poles and zero f to round-off (%s)', (_, special) => {
    const k = 200;
    const rng = createRng(11);
    const d = new Float64Array(k);
    const z = new Float64Array(k);
    let acc = 0;
    for (let i = 0; i < k; i++) {
      acc += special === 1e-13 && i % 2 ? 1e-13 : 0.01 + rng.uniform();
      d[i] = acc;
      z[i] = rng.normal() * (special === 1e-7 && i % 3 === 0 ? 1e-7 : 1);
    }
    const norm = Math.hypot(...z);
    for (let i = 0; i < k; i++) z[i] /= norm;
    const rho = 0.7;
    const delta = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      const o = secularRoot(d, z, rho, k, j, delta, 0);
      expect(o === j || o === j + 1).toBe(true);
      // d_j < λ_j < d_{j+1}: the differences keep their signs.
      expect(delta[j]).toBeLessThan(0);
      if (j + 1 < k) expect(delta[j + 1]).toBeGreaterThan(0);
      else expect(-delta[j]).toBeLessThanOrEqual(rho);
      const { f, scale } = secular(d, z, rho, delta, 0);
      expect(Math.abs(f)).toBeLessThan(64 * Number.EPSILON * k * scale);
    }
  });
});
