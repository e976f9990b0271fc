import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../errors.js';
import { identity, zeros } from '../matrix/matrix.js';
import { createRng } from '../random/rng.js';
import { denseFisher } from './dense-fisher.js';
import { rearrange } from './rearrange.js';
import { rfOperator } from './rf-operator.js';
import { diffNorm, matTVec, matVec, normOf, randomMatrix, randomSamples } from './test-support.js';
import { vec } from './vec.js';

describe('rfOperator', () => {
  it('matches the dense R(F) products on random layers (m 1..12, d 1..7)', () => {
    const rng = createRng(101);
    let cases = 0;
    for (let m = 1; m <= 12; m++) {
      for (let t = 0; t < 6; t++) {
        const da = 1 + rng.int(7);
        const dg = 1 + rng.int(7);
        const { a, g } = randomSamples(rng, m, da, dg);
        const r = rearrange(denseFisher(a, g), da, dg);
        const op = rfOperator(a, g);
        expect(op.da).toBe(da);
        expect(op.dg).toBe(dg);
        // arbitrary (non-symmetric) operands: R(F) only sees their symmetric part, still exact
        const y = randomMatrix(rng, dg, dg);
        const x = randomMatrix(rng, da, da);
        const ref1 = matVec(r, vec(y));
        const ref2 = matTVec(r, vec(x));
        const out1 = op.times(y);
        const out2 = op.transposeTimes(x);
        expect(diffNorm(vec(out1), ref1)).toBeLessThanOrEqual(1e-12 * normOf(ref1));
        expect(diffNorm(vec(out2), ref2)).toBeLessThanOrEqual(1e-12 * normOf(ref2));
        // results are exactly symmetric (upper triangle mirrored)
        for (let i = 0; i < da; i++) for (let j = 0; j < da; j++) expect(out1.data[i * da + j]).toBe(out1.data[j * da + i]);
        cases++;
      }
    }
    expect(cases).toBe(72);
  });

  it('gives aᵀ diag(c) a / m with c_i = ‖g_i‖² for Y = I (a hand-checked case)', () => {
    const a = { rows: 2, cols: 2, data: new Float64Array([1, 2, 3, 1]) };
    const g = { rows: 2, cols: 1, data: new Float64Array([2, -1]) };
    const out = rfOperator(a, g).times(identity(1));
    // (4 · [1 2]ᵀ[1 2] + 1 · [3 1]ᵀ[3 1]) / 2
    expect(Array.from(out.data)).toEqual([(4 + 9) / 2, (8 + 3) / 2, (8 + 3) / 2, (16 + 1) / 2]);
  });

  it('rejects mismatched samples, NaN and operands of the wrong shape', () => {
    const rng = createRng(102);
    const { a, g } = randomSamples(rng, 4, 3, 2);
    expect(() => rfOperator(a, randomMatrix(rng, 5, 2))).toThrow(/a has 4 rows.*g has 5/);
    expect(() => rfOperator(zeros(0, 3), zeros(0, 2))).toThrow(/empty/);
    const bad = randomMatrix(rng, 4, 2);
    bad.data[3] = NaN;
    expect(() => rfOperator(a, bad)).toThrow(NonFiniteError);
    const op = rfOperator(a, g);
    expect(() => op.times(zeros(3, 3))).toThrow(ShapeError);
    expect(() => op.transposeTimes(zeros(2, 2))).toThrow(/must be 3 × 3/);
    const nanY = zeros(2, 2);
    nanY.data[0] = NaN;
    expect(() => op.times(nanY)).toThrow(NonFiniteError);
  });
});
