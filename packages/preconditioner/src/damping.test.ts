import { describe, expect, it } from 'vitest';
import { diag, fromRows, identity, NonFiniteError, OptionError, zeros } from '@fisherkit/core';
import { dampedFactors, tracenormPi } from './damping.js';

describe('tracenormPi / dampedFactors', () => {
  it('computes π = sqrt((tr A/d_a)/(tr G/d_g))', () => {
    const A = diag([2, 4, 6]); // mean 4
    const G = diag([1, 0]); // mean 0.5
    expect(tracenormPi(A, G)).toBeCloseTo(Math.sqrt(4 / 0.5), 14);
  });

  it('falls back to π = 1 for a zero trace and rejects NaN', () => {
    expect(tracenormPi(identity(2), zeros(3, 3))).toBe(1);
    expect(() => tracenormPi(fromRows([[NaN]]), identity(1))).toThrow(NonFiniteError);
  });

  it('adds π√λ I to A and (√λ/π) I to G', () => {
    const A = diag([2, 4, 6]);
    const G = diag([1, 0]);
    const lambda = 1e-2;
    const pi = Math.sqrt(8);
    const d = dampedFactors(A, G, { lambda, pi: 'tracenorm' });
    expect(d.pi).toBeCloseTo(pi, 14);
    expect(d.A.data[0]).toBeCloseTo(2 + pi * 0.1, 14);
    expect(d.A.data[1]).toBe(0);
    expect(d.G.data[3]).toBeCloseTo(0.1 / pi, 14);
    const one = dampedFactors(A, G, { lambda, pi: 'one' });
    expect(one.pi).toBe(1);
    expect(one.A.data[4]).toBeCloseTo(4.1, 14);
    expect(one.G.data[0]).toBeCloseTo(1.1, 14);
    expect(A.data[0]).toBe(2); // inputs untouched
  });

  it('rejects non-positive damping', () => {
    expect(() => dampedFactors(identity(2), identity(2), { lambda: 0, pi: 'one' })).toThrow(OptionError);
    expect(() => dampedFactors(identity(2), identity(2), { lambda: -1, pi: 'one' })).toThrow(/damping λ must be a finite number > 0/);
    expect(() => dampedFactors(identity(2), identity(2), { lambda: 1, pi: 'two' as never })).toThrow(/pi must be/);
  });
});
