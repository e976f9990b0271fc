/** Singular value decomposition `B = P diag(s) Qᵀ` of a small square matrix (internal). */
export interface SmallSvd {
  /** Singular values, descending. */
  s: Float64Array;
  /** Left singular vectors: `p[j]` is column j of P (orthonormal, completed where s_j ≈ 0). */
  p: Float64Array[];
  /** Right singular vectors: `q[j]` is column j of Q (orthonormal). */
  q: Float64Array[];
}

/**
 * SVD of an n × n row-major matrix by one-sided (Hestenes) Jacobi: plane rotations `B Q = W`
 * until the columns of W are orthogonal to `|w_iᵀw_j| ≤ ε‖w_i‖‖w_j‖`, then `s_j = ‖w_j‖`,
 * `p_j = w_j / s_j`. Accurate to high relative precision, including small singular values.
 * Left vectors of (numerically) zero singular values are completed by Gram–Schmidt on the unit
 * vectors e₀, e₁, … (e_{n−1} last, so that they avoid the last row when they can — the row that
 * carries the Lanczos residual).
 *
 * @example
 * ```ts
 * const { s, p, q } = smallSvd(new Float64Array([3, 0, 0, 4]), 2); // s = [4, 3]
 * ```
 */
export function smallSvd(b: Float64Array, n: number): SmallSvd {
  const w: Float64Array[] = [];
  const v: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = b[i * n + j];
    w.push(col);
    const e = new Float64Array(n);
    e[j] = 1;
    v.push(e);
  }
  const eps = 2.220446049250313e-16;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let i = 0; i < n - 1; i++) {
      for (let j = i + 1; j < n; j++) {
        const wi = w[i];
        const wj = w[j];
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let r = 0; r < n; r++) {
          alpha += wi[r] * wi[r];
          beta += wj[r] * wj[r];
          gamma += wi[r] * wj[r];
        }
        if (gamma === 0 || Math.abs(gamma) <= eps * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(wi, wj, c, s);
        rotate(v[i], v[j], c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = w.map(norm);
  const order = norms.map((_, j) => j).sort((x, y) => norms[y] - norms[x]);
  const s = new Float64Array(order.map((j) => norms[j]));
  const q = order.map((j) => v[j]);
  const threshold = n * eps * (s[0] ?? 0);
  const p: Float64Array[] = [];
  const missing: number[] = [];
  order.forEach((j, rank) => {
    if (s[rank] > threshold && s[rank] > 0) {
      p.push(w[j].map((x) => x / s[rank]));
    } else {
      p.push(new Float64Array(n));
      missing.push(rank);
    }
  });
  completeBasis(p, missing, n);
  return { s, p, q };
}

function rotate(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let r = 0; r < x.length; r++) {
    const a = x[r];
    const b = y[r];
    x[r] = c * a - s * b;
    y[r] = s * a + c * b;
  }
}

function norm(x: Float64Array): number {
  let t = 0;
  for (let r = 0; r < x.length; r++) t += x[r] * x[r];
  return Math.sqrt(t);
}

/**
 * Fills the columns listed in `missing` with unit vectors orthogonal to all the others: the first
 * unit vector e_i (in index order) whose orthogonal residual keeps more than half its norm, else the
 * one that keeps the most.
 */
function completeBasis(p: Float64Array[], missing: number[], n: number): void {
  const filled = p.filter((_, j) => !missing.includes(j));
  for (const j of missing) {
    let best: Float64Array | undefined;
    let bestNorm = -1;
    for (let i = 0; i < n; i++) {
      const e = new Float64Array(n);
      e[i] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const f of filled) {
          let d = 0;
          for (let r = 0; r < n; r++) d += f[r] * e[r];
          for (let r = 0; r < n; r++) e[r] -= d * f[r];
        }
      }
      const en = norm(e);
      if (en > bestNorm) {
        best = e;
        bestNorm = en;
      }
      if (en > 0.5) break;
    }
    if (best === undefined || bestNorm <= 0) break;
    for (let r = 0; r < n; r++) best[r] /= bestNorm;
    p[j] = best;
    filled.push(best);
  }
}
