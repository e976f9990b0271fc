import { expect, it } from 'vitest';
import type { KroneckerTerm, Matrix } from '@fisherkit/core';
import { dot, relativeDifference } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { TOLERANCES } from '../tolerances.js';

const RHO = 0.5;

/**
 * Check (i): running averages. After `updateStatistics(b₁, 0)` then `updateStatistics(b₂, ρ = 0.5)`,
 * every averaged factor is `ρ·old + (1 − ρ)·new`, where `old` are the terms after b₁ and `new` the
 * terms of a fresh block on b₂ (oriented against `old`, since a pair is defined up to a joint sign).
 * KFAC's factors (kind kfac, and KFAC-corrected's first term) must match bit for bit; iterative
 * factors within 1e-6. For later pairs the averaged-in estimate must have been sign-consistent with
 * the previous one: `⟨A_new, A_old⟩ ≥ 0`, read off the average as `(avg − ρ·old)/(1 − ρ)`.
 * Kind `custom`: every term of `terms()` must average this way within 1e-6 (its statistics are
 * running averages), without the sign-consistency condition.
 */
export function registerRunningAverageChecks(ctx: ConformanceContext): void {
  const { kind } = ctx.spec;
  it('running averages are ρ·old + (1 − ρ)·new of the per-batch terms, sign-consistently', () => {
    for (const l of ctx.layers()) {
      const options = ctx.accurateOptions();
      const averaged = ctx.createBlock(l.layer, options);
      const fresh = ctx.createBlock(l.layer, options);
      try {
        averaged.updateStatistics(l.batch, 0);
        const old = averaged.terms();
        averaged.updateStatistics(l.next, RHO);
        const result = averaged.terms();
        fresh.updateStatistics(l.next, 0);
        const perBatch = fresh.terms();
        expect(result.length, `${l.name}: number of terms`).toBe(old.length);
        result.forEach((avg, k) => {
          const at = `${l.name}, term ${k + 1}`;
          if (k > 0 && kind !== 'custom') {
            const input = combine(1 / (1 - RHO), avg.A, -RHO / (1 - RHO), old[k].A);
            expect(dot(input.data, old[k].A.data), `${at}: ⟨A_new, A_old⟩ ≥ 0 (sign kept consistent)`).toBeGreaterThanOrEqual(0);
          }
          const expected = averageOf(old[k], oriented(perBatch[k], old[k]));
          const exact = kind === 'kfac' || (kind === 'kfac-corrected' && k === 0);
          if (exact) {
            expect(Array.from(avg.A.data), `${at}: A = ρ A(b₁) + (1 − ρ) A(b₂) exactly`).toEqual(Array.from(expected.A.data));
            expect(Array.from(avg.G.data), `${at}: G = ρ G(b₁) + (1 − ρ) G(b₂) exactly`).toEqual(Array.from(expected.G.data));
          } else {
            expect(relativeDifference(avg.A.data, expected.A.data), `${at}: A`).toBeLessThanOrEqual(TOLERANCES.runningAverage);
            expect(relativeDifference(avg.G.data, expected.G.data), `${at}: G`).toBeLessThanOrEqual(TOLERANCES.runningAverage);
          }
        });
      } finally {
        averaged.dispose();
        fresh.dispose();
      }
    }
  });
}

/** `term` or `−term`, whichever has `⟨A, reference.A⟩ ≥ 0` (falling back to G when A is orthogonal). */
function oriented(term: KroneckerTerm, reference: KroneckerTerm): KroneckerTerm {
  const s = dot(term.A.data, reference.A.data) || dot(term.G.data, reference.G.data);
  return s < 0 ? { A: combine(-1, term.A, 0, term.A), G: combine(-1, term.G, 0, term.G) } : term;
}

function averageOf(old: KroneckerTerm, next: KroneckerTerm): KroneckerTerm {
  return { A: combine(RHO, old.A, 1 - RHO, next.A), G: combine(RHO, old.G, 1 - RHO, next.G) };
}

function combine(alpha: number, x: Matrix, beta: number, y: Matrix): Matrix {
  const data = new Float64Array(x.data.length);
  for (let e = 0; e < data.length; e++) data[e] = alpha * x.data[e] + beta * y.data[e];
  return { rows: x.rows, cols: x.cols, data };
}
