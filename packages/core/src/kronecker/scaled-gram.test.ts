import { describe, expect, it } from 'vitest';
import { ShapeError } from '../errors.js';
import { createRng } from '../random/rng.js';
import { scaledGram } from './scaled-gram.js';

describe('scaledGram', () => {
  it.each([
    [1, 1],
    [7, 3],
    [128, 300],
    [300, 41],
  ])('equals scale · XᵀX by its definition, exactly symmetric (%i × %i)', (m, n) => {
    const rng = createRng(m + n);
    const data = new Float64Array(m * n);
    for (let k = 0; k < data.length; k++) data[k] = rng.uniform() < 0.3 ? 0 : rng.normal(); // ReLU-like zeros
    const scale = 1 / m;
    const g = scaledGram({ rows: m, cols: n, data }, scale);
    expect([g.rows, g.cols]).toEqual([n, n]);
    let worst = 0;
    let norm = 0;
    let asymmetric = 0;
    for (let p = 0; p < n; p++) {
      for (let q = 0; q < n; q++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += data[i * n + p] * data[i * n + q];
        worst = Math.max(worst, Math.abs(g.data[p * n + q] - scale * s));
        norm = Math.max(norm, Math.abs(scale * s));
        if (g.data[p * n + q] !== g.data[q * n + p]) asymmetric++;
      }
    }
    expect(asymmetric).toBe(0);
    expect(worst).toBeLessThanOrEqual(1e-14 * Math.max(1, norm));
  });

  it('names a matrix whose data does not match its shape', () => {
    expect(() => scaledGram({ rows: 2, cols: 3, data: new Float64Array(5) }, 1)).toThrow(ShapeError);
  });
});
