/**
 * Householder reduction of a dense symmetric matrix to tridiagonal form, `Qᵀ A Q = T`
 * (internal to the eigen-solvers; not re-exported).
 *
 * Storage is row-major and only the upper triangle is read and written, so the reflector of
 * step k comes from the contiguous row k, `H_k = I − β_k v_k v_kᵀ`. The rank-two update of step
 * k (`A₂₂ ← A₂₂ − v wᵀ − w vᵀ`, `w = p − (β pᵀv / 2) v`, `p = β A₂₂ v`) and the symmetric
 * matrix–vector product of step k + 1 are fused into one sweep over the trailing triangle, so the
 * matrix is streamed through the cache once per step instead of twice.
 */
export interface HouseholderTridiagonal {
  /** Order of the matrix. */
  n: number;
  /** Diagonal of T. */
  d: Float64Array;
  /** Off-diagonal of T: `e[i] = T[i][i+1]`; `e[n − 1] = 0`. */
  e: Float64Array;
  /** Row k holds v_k in columns k + 1 … n − 1 (row-major n × n work array). */
  reflectors: Float64Array;
  /** `β_k` of each reflector (0 where step k needed none). */
  beta: Float64Array;
}

/**
 * Reduces the symmetric `a` (row-major n × n, overwritten; only its upper triangle is used).
 * @example `const t = householderTridiagonal(a.data.slice(), n)`
 */
export function householderTridiagonal(a: Float64Array, n: number): HouseholderTridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const beta = new Float64Array(n);
  if (n <= 2) {
    for (let i = 0; i < n; i++) d[i] = a[i * n + i];
    if (n === 2) e[0] = a[1];
    return { n, d, e, reflectors: a, beta };
  }
  let v = new Float64Array(n);
  let u = new Float64Array(n);
  const w = new Float64Array(n);
  const p = new Float64Array(n);
  // Step 0 set-up: reflector from row 0 and p = A₂₂ v (plain symmetric product).
  makeReflector(a, n, 0, beta, e, v);
  if (beta[0] !== 0) fusedSweep(a, n, 1, false, v, w, v, p);
  for (let k = 0; k <= n - 3; k++) {
    const rk = k * n;
    d[k] = a[rk + k];
    const b = beta[k];
    const update = b !== 0;
    if (update) {
      let pv = 0;
      for (let j = k + 1; j < n; j++) {
        p[j] *= b;
        pv += p[j] * v[j];
      }
      const half = 0.5 * b * pv;
      for (let j = k + 1; j < n; j++) w[j] = p[j] - half * v[j];
    }
    const r = k + 1;
    const rr = r * n;
    if (update) {
      const vr = v[r];
      const wr = w[r];
      for (let j = r; j < n; j++) a[rr + j] -= vr * w[j] + wr * v[j];
    }
    if (r <= n - 3) {
      makeReflector(a, n, r, beta, e, u);
      if (update || beta[r] !== 0) fusedSweep(a, n, r + 1, update, v, w, beta[r] !== 0 ? u : null, p);
      const t = v;
      v = u;
      u = t;
    } else if (update) {
      const last = n - 1;
      a[last * n + last] -= 2 * v[last] * w[last];
    }
  }
  d[n - 2] = a[(n - 2) * n + n - 2];
  d[n - 1] = a[n * n - 1];
  e[n - 2] = a[(n - 2) * n + n - 1];
  return { n, d, e, reflectors: a, beta };
}

/**
 * Householder vector of row k: maps `x = a[k][k+1…]` to `α e₁`, `α = −sign(x₀)‖x‖`.
 * Stores `v` (with `v₀ = x₀ − α`) back into the row and into `out`, `β = −1/(α v₀)`, `e[k] = α`.
 */
function makeReflector(
  a: Float64Array,
  n: number,
  k: number,
  beta: Float64Array,
  e: Float64Array,
  out: Float64Array,
): void {
  const rk = k * n;
  const x0 = a[rk + k + 1];
  let scale = 0;
  for (let j = k + 1; j < n; j++) scale = Math.max(scale, Math.abs(a[rk + j]));
  let tail = 0;
  if (scale > 0) {
    for (let j = k + 2; j < n; j++) {
      const t = a[rk + j] / scale;
      tail += t * t;
    }
  }
  if (tail === 0) {
    beta[k] = 0;
    e[k] = x0;
    return;
  }
  const t0 = x0 / scale;
  const norm = scale * Math.sqrt(t0 * t0 + tail);
  const alpha = x0 >= 0 ? -norm : norm;
  const v0 = x0 - alpha;
  a[rk + k + 1] = v0;
  beta[k] = -1 / (alpha * v0);
  e[k] = alpha;
  for (let j = k + 1; j < n; j++) out[j] = a[rk + j];
}

/**
 * One pass over the upper triangle of rows `start … n − 1`: optionally applies the rank-two
 * update `a −= v wᵀ + w vᵀ`, then (when `u` is given) accumulates `p = A u` on the updated rows.
 */
function fusedSweep(
  a: Float64Array,
  n: number,
  start: number,
  update: boolean,
  v: Float64Array,
  w: Float64Array,
  u: Float64Array | null,
  p: Float64Array,
): void {
  if (u === null) {
    if (!update) return;
    for (let i = start; i < n; i++) {
      const ri = i * n;
      const vi = v[i];
      const wi = w[i];
      for (let j = i; j < n; j++) a[ri + j] -= vi * w[j] + wi * v[j];
    }
    return;
  }
  for (let j = start; j < n; j++) p[j] = 0;
  for (let i = start; i < n; i++) {
    const ri = i * n;
    const ui = u[i];
    // Two accumulators break the serial dependency of the dot product on the add latency.
    let s0: number;
    let s1 = 0;
    let j = i + 1;
    if (update) {
      const vi = v[i];
      const wi = w[i];
      const aii = a[ri + i] - 2 * vi * wi;
      a[ri + i] = aii;
      s0 = aii * ui;
      for (; j + 1 < n; j += 2) {
        const x0 = a[ri + j] - (vi * w[j] + wi * v[j]);
        const x1 = a[ri + j + 1] - (vi * w[j + 1] + wi * v[j + 1]);
        a[ri + j] = x0;
        a[ri + j + 1] = x1;
        s0 += x0 * u[j];
        s1 += x1 * u[j + 1];
        p[j] += x0 * ui;
        p[j + 1] += x1 * ui;
      }
      if (j < n) {
        const x0 = a[ri + j] - (vi * w[j] + wi * v[j]);
        a[ri + j] = x0;
        s0 += x0 * u[j];
        p[j] += x0 * ui;
      }
    } else {
      s0 = a[ri + i] * ui;
      for (; j + 1 < n; j += 2) {
        const x0 = a[ri + j];
        const x1 = a[ri + j + 1];
        s0 += x0 * u[j];
        s1 += x1 * u[j + 1];
        p[j] += x0 * ui;
        p[j + 1] += x1 * ui;
      }
      if (j < n) {
        s0 += a[ri + j] * u[j];
        p[j] += a[ri + j] * ui;
      }
    }
    p[i] += s0 + s1;
  }
}

/**
 * Forms `W = Qᵀ = H_{n−3} ⋯ H_0` (row-major n × n) from the stored reflectors by backward
 * accumulation, `W ← W H_k H_{k−1} H_{k−2} H_{k−3}`, four reflectors per pass over the rows:
 * per row, one pass takes the four dot products `d_a = w·v_a`, the coefficients follow from the
 * small Gram matrix `v_a·v_b` (`f_k = β_k d_k`, `f_{k−1} = β_{k−1}(d_{k−1} − f_k v_k·v_{k−1})`, …),
 * and a second pass subtracts `Σ_a f_a v_a` — each row element is loaded twice per four
 * reflectors instead of twice per reflector.
 * @example `const w = accumulateTransposedQ(householderTridiagonal(work, n))`
 */
export function accumulateTransposedQ(t: HouseholderTridiagonal): Float64Array {
  const { n, reflectors: a, beta } = t;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  const v0 = new Float64Array(n);
  const v1 = new Float64Array(n);
  const v2 = new Float64Array(n);
  const v3 = new Float64Array(n);
  const vs = [v0, v1, v2, v3];
  let k = n - 3;
  for (; k >= 3; k -= 4) {
    // Reflectors k, k−1, k−2, k−3 (applied in that order), zero-padded to length n.
    const b0 = beta[k];
    const b1 = beta[k - 1];
    const b2 = beta[k - 2];
    const b3 = beta[k - 3];
    if (b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0) continue;
    for (let q = 0; q < 4; q++) {
      const vq = vs[q];
      const kq = k - q;
      vq.fill(0);
      if (beta[kq] !== 0) for (let j = kq + 1; j < n; j++) vq[j] = a[kq * n + j];
    }
    const start = k - 2; // first column where any of the four is non-zero
    const g01 = dotFrom(v0, v1, start, n);
    const g02 = dotFrom(v0, v2, start, n);
    const g03 = dotFrom(v0, v3, start, n);
    const g12 = dotFrom(v1, v2, start, n);
    const g13 = dotFrom(v1, v3, start, n);
    const g23 = dotFrom(v2, v3, start, n);
    for (let r = start; r < n; r++) {
      const rr = r * n;
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      for (let j = start; j < n; j++) {
        const x = w[rr + j];
        d0 += x * v0[j];
        d1 += x * v1[j];
        d2 += x * v2[j];
        d3 += x * v3[j];
      }
      const f0 = b0 * d0;
      const f1 = b1 * (d1 - f0 * g01);
      const f2 = b2 * (d2 - f0 * g02 - f1 * g12);
      const f3 = b3 * (d3 - f0 * g03 - f1 * g13 - f2 * g23);
      if (f0 === 0 && f1 === 0 && f2 === 0 && f3 === 0) continue;
      for (let j = start; j < n; j++) w[rr + j] -= f0 * v0[j] + f1 * v1[j] + f2 * v2[j] + f3 * v3[j];
    }
  }
  for (; k >= 0; k--) {
    const b = beta[k];
    if (b === 0) continue;
    const rk = k * n;
    for (let r = k + 1; r < n; r++) {
      const rr = r * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += w[rr + j] * a[rk + j];
      const f = b * s;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) w[rr + j] -= f * a[rk + j];
    }
  }
  return w;
}

function dotFrom(x: Float64Array, y: Float64Array, start: number, n: number): number {
  let s = 0;
  for (let j = start; j < n; j++) s += x[j] * y[j];
  return s;
}

/**
 * Forms `Q = H_0 H_1 ⋯ H_{n−3}` (row-major n × n).
 * @example `const q = accumulateQ(householderTridiagonal(work, n))`
 */
export function accumulateQ(t: HouseholderTridiagonal): Float64Array {
  const w = accumulateTransposedQ(t);
  const n = t.n;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const x = w[i * n + j];
      w[i * n + j] = w[j * n + i];
      w[j * n + i] = x;
    }
  }
  return w;
}
