/**
 * Dense references from ml-matrix for the kronecker tests (test-only file; imports a dev dependency).
 */
import { EigenvalueDecomposition, Matrix as MlMatrix, SVD } from 'ml-matrix';
import type { Matrix } from '../matrix/matrix.js';
import { toRows, zeros } from '../matrix/matrix.js';

/** Singular values (descending) and the truncated `Σ_{j<k} σ_j u_j v_jᵀ` of a dense matrix. */
export function denseSvd(r: Matrix): { sigmas: number[]; truncated(k: number): Matrix } {
  const svd = new SVD(new MlMatrix(toRows(r)), { autoTranspose: true });
  const sigmas = svd.diagonal;
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  return {
    sigmas,
    truncated(k: number): Matrix {
      const out = zeros(r.rows, r.cols);
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < r.rows; i++) {
          const s = sigmas[j] * u.get(i, j);
          for (let l = 0; l < r.cols; l++) out.data[i * r.cols + l] += s * v.get(l, j);
        }
      }
      return out;
    },
  };
}

/** Eigenvalues of a dense symmetric matrix, descending. */
export function denseEigenvalues(m: Matrix): number[] {
  const e = new EigenvalueDecomposition(new MlMatrix(toRows(m)), { assumeSymmetric: true });
  return [...e.realEigenvalues].sort((x, y) => y - x);
}
