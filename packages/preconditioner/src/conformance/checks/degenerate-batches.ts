import { expect, it } from 'vitest';
import type { Matrix } from '@fisherkit/core';
import type { LayerBatch, LayerSpec } from '@fisherkit/fisher';
import { dot, meanTraceScale, relativeDifference } from '../compare.js';
import type { ConformanceContext } from '../context.js';
import { denseDampedMatrix, denseSolvePreconditioned } from '../dense-preconditioner.js';
import { syntheticLayerBatch } from '../fixtures.js';
import { isKroneckerKind, termCount } from '../spec.js';
import { preconditionBest, randomMatrix } from '../tensors.js';
import { TOLERANCES } from '../tolerances.js';

const DA = 6; // 5 inputs + the trailing 1
const DG = 5;

/** A batch of layer 5 → 5 with `edit` applied to copies of a synthetic batch of m samples. */
function edited(m: number, seed: number, edit: (a: Float64Array, g: Float64Array) => void): LayerBatch {
  const b = syntheticLayerBatch(m, DA, DG, seed);
  const a = Float64Array.from(b.a.data);
  const g = Float64Array.from(b.g.data);
  edit(a, g);
  return { a: { rows: m, cols: DA, data: a }, g: { rows: m, cols: DG, data: g } };
}

/**
 * The degenerate Fisher mini-batches real training produces: dead ReLU units (zero input columns,
 * zero output gradients), constant inputs, a single sample, fewer samples than the layer width,
 * and an all-zero gradient (saturated units), where every factor is singular.
 */
export function degenerateBatches(): { name: string; batch: LayerBatch }[] {
  return [
    {
      name: 'dead units (2 zero input columns, 2 zero output gradients)',
      batch: edited(20, 11, (a, g) => {
        for (let i = 0; i < 20; i++) {
          a[i * DA] = a[i * DA + 3] = 0;
          g[i * DG + 1] = g[i * DG + 4] = 0;
        }
      }),
    },
    {
      name: 'constant inputs (every a_i equal)',
      batch: edited(20, 12, (a) => {
        for (let i = 1; i < 20; i++) for (let p = 0; p < DA; p++) a[i * DA + p] = a[p];
      }),
    },
    { name: 'a single sample (m = 1)', batch: edited(1, 13, () => {}) },
    { name: 'fewer samples than the width (m = 3 < d_a, d_g)', batch: edited(3, 14, () => {}) },
    { name: 'all-zero output gradients (saturated units)', batch: edited(8, 15, (_a, g) => g.fill(0)) },
  ];
}

/**
 * Check (j): on every {@link degenerateBatches} batch the block takes statistics, inverts with a
 * damping λ > 0 and preconditions without error: finite terms, `⟨X, P(X)⟩ > 0`, finite
 * diagnostics, and — for one-term Kronecker kinds — the dense solve with the damped matrix of
 * `terms()` (1e-8 on the Float64 path). This is what damping is for: none of these factors is
 * invertible on its own.
 */
export function registerDegenerateBatchChecks(ctx: ConformanceContext): void {
  it('handles dead units, constant inputs, m = 1, m < width and zero gradients with damping', () => {
    const layer: LayerSpec = { index: 0, name: 'degenerate', inputSize: DA - 1, outputSize: DG };
    const oneTerm = isKroneckerKind(ctx.spec.kind) && termCount(ctx.spec.kind) === 1;
    for (const { name, batch } of degenerateBatches()) {
      const block = ctx.createBlock(layer);
      try {
        block.updateStatistics(batch, 0);
        const terms = block.terms();
        for (const [k, t] of terms.entries()) {
          expect([...t.A.data, ...t.G.data].every(Number.isFinite), `${name}: term ${k} is finite`).toBe(true);
        }
        const scale = terms.length ? meanTraceScale(terms[0]) : 0;
        const damping = { lambda: scale > 0 ? 1e-2 * scale : 1e-2, pi: 'tracenorm' as const };
        block.updateInverse(damping);
        for (const [key, v] of Object.entries(block.diagnostics())) expect(Number.isFinite(v), `${name}: diagnostics ${key}`).toBe(true);
        for (let k = 0; k < 3; k++) {
          const x = randomMatrix(900 + k, DA, DG);
          const { result, exact } = preconditionBest(block, x);
          expect(result.data.every(Number.isFinite), `${name}: P(X) finite`).toBe(true);
          expect(dot(x.data, result.data), `${name}: ⟨X, P(X)⟩`).toBeGreaterThan(0);
          if (oneTerm && exact) {
            const expected: Matrix = denseSolvePreconditioned(denseDampedMatrix(terms, damping), x);
            expect(relativeDifference(result.data, expected.data), `${name}: dense solve`).toBeLessThanOrEqual(TOLERANCES.float64);
          }
        }
      } finally {
        block.dispose();
      }
    }
  });
}
