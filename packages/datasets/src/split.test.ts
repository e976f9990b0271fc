import { OptionError } from '@fisherkit/core';
import { describe, expect, it } from 'vitest';
import { resolveSize } from './sizes.js';
import { eightyTwenty, gatherRows, seededSplit } from './split.js';

describe('seededSplit', () => {
  it('is a disjoint cover of 0 … n − 1 with the requested sizes', () => {
    const { train, validation } = seededSplit(1000, 200, 5);
    expect(train.length).toBe(800);
    expect(validation.length).toBe(200);
    const all = [...train, ...validation].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('is reproducible per seed and differs across seeds', () => {
    const a = seededSplit(500, 100, 1);
    expect(Array.from(seededSplit(500, 100, 1).validation)).toEqual(Array.from(a.validation));
    expect(Array.from(seededSplit(500, 100, 2).validation)).not.toEqual(Array.from(a.validation));
  });

  it('rejects impossible splits and bad seeds', () => {
    expect(() => seededSplit(10, 10, 0)).toThrow(OptionError);
    expect(() => seededSplit(1, 0, 0)).toThrow(/at least 2 examples/);
    expect(() => seededSplit(10, 2, -1)).toThrow(/seed/);
  });
});

describe('eightyTwenty, gatherRows, resolveSize', () => {
  it('gives the paper’s validation counts', () => {
    expect(eightyTwenty(20000)).toBe(4000);
    expect(eightyTwenty(103500)).toBe(20700);
  });

  it('gathers and scales rows', () => {
    const m = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(gatherRows(m, 2, [2, 0], 0.5))).toEqual([2.5, 3, 0.5, 1]);
    expect(Array.from(gatherRows(Float32Array.from(m), 3, [1]))).toEqual([4, 5, 6]);
  });

  it('validates truncation sizes', () => {
    expect(resolveSize('trainSize', undefined, 10)).toBe(10);
    expect(resolveSize('trainSize', 10, 10)).toBe(10);
    expect(() => resolveSize('trainSize', 0, 10)).toThrow(/trainSize must be a positive integer, got 0/);
    expect(() => resolveSize('trainSize', 2.5, 10)).toThrow(OptionError);
    expect(() => resolveSize('validationSize', 11, 10)).toThrow(/validationSize = 11 exceeds the 10 examples/);
  });
});
