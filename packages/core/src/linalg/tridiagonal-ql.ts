import { ConvergenceError } from '../errors.js';

const EPS = Number.EPSILON;
const MAX_SWEEPS_PER_EIGENVALUE = 60;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Eigenvalues of the symmetric tridiagonal matrix `T = tridiag(e, d, e)` by implicit QL sweeps
 * with Wilkinson shifts (internal to the eigen-solvers; not re-exported).
 *
 * On return `d` holds the eigenvalues (unsorted) and `e` is destroyed. When `v` is given
 * (row-major n × n) the plane rotations are applied to its columns, so if `v = W` on entry it
 * holds `W Z` on return, where `T = Z diag(d) Zᵀ`: column k is the eigenvector of `d[k]`.
 *
 * The rotations do not depend on `v`, so they are recorded in batches and then applied row by
 * row: each sweep `G(m−1) ⋯ G(l)` touches a contiguous stretch of one row of `v` with the
 * running entry held in a register, and a whole batch of sweeps reuses that row from L1 cache,
 * instead of streaming the full matrix through memory once per sweep.
 *
 * A subdiagonal entry is treated as zero when `|e_m| ≤ ε (|d_m| + |d_{m+1}|)` or
 * `|e_m| ≤ ε ‖T‖` (a backward-stable perturbation), so clusters of (near-)zero eigenvalues of
 * low-rank matrices converge too; the local test alone never fires on such clusters.
 *
 * @example `tridiagonalQl(d, e, q, n)`
 */
export function tridiagonalQl(d: Float64Array, e: Float64Array, v: Float64Array | null, n: number): void {
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
  // Subnormal off-diagonals count as zero too: where the whole block is that small (a leaf of
  // divide and conquer, a dead unit's corner) ε‖T‖ underflows and the shifts lose all precision.
  const floor = Math.max(EPS * norm, MIN_NORMAL);
  e[n - 1] = 0;
  const batch = v === null ? null : new RotationBatch(Math.max(4 * n, 1 << 15));
  for (let l = 0; l < n; l++) {
    let sweeps = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const em = Math.abs(e[m]);
        if (em <= EPS * (Math.abs(d[m]) + Math.abs(d[m + 1])) || em <= floor) break;
      }
      if (m === l) break;
      if (++sweeps > MAX_SWEEPS_PER_EIGENVALUE) {
        throw new ConvergenceError(
          `symmetric eigensolver: eigenvalue ${l} did not converge in ${MAX_SWEEPS_PER_EIGENVALUE} QL sweeps; ` +
            'the input probably holds values near overflow — rescale it',
        );
      }
      if (batch !== null && batch.count + (m - l) > batch.capacity) batch.flush(v as Float64Array, n);
      qlSweep(d, e, batch, l, m);
    }
  }
  if (batch !== null) batch.flush(v as Float64Array, n);
}

/** Recorded sweeps: sweep t rotates positions `lo[t] … hi[t]` with `(c, s)` from `start[t]`. */
class RotationBatch {
  readonly capacity: number;
  readonly c: Float64Array;
  readonly s: Float64Array;
  lo: Int32Array;
  hi: Int32Array;
  count = 0;
  sweeps = 0;
  constructor(capacity: number) {
    this.capacity = capacity;
    this.c = new Float64Array(capacity);
    this.s = new Float64Array(capacity);
    this.lo = new Int32Array(64);
    this.hi = new Int32Array(64);
  }

  /** Opens a sweep over `lo … hi`; its rotations follow from index `count`, for i = hi − 1 down to lo. */
  open(lo: number, hi: number): void {
    if (this.sweeps === this.lo.length) {
      const grow = (x: Int32Array): Int32Array => {
        const y = new Int32Array(x.length * 2);
        y.set(x);
        return y;
      };
      this.lo = grow(this.lo);
      this.hi = grow(this.hi);
    }
    this.lo[this.sweeps] = lo;
    this.hi[this.sweeps] = hi;
    this.sweeps++;
  }

  /** Ends the open sweep early (the block split at `lo`): it now covers `lo … hi`. */
  truncate(lo: number): void {
    this.lo[this.sweeps - 1] = lo;
  }

  /**
   * Applies every recorded sweep to the columns of row-major `v`, then empties the batch.
   * Eight rows at a time: the running entry of a sweep is a serial dependency, so eight
   * independent chains keep the floating-point units busy and share each `(c, s)` load.
   */
  flush(v: Float64Array, n: number): void {
    let row = 0;
    for (; row + 7 < n; row += 8) this.applyToEightRows(v, row * n, n);
    for (; row < n; row++) this.applyToRow(v, row * n);
    this.count = 0;
    this.sweeps = 0;
  }

  private applyToEightRows(v: Float64Array, b0: number, n: number): void {
    const { c, s, lo, hi, sweeps } = this;
    const b1 = b0 + n;
    const b2 = b1 + n;
    const b3 = b2 + n;
    const b4 = b3 + n;
    const b5 = b4 + n;
    const b6 = b5 + n;
    const b7 = b6 + n;
    let k = 0;
    for (let t = 0; t < sweeps; t++) {
      const l = lo[t];
      const m = hi[t];
      let x0 = v[b0 + m];
      let x1 = v[b1 + m];
      let x2 = v[b2 + m];
      let x3 = v[b3 + m];
      let x4 = v[b4 + m];
      let x5 = v[b5 + m];
      let x6 = v[b6 + m];
      let x7 = v[b7 + m];
      for (let i = m - 1; i >= l; i--) {
        const ck = c[k];
        const sk = s[k];
        k++;
        let y: number;
        y = v[b0 + i];
        v[b0 + i + 1] = sk * y + ck * x0;
        x0 = ck * y - sk * x0;
        y = v[b1 + i];
        v[b1 + i + 1] = sk * y + ck * x1;
        x1 = ck * y - sk * x1;
        y = v[b2 + i];
        v[b2 + i + 1] = sk * y + ck * x2;
        x2 = ck * y - sk * x2;
        y = v[b3 + i];
        v[b3 + i + 1] = sk * y + ck * x3;
        x3 = ck * y - sk * x3;
        y = v[b4 + i];
        v[b4 + i + 1] = sk * y + ck * x4;
        x4 = ck * y - sk * x4;
        y = v[b5 + i];
        v[b5 + i + 1] = sk * y + ck * x5;
        x5 = ck * y - sk * x5;
        y = v[b6 + i];
        v[b6 + i + 1] = sk * y + ck * x6;
        x6 = ck * y - sk * x6;
        y = v[b7 + i];
        v[b7 + i + 1] = sk * y + ck * x7;
        x7 = ck * y - sk * x7;
      }
      v[b0 + l] = x0;
      v[b1 + l] = x1;
      v[b2 + l] = x2;
      v[b3 + l] = x3;
      v[b4 + l] = x4;
      v[b5 + l] = x5;
      v[b6 + l] = x6;
      v[b7 + l] = x7;
    }
  }

  private applyToRow(v: Float64Array, base: number): void {
    const { c, s, lo, hi, sweeps } = this;
    let k = 0;
    for (let t = 0; t < sweeps; t++) {
      const l = lo[t];
      const m = hi[t];
      let x = v[base + m];
      for (let i = m - 1; i >= l; i--) {
        const y = v[base + i];
        const ck = c[k];
        const sk = s[k];
        k++;
        v[base + i + 1] = sk * y + ck * x;
        x = ck * y - sk * x;
      }
      v[base + l] = x;
    }
  }
}

/** One implicit QL sweep with a Wilkinson shift over the unreduced block `l … m`. */
function qlSweep(d: Float64Array, e: Float64Array, batch: RotationBatch | null, l: number, m: number): void {
  // Wilkinson shift from the leading 2 × 2 block of the block (QL chases from the bottom up).
  let g = (d[l + 1] - d[l]) / (2 * e[l]);
  let r = Math.hypot(g, 1);
  g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
  let s = 1;
  let c = 1;
  let p = 0;
  if (batch !== null) batch.open(l, m);
  for (let i = m - 1; i >= l; i--) {
    const f = s * e[i];
    const b = c * e[i];
    r = Math.hypot(f, g);
    e[i + 1] = r;
    if (r === 0) {
      // Underflow: the block splits at i + 1; recover and let the caller search again.
      d[i + 1] -= p;
      e[m] = 0;
      if (batch !== null) batch.truncate(i + 1);
      return;
    }
    s = f / r;
    c = g / r;
    g = d[i + 1] - p;
    r = (d[i] - g) * s + 2 * c * b;
    p = s * r;
    d[i + 1] = g + p;
    g = c * r - b;
    if (batch !== null) {
      batch.c[batch.count] = c;
      batch.s[batch.count] = s;
      batch.count++;
    }
  }
  d[l] -= p;
  e[l] = g;
  e[m] = 0;
}
