import { denseFisher, rearrange, type KroneckerTerm, type Matrix } from '@fisherkit/core';
import type { LayerBatch } from '@fisherkit/fisher';
import { Matrix as MlMatrix, SVD } from 'ml-matrix';
import type { KroneckerConformanceKind } from './spec.js';

/** A dense matrix with its singular values (descending) and rank-k truncations. */
export interface DenseSvd {
  matrix: Matrix;
  sigmas: number[];
  /** `Σ_{j<k} σ_j u_j v_jᵀ`. */
  truncated(k: number): Matrix;
}

/**
 * Dense singular value decomposition (ml-matrix, an implementation independent of fisherkit's).
 *
 * @example `denseSvd(rearrangedFisher(batch)).sigmas[0]`
 */
export function denseSvd(r: Matrix): DenseSvd {
  const rows: number[][] = [];
  for (let i = 0; i < r.rows; i++) rows.push(Array.from(r.data.subarray(i * r.cols, (i + 1) * r.cols)));
  const svd = new SVD(new MlMatrix(rows), { autoTranspose: true });
  const sigmas = [...svd.diagonal];
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  return {
    matrix: r,
    sigmas,
    truncated(k: number): Matrix {
      const data = new Float64Array(r.rows * r.cols);
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < r.rows; i++) {
          const s = sigmas[j] * u.get(i, j);
          for (let l = 0; l < r.cols; l++) data[i * r.cols + l] += s * v.get(l, j);
        }
      }
      return { rows: r.rows, cols: r.cols, data };
    },
  };
}

/**
 * The dense rearranged Fisher block `R(F)` (d_a² × d_g²) of a mini-batch, with
 * `F = (1/m) Σ_i (a_i a_iᵀ) ⊗ (g_i g_iᵀ)` formed densely.
 *
 * @example `const r = rearrangedFisher({ a, g }); // rows vec(F_ij)ᵀ`
 */
export function rearrangedFisher(batch: LayerBatch): Matrix {
  return rearrange(denseFisher(batch.a, batch.g), batch.a.cols, batch.g.cols);
}

/**
 * `R(Σ_k A_k ⊗ G_k) = Σ_k vec(A_k) vec(G_k)ᵀ` (column-major vec, the row order of `rearrange`).
 * Comparing approximations through this matrix makes the joint sign and the order of the pairs
 * irrelevant, and any error in a factor visible.
 *
 * @example `relativeDifference(rearrangedTerms(block.terms()).data, reference.data)`
 */
export function rearrangedTerms(terms: readonly KroneckerTerm[]): Matrix {
  if (terms.length === 0) throw new Error('rearrangedTerms: no Kronecker terms');
  const da = terms[0].A.rows;
  const dg = terms[0].G.rows;
  const cols = dg * dg;
  const data = new Float64Array(da * da * cols);
  for (const { A, G } of terms) {
    const va = columnMajor(A);
    const vg = columnMajor(G);
    for (let i = 0; i < va.length; i++) for (let l = 0; l < cols; l++) data[i * cols + l] += va[i] * vg[l];
  }
  return { rows: da * da, cols, data };
}

/**
 * KFAC's factors computed the plain way, `A = aᵀa/m`, `G = gᵀg/m` (independent of fisherkit's code).
 *
 * @example `const { A, G } = denseKfacTerm(batch);`
 */
export function denseKfacTerm(batch: LayerBatch): KroneckerTerm {
  const m = batch.a.rows;
  return { A: scaledGram(batch.a, 1 / m), G: scaledGram(batch.g, 1 / m) };
}

/** Dense references of one batch: R(F), its SVD, KFAC's term and the SVD of KFAC's residual. */
export interface DenseReferences {
  rf: DenseSvd;
  kfac: KroneckerTerm;
  /** `vec(A) vec(G)ᵀ` of KFAC's term. */
  kfacRearranged: Matrix;
  /** SVD of the residual `R(F) − vec(A) vec(G)ᵀ`. */
  residual: DenseSvd;
}

/**
 * Computes {@link DenseReferences} for a mini-batch (dense, small layers only).
 *
 * @example `const refs = denseReferences(batch); refs.rf.sigmas`
 */
export function denseReferences(batch: LayerBatch): DenseReferences {
  const rf = denseSvd(rearrangedFisher(batch));
  const kfac = denseKfacTerm(batch);
  const kfacRearranged = rearrangedTerms([kfac]);
  const residual = denseSvd(subtract(rf.matrix, kfacRearranged));
  return { rf, kfac, kfacRearranged, residual };
}

/**
 * The dense reference `R(F̃)` of an approximation kind (MATH.md §2–§4):
 * kfac → `vec(A) vec(G)ᵀ`; best-rank-1 → `σ₁ u₁ v₁ᵀ`; best-rank-2 → `Σ_{k≤2} σ_k u_k v_kᵀ`;
 * kfac-corrected → `vec(A) vec(G)ᵀ` + the leading pair of the residual.
 *
 * @example `const target = referenceRearranged('best-rank-2', denseReferences(batch));`
 */
export function referenceRearranged(kind: KroneckerConformanceKind, refs: DenseReferences): Matrix {
  switch (kind) {
    case 'kfac':
      return refs.kfacRearranged;
    case 'best-rank-1':
      return refs.rf.truncated(1);
    case 'best-rank-2':
      return refs.rf.truncated(2);
    case 'kfac-corrected':
      return add(refs.kfacRearranged, refs.residual.truncated(1));
  }
}

/**
 * Relative singular-value gap `(σ_k − σ_{k+1}) / σ_k` (k 1-based): how well the k-th singular
 * subspace is separated from the rest.
 *
 * @example `relativeGap(refs.rf.sigmas, 2) // separation of the rank-2 truncation`
 */
export function relativeGap(sigmas: readonly number[], k: number): number {
  return (sigmas[k - 1] - (sigmas[k] ?? 0)) / sigmas[k - 1];
}

/**
 * Entry-wise difference `X − Y` of two equally shaped matrices.
 *
 * @example `subtract(rf, vecAvecG) // KFAC's residual`
 */
export function subtract(x: Matrix, y: Matrix): Matrix {
  return { rows: x.rows, cols: x.cols, data: x.data.map((v, k) => v - y.data[k]) };
}

/**
 * Entry-wise sum `X + Y` of two equally shaped matrices.
 *
 * @example `add(vecAvecG, residualPair)`
 */
export function add(x: Matrix, y: Matrix): Matrix {
  return { rows: x.rows, cols: x.cols, data: x.data.map((v, k) => v + y.data[k]) };
}

function columnMajor(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[i + j * m.rows] = m.data[i * m.cols + j];
  return out;
}

function scaledGram(z: Matrix, s: number): Matrix {
  const d = z.cols;
  const data = new Float64Array(d * d);
  for (let i = 0; i < z.rows; i++) {
    for (let p = 0; p < d; p++) {
      const zp = z.data[i * d + p];
      for (let q = 0; q < d; q++) data[p * d + q] += zp * z.data[i * d + q];
    }
  }
  for (let k = 0; k < data.length; k++) data[k] *= s;
  return { rows: d, cols: d, data };
}
