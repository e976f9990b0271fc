import { add, divide, kron as mathKron, matrix, multiply, transpose, zeros as mathZeros, type Matrix as MathMatrix } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { NonFiniteError, ShapeError } from '../errors.js';
import { fromRows, toRows, zeros } from '../matrix/matrix.js';
import { denseFisher } from './dense-fisher.js';

describe('denseFisher', () => {
  it('matches an independent mathjs reference (1/m) Σ (a aᵀ) ⊗ (g gᵀ)', () => {
    const aRows = [
      [0.5, -1, 1],
      [2, 0.25, 1],
      [-1.5, 1, 1],
    ];
    const gRows = [
      [1, -2],
      [0.5, 3],
      [-1, 0.75],
    ];
    let ref = mathZeros(6, 6) as MathMatrix;
    for (let i = 0; i < 3; i++) {
      const ai = matrix([aRows[i]]);
      const gi = matrix([gRows[i]]);
      ref = add(ref, mathKron(multiply(transpose(ai), ai), multiply(transpose(gi), gi))) as MathMatrix;
    }
    const expected = (divide(ref, 3) as MathMatrix).toArray() as number[][];
    const f = toRows(denseFisher(fromRows(aRows), fromRows(gRows)));
    f.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 13)));
    // symmetric PSD structure: F = Fᵀ
    f.forEach((row, i) => row.forEach((v, j) => expect(v).toBe(f[j][i])));
  });

  it('refuses blocks above 4096² and inconsistent or non-finite samples', () => {
    expect(() => denseFisher(zeros(2, 65), zeros(2, 64))).toThrow(/4160 × 4160.*rfOperator/);
    expect(() => denseFisher(zeros(3, 2), zeros(2, 2))).toThrow(ShapeError);
    const a = zeros(2, 2);
    a.data[1] = Infinity;
    expect(() => denseFisher(a, zeros(2, 2))).toThrow(NonFiniteError);
  });
});
