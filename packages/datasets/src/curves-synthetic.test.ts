import { OptionError } from '@fisherkit/core';
import { describe, expect, it } from 'vitest';
import { curveThrough, generateCurvesSynthetic, loadCurvesSynthetic } from './curves-synthetic.js';
import { distanceToSegment, rasterizePolyline } from './rasterize-curve.js';

function same(x: Float32Array, y: Float32Array): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

describe('generateCurvesSynthetic', () => {
  const a = generateCurvesSynthetic({ seed: 11, n: 200 });

  it('is deterministic per seed and differs across seeds', () => {
    expect(a.length).toBe(200 * 784);
    expect(same(generateCurvesSynthetic({ seed: 11, n: 200 }), a)).toBe(true);
    expect(same(generateCurvesSynthetic({ seed: 11, n: 3 }), a.subarray(0, 3 * 784))).toBe(true);
    const b = generateCurvesSynthetic({ seed: 12, n: 200 });
    let differing = 0;
    for (let i = 0; i < 200; i++) if (a.subarray(i * 784, (i + 1) * 784).some((v, j) => v !== b[i * 784 + j])) differing++;
    expect(differing).toBe(200);
  });

  it('has values in [0, 1] and a visible curve in every image', () => {
    const problems: string[] = [];
    for (let i = 0; i < 200; i++) {
      const img = a.subarray(i * 784, (i + 1) * 784);
      let sum = 0;
      let max = 0;
      let inked = 0;
      let border = 0;
      for (let k = 0; k < 784; k++) {
        const v = img[k];
        if (!(v >= 0 && v <= 1)) problems.push(`image ${i} pixel ${k} = ${v}`);
        sum += v;
        max = Math.max(max, v);
        if (v > 0.5) inked++;
        const r = Math.floor(k / 28);
        const c = k % 28;
        if (r === 0 || c === 0 || r === 27 || c === 27) border += v; // curves stay 2 px inside
      }
      // ≥ 10 px long at pen width 1.5 → sum ≳ 15; a curve across the square stays well under 250.
      if (max < 0.9 || sum < 10 || sum > 250 || inked < 5 || border !== 0) problems.push(`image ${i}: max ${max}, sum ${sum}, inked ${inked}, border ${border}`);
    }
    expect(problems).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(() => generateCurvesSynthetic({ seed: 0, n: 0 })).toThrow(OptionError);
    expect(() => generateCurvesSynthetic({ seed: 0, n: 1, penWidth: 0 })).toThrow(/penWidth/);
    expect(() => generateCurvesSynthetic({ seed: -1, n: 1 })).toThrow(/seed/);
  });
});

describe('curve geometry', () => {
  it('passes through the three points', () => {
    const pts = curveThrough({ x: 3, y: 4 }, { x: 14, y: 20 }, { x: 24, y: 6 }, 8);
    expect(pts).toHaveLength(9);
    expect(pts[0]).toEqual({ x: 3, y: 4 });
    expect(pts[4].x).toBeCloseTo(14, 12);
    expect(pts[4].y).toBeCloseTo(20, 12);
    expect(pts[8]).toEqual({ x: 24, y: 6 });
  });

  it('measures distances to segments and rasterises with a one-pixel ramp', () => {
    expect(distanceToSegment(0, 1, { x: -1, y: 0 }, { x: 1, y: 0 })).toBe(1);
    expect(distanceToSegment(3, 0, { x: -1, y: 0 }, { x: 1, y: 0 })).toBe(2);
    const img = rasterizePolyline([{ x: 2, y: 5.5 }, { x: 8, y: 5.5 }], 10, 1, new Float32Array(100));
    expect(img[5 * 10 + 4]).toBe(1); // on the line: d = 0
    expect(img[4 * 10 + 4]).toBe(0); // d = 1 ≥ w/2 + ½
    expect(img[5 * 10 + 9]).toBe(0);
    const thick = rasterizePolyline([{ x: 2, y: 5.5 }, { x: 8, y: 5.5 }], 10, 2, new Float32Array(100));
    expect(thick[4 * 10 + 4]).toBeCloseTo(0.5, 6); // d = 1, w/2 + ½ = 1.5
  });
});

describe('loadCurvesSynthetic', () => {
  it('gives 16,000 / 4,000 images named curves-synthetic, clearly a stand-in', async () => {
    const ds = await loadCurvesSynthetic({ seed: 2 });
    expect(ds.name).toBe('curves-synthetic');
    expect(ds.train.n).toBe(16000);
    expect(ds.validation.n).toBe(4000);
    expect(ds.inputSize).toBe(784);
    expect(ds.title).toMatch(/^curves-synthetic: generated stand-in for CURVES, not the original data/);
    expect(ds.title.startsWith('CURVES')).toBe(false);
    const again = await loadCurvesSynthetic({ seed: 2, trainSize: 10, validationSize: 10 });
    expect(same(again.train.x, ds.train.x.subarray(0, 7840))).toBe(true);
  });
});
