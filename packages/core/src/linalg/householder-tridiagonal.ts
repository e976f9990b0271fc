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
import { gemmNT } from './gemm-kernel.js';
import { compactWyFactor, gatherReflectorBlock } from './householder-back-transform.js';
import { tridiagonalWorkspace, type TridiagonalWorkspace } from './tridiagonal-wasm.js';


/** Columns with max |entry| below this are treated as zero (see makeReflector). */
const NEGLIGIBLE_COLUMN = 1e-150;
/**
 * Orders from which the fused sweeps run their four-row bulk on the WebAssembly SIMD kernel
 * (`tridiagonal-wasm.ts`), the matrix copied into the kernel's memory and back.
 */
export const WASM_TRIDIAGONAL_MIN_ORDER = 48;

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
 * From {@link WASM_TRIDIAGONAL_MIN_ORDER} on, where the runtime has WebAssembly SIMD, the work
 * happens on a copy in the kernel's memory, copied back at the end.
 * @example `const t = householderTridiagonal(a.data.slice(), n)`
 */
export function householderTridiagonal(a: Float64Array, n: number): HouseholderTridiagonal {
  const ws = n >= WASM_TRIDIAGONAL_MIN_ORDER ? tridiagonalWorkspace(n) : null;
  if (ws === null) return reduce(a, n, null);
  ws.a.set(a.subarray(0, n * n));
  const t = reduce(ws.a, n, ws);
  a.set(ws.a);
  return { ...t, reflectors: a };
}

function reduce(a: Float64Array, n: number, ws: TridiagonalWorkspace | null): HouseholderTridiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const beta = new Float64Array(n);
  if (n <= 2) {
    for (let i = 0; i < n; i++) d[i] = a[i * n + i];
    if (n === 2) e[0] = a[1];
    return { n, d, e, reflectors: a, beta };
  }
  let v = ws === null ? new Float64Array(n) : ws.v;
  let u = ws === null ? new Float64Array(n) : ws.u;
  const w = ws === null ? new Float64Array(n) : ws.w;
  const p = ws === null ? new Float64Array(n) : ws.p;
  // Step 0 set-up: reflector from row 0 and p = A₂₂ v (plain symmetric product).
  makeReflector(a, n, 0, beta, e, v);
  if (beta[0] !== 0) fusedSweep(a, n, 1, false, v, w, v, p, ws);
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
      if (update || beta[r] !== 0) fusedSweep(a, n, r + 1, update, v, w, beta[r] !== 0 ? u : null, p, ws);
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
  // A column this small is zero for the reduction (symmetricEigen scales its input into
  // [2⁻⁶⁴, 2⁶⁴] first, so this is far below ε‖A‖); building its reflector would underflow α·v₀
  // and turn β, and then the whole trailing block, into NaN.
  if (tail === 0 || scale < NEGLIGIBLE_COLUMN) {
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
  ws: TridiagonalWorkspace | null,
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
  let i = start;
  if (update && ws !== null) {
    // Four-row groups: corners and an odd last column here, the column pairs on the kernel.
    const groups = (n - start) >> 2;
    for (let g = 0; g < groups; g++) {
      const i4 = start + 4 * g;
      corner4(a, n, i4, v, w, u, p);
      if ((n - i4 - 4) & 1) lastColumn4(a, n, i4, v, w, u, p);
    }
    ws.sweep4(n, start, groups, v, w, u, p);
    i = start + 4 * groups;
  }
  if (update) {
    // Four rows per pass: the loads of v, w, u and p (and the store of p) are shared.
    for (; i + 3 < n; i += 4) {
      corner4(a, n, i, v, w, u, p);
      const ra = i * n;
      const rb = ra + n;
      const rc = rb + n;
      const rd = rc + n;
      const va = v[i], wa = w[i], ua = u[i];
      const vb = v[i + 1], wb = w[i + 1], ub = u[i + 1];
      const vc = v[i + 2], wc = w[i + 2], uc = u[i + 2];
      const vd = v[i + 3], wd = w[i + 3], ud = u[i + 3];
      let sa = 0;
      let sb = 0;
      let sc = 0;
      let sd = 0;
      for (let j = i + 4; j < n; j++) {
        const vj = v[j];
        const wj = w[j];
        const uj = u[j];
        const x0 = a[ra + j] - (va * wj + wa * vj);
        const x1 = a[rb + j] - (vb * wj + wb * vj);
        const x2 = a[rc + j] - (vc * wj + wc * vj);
        const x3 = a[rd + j] - (vd * wj + wd * vj);
        a[ra + j] = x0;
        a[rb + j] = x1;
        a[rc + j] = x2;
        a[rd + j] = x3;
        sa += x0 * uj;
        sb += x1 * uj;
        sc += x2 * uj;
        sd += x3 * uj;
        p[j] += x0 * ua + x1 * ub + (x2 * uc + x3 * ud);
      }
      p[i] += sa;
      p[i + 1] += sb;
      p[i + 2] += sc;
      p[i + 3] += sd;
    }
    // Two rows per pass for what is left.
    for (; i + 2 < n; i += 2) {
      const ra = i * n;
      const rb = ra + n;
      const ib = i + 1;
      const va = v[i];
      const wa = w[i];
      const ua = u[i];
      const vb = v[ib];
      const wb = w[ib];
      const ub = u[ib];
      const aaa = a[ra + i] - 2 * va * wa;
      a[ra + i] = aaa;
      const aab = a[ra + ib] - (va * w[ib] + wa * vb);
      a[ra + ib] = aab;
      const abb = a[rb + ib] - 2 * vb * wb;
      a[rb + ib] = abb;
      let sa = aaa * ua + aab * ub;
      let sb = abb * ub;
      p[ib] += aab * ua;
      for (let j = i + 2; j < n; j++) {
        const vj = v[j];
        const wj = w[j];
        const uj = u[j];
        const x0 = a[ra + j] - (va * wj + wa * vj);
        const x1 = a[rb + j] - (vb * wj + wb * vj);
        a[ra + j] = x0;
        a[rb + j] = x1;
        sa += x0 * uj;
        sb += x1 * uj;
        p[j] += x0 * ua + x1 * ub;
      }
      p[i] += sa;
      p[ib] += sb;
    }
  }
  for (; i < n; i++) {
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

/** The 4 × 4 upper-triangular corner of the row group i of a fused sweep, element by element. */
function corner4(a: Float64Array, n: number, i: number, v: Float64Array, w: Float64Array, u: Float64Array, p: Float64Array): void {
  for (let r = i; r < i + 4; r++) {
    const rr = r * n;
    const vr = v[r];
    const wr = w[r];
    const ur = u[r];
    const xd = a[rr + r] - 2 * vr * wr;
    a[rr + r] = xd;
    let s = xd * ur;
    for (let c = r + 1; c < i + 4; c++) {
      const x = a[rr + c] - (vr * w[c] + wr * v[c]);
      a[rr + c] = x;
      s += x * u[c];
      p[c] += x * ur;
    }
    p[r] += s;
  }
}

/** Column n − 1 of the row group i of a fused sweep (left over by the kernel's column pairs). */
function lastColumn4(a: Float64Array, n: number, i: number, v: Float64Array, w: Float64Array, u: Float64Array, p: Float64Array): void {
  const j = n - 1;
  const vj = v[j];
  const wj = w[j];
  const uj = u[j];
  let pj = 0;
  for (let r = i; r < i + 4; r++) {
    const at = r * n + j;
    const x = a[at] - (v[r] * wj + w[r] * vj);
    a[at] = x;
    p[r] += x * uj;
    pj += x * u[r];
  }
  p[j] += pj;
}

/** Number of reflectors per block of the blocked accumulation. */
const QB = 32;

/**
 * Forms `W = Qᵀ = H_{n−3} ⋯ H_0` (row-major n × n) from the stored reflectors by backward
 * accumulation in blocks of {@link QB} reflectors, with the compact WY form
 * `H_j ⋯ H_{j+b−1} = I − V T Vᵀ` (V: the b reflectors as columns, T: b × b upper triangular,
 * `T_ii = β_i`, `T[<i, i] = −β_i T[<i, <i] (V[:, <i]ᵀ v_i)`): each block is
 * `W ← W − (W V) Tᵀ Vᵀ`, two matrix products on the shared register-blocked kernel
 * (`gemm-kernel.ts`), restricted to rows and columns ≥ j + 1 where W differs from I.
 * @example `const w = accumulateTransposedQ(householderTridiagonal(work, n))`
 */
export function accumulateTransposedQ(t: HouseholderTridiagonal): Float64Array {
  const { n, reflectors: a, beta } = t;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  if (n <= 2) return w;
  const vt = new Float64Array(QB * n); // block reflectors as rows (zero-padded), stride n
  const v = new Float64Array(n * QB); // their transpose, rows c ≥ j + 1, stride QB
  const y = new Float64Array(n * QB); // −W V, then X = (W V) Tᵀ, stride QB
  const tm = new Float64Array(QB * QB);
  for (let j1 = n - 2; j1 > 0; j1 -= QB) {
    const j0 = Math.max(0, j1 - QB);
    const b = j1 - j0;
    if (!gatherReflectorBlock(a, n, beta, j0, b, vt, v, QB)) continue;
    const c0 = j0 + 1; // first row/column touched
    const m = n - c0;
    compactWyFactor(vt, n, beta, j0, b, tm, QB);
    // y = −W[c0…, c0…] V.
    y.fill(0, 0, m * QB);
    gemmNT(m, b, m, w, c0 * n + c0, n, vt, c0, n, y, 0, QB);
    // X = (W V) Tᵀ = −y Tᵀ, in place per row: X[r][t] = −Σ_{s ≥ t} y[r][s] T[t][s].
    for (let r = 0; r < m; r++) {
      const rr = r * QB;
      for (let tt = 0; tt < b; tt++) {
        let d = 0;
        for (let s = tt; s < b; s++) d += y[rr + s] * tm[tt * QB + s];
        y[rr + tt] = -d;
      }
    }
    // W[c0…, c0…] −= X Vᵀ.
    gemmNT(m, m, b, y, 0, QB, v, 0, QB, w, c0 * n + c0, n);
  }
  return w;
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
