import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '../matrix/matrix.js';
import { trace } from '../matrix/elementwise.js';
import { orientKroneckerTerm } from './orient-kronecker-term.js';

describe('orientKroneckerTerm', () => {
  const A = fromRows([[2, 1], [0, 1]]);
  const G = fromRows([[1, 3], [3, -1]]);
  const neg = (m: typeof A) => ({ ...m, data: m.data.map((v) => -v) });

  it('symmetrises and makes tr(A) positive', () => {
    const t = orientKroneckerTerm({ A: neg(A), G: neg(G) });
    expect(toRows(t.A)).toEqual([[2, 0.5], [0.5, 1]]);
    expect(toRows(t.G)).toEqual([[1, 3], [3, -1]]);
    expect(trace(t.A)).toBeGreaterThan(0);
  });

  it('follows the reference sign, falling back to G when ⟨A, ref.A⟩ = 0', () => {
    const ref = { A: neg(A), G: neg(G) };
    const t = orientKroneckerTerm({ A, G }, { reference: ref });
    expect(trace(t.A)).toBeLessThan(0);
    const orthogonalA = fromRows([[1, 0], [0, -1]]);
    const t2 = orientKroneckerTerm({ A: orthogonalA, G }, { reference: { A: fromRows([[1, 0], [0, 1]]), G: neg(G) } });
    expect(t2.G.data[1]).toBe(-3);
  });

  it('uses the largest-|entry| rule for a traceless A or when asked', () => {
    const traceless = fromRows([[1, -4], [-4, -1]]);
    expect(orientKroneckerTerm({ A: traceless, G }).A.data[1]).toBe(4);
    const t = orientKroneckerTerm({ A: fromRows([[1, 0], [0, -3]]), G }, { rule: 'largest-entry' });
    expect(t.A.data[3]).toBe(3);
  });
});
