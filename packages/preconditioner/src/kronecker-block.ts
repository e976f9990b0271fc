import type * as tf from '@tensorflow/tfjs-core';
import {
  clone,
  combine,
  FisherkitError,
  NonFiniteError,
  OptionError,
  ShapeError,
  type KroneckerTerm,
  type Matrix,
  type TwoTermInverseOptions,
} from '@fisherkit/core';
import type { LayerBatch, LayerSpec } from '@fisherkit/fisher';
import type { BlockState, CurvatureBlock, Damping } from './contract.js';
import type { KroneckerInverse } from './kronecker-inverse.js';
import { singleTermInverse, singleTermInverseFromFactors } from './single-term-inverse.js';
import { twoTermInverse, twoTermInverseFromFactors } from './two-term-inverse-applier.js';

/** What an estimator returns for one Fisher mini-batch. */
export interface KroneckerEstimate {
  /** 1 or 2 Kronecker terms, the first positive semi-definite. */
  terms: KroneckerTerm[];
  /** Counters summed into the block's diagnostics (e.g. `powerIterations`, `notConverged`). */
  diagnostics?: Record<string, number>;
}

/**
 * The mathematics of one approximation: Kronecker terms of the Fisher block from a mini-batch.
 * `previous` holds the current running averages (or null): use them to warm-start iterations and
 * to orient the sign of later pairs, so that averaging never mixes opposite signs.
 */
export type KroneckerEstimator = (batch: LayerBatch, previous: readonly KroneckerTerm[] | null) => KroneckerEstimate;

/**
 * Builds a {@link CurvatureBlock} for any approximation of the form `F̃ = Σ_k A_k ⊗ G_k` with one
 * or two terms. The block keeps running averages of every factor (`X ← ρ X + (1 − ρ) X_new`),
 * and inverts one term like KFAC (MATH.md §2) and two terms by the generalized eigenproblems of
 * MATH.md §5. A plug-in supplies only its estimator.
 *
 * @example
 * ```ts
 * const block = kroneckerBlock(layer, 'kpsvd', (batch, prev) => ({ terms: [leadingPair(batch, prev)] }));
 * ```
 */
export function kroneckerBlock(
  layer: LayerSpec,
  method: string,
  estimate: KroneckerEstimator,
  inverseOptions: TwoTermInverseOptions = {},
): CurvatureBlock & { preconditionExact(grad: Matrix): Matrix } {
  const da = layer.inputSize + 1;
  const dg = layer.outputSize;
  const where = `${method} layer "${layer.name}"`;
  let terms: KroneckerTerm[] | null = null;
  let inverse: KroneckerInverse | null = null;
  let pi: number | null = null;
  const counters: Record<string, number> = { statisticsUpdates: 0, inverseUpdates: 0 };

  const count = (extra: Record<string, number> | undefined): void => {
    for (const [k, v] of Object.entries(extra ?? {})) counters[k] = (counters[k] ?? 0) + v;
  };
  const replaceInverse = (next: KroneckerInverse | null): void => {
    if (next) {
      const bad = Object.entries(next.factors()).find(([, m]) => !isFiniteMatrix(m));
      if (bad) {
        next.dispose();
        throw new NonFiniteError(`${where}: the new inverse factor ${bad[0]} holds NaN/Infinity; the previous inverse is kept`);
      }
    }
    inverse?.dispose();
    inverse = next;
  };
  const needInverse = (): KroneckerInverse => {
    if (!inverse) throw new FisherkitError('state', `${where}: precondition called before updateInverse`);
    return inverse;
  };

  return {
    layer,
    updateStatistics(batch, rho) {
      if (!(rho >= 0 && rho < 1)) throw new OptionError(`${where}: running-average weight ρ must be in [0, 1), got ${rho}`);
      if (batch.a.cols !== da || batch.g.cols !== dg) {
        throw new ShapeError(`${where}: captured a_i, g_i have ${batch.a.cols} and ${batch.g.cols} columns but the layer needs d_a = ${da}, d_g = ${dg}`);
      }
      const next = estimate(batch, terms);
      count(next.diagnostics);
      // Checked before averaging: one NaN would otherwise poison the running averages for good.
      next.terms.forEach((t, k) => {
        if (!isFiniteMatrix(t.A) || !isFiniteMatrix(t.G)) {
          throw new NonFiniteError(`${where}: the new Kronecker term ${k} holds NaN/Infinity; the previous statistics are kept`);
        }
      });
      if (terms === null || rho === 0 || terms.length !== next.terms.length) {
        terms = next.terms;
      } else {
        const old = terms;
        terms = next.terms.map((t, k) => ({
          A: combine(rho, old[k].A, 1 - rho, t.A),
          G: combine(rho, old[k].G, 1 - rho, t.G),
        }));
      }
      counters.statisticsUpdates++;
    },
    updateInverse(damping: Damping) {
      if (!terms) throw new FisherkitError('state', `${where}: updateInverse called before any statistics`);
      if (terms.length === 1) {
        const next = singleTermInverse(terms[0], damping);
        pi = next.pi;
        replaceInverse(next);
      } else {
        const next = twoTermInverse(terms, damping, inverseOptions);
        counters.indefiniteEntries = next.indefiniteEntries;
        pi = next.pi;
        replaceInverse(next);
      }
      counters.inverseUpdates++;
    },
    precondition(grad: tf.Tensor2D) {
      return needInverse().apply(grad);
    },
    preconditionExact(grad: Matrix) {
      return needInverse().applyExact(grad);
    },
    terms() {
      return (terms ?? []).map((t) => ({ A: clone(t.A), G: clone(t.G) }));
    },
    diagnostics() {
      return { ...counters };
    },
    getState(): BlockState {
      const state: BlockState = { ...counters, pi, terms: (terms ?? []).flatMap((t) => [clone(t.A), clone(t.G)]) };
      for (const [k, v] of Object.entries(inverse?.factors() ?? {})) state[`inverse.${k}`] = clone(v);
      return state;
    },
    setState(state: BlockState) {
      const matrix = (v: unknown, rows: number, cols: number, what: string): Matrix => {
        const m = v as Matrix;
        if (!m || m.rows !== rows || m.cols !== cols || m.data?.length !== rows * cols) {
          throw new ShapeError(`${where}: saved ${what} must be a ${rows} × ${cols} matrix`);
        }
        return { rows, cols, data: Float64Array.from(m.data) };
      };
      const flat = (state.terms ?? []) as Matrix[];
      const restored: KroneckerTerm[] = [];
      for (let k = 0; k + 1 < flat.length; k += 2) {
        restored.push({ A: matrix(flat[k], da, da, `A_${k / 2}`), G: matrix(flat[k + 1], dg, dg, `G_${k / 2}`) });
      }
      terms = restored.length ? restored : null;
      if (state['inverse.aInverse']) {
        replaceInverse(
          singleTermInverseFromFactors(
            matrix(state['inverse.aInverse'], da, da, 'A⁻¹'),
            matrix(state['inverse.gInverse'], dg, dg, 'G⁻¹'),
          ),
        );
      } else if (state['inverse.KA']) {
        replaceInverse(
          twoTermInverseFromFactors({
            KA: matrix(state['inverse.KA'], da, da, 'K_A'),
            KG: matrix(state['inverse.KG'], dg, dg, 'K_G'),
            D: matrix(state['inverse.D'], dg, da, 'D'),
          }),
        );
      } else {
        replaceInverse(null);
      }
      pi = typeof state.pi === 'number' ? state.pi : null;
      for (const [k, v] of Object.entries(state)) if (typeof v === 'number' && k !== 'pi') counters[k] = v;
    },
    dispose() {
      replaceInverse(null);
    },
  };
}

function isFiniteMatrix(m: Matrix): boolean {
  const d = m.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) return false;
  return true;
}
