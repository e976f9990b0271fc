import { OptionError } from '../errors.js';

/**
 * A faster dense Float64 matrix product that the linear-algebra routines may hand their large
 * products to (a native BLAS-like kernel, such as `@fisherkit/matmul-onnx`'s
 * `installOnnxFloat64Products`). It computes, on dense row-major operands,
 *
 *     out = c − a · bᵀ        (a: m × k, b: n × k, c and out: m × n)
 *
 * and must overwrite every entry of `out`; `out` overlaps none of `a`, `b`, `c`.
 */
export interface Float64ProductProvider {
  /** A short name for reports, e.g. `'onnxruntime-node 1.30.0 DGEMM, 1 thread'`. */
  readonly name: string;
  /** Products with fewer multiply-adds (m·n·k) stay on the built-in kernels. */
  readonly minWork: number;
  /** `out ← c − a · bᵀ` (see {@link Float64ProductProvider}). */
  subtractProductNT(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, out: Float64Array): void;
  /**
   * Optional: `out ← c − a · b` with `b` k × n (not transposed). With it, the triangular solves
   * keep the right-hand sides' rows in place (no transposes, no packing of the large operand).
   */
  subtractProductNN?(m: number, n: number, k: number, a: Float64Array, b: Float64Array, c: Float64Array, out: Float64Array): void;
}

let current: Float64ProductProvider | undefined;

/**
 * Routes the large matrix products of every Float64 linear-algebra routine (Cholesky, triangular
 * solves, `spdInverse`, `symmetricEigen`, `generalizedSymmetricEigen`, the compressed R(F)
 * products) through `provider` until the returned function is called: each
 * `C −= A Bᵀ` with m·n·k ≥ `provider.minWork` runs on the provider (operands with padded rows,
 * such as a block of a larger matrix, are packed into dense scratch first and C copied back). Smaller products, and everything when no
 * provider is set, run on the built-in WebAssembly SIMD / JavaScript kernels.
 *
 * Results agree with the built-in kernels to rounding (the provider may sum in another order),
 * not bit for bit. One provider at a time: a second call while one is set throws.
 *
 * @returns a function that restores the built-in kernels (idempotent).
 * @throws {OptionError} when a provider is already set, or `provider` lacks `productNT` or a
 *   finite `minWork` ≥ 0.
 * @example
 * ```ts
 * const restore = useFloat64Products({ name: 'mine', minWork: 1 << 20, subtractProductNT: (m, n, k, a, b, c, out) => { … } });
 * const { values, vectors } = symmetricEigen(a); // large products on the provider
 * restore();
 * ```
 */
export function useFloat64Products(provider: Float64ProductProvider): () => void {
  if (current !== undefined) {
    throw new OptionError(
      `useFloat64Products: the provider "${current.name}" is already set; call the function returned by its useFloat64Products() first`,
    );
  }
  if (typeof provider?.subtractProductNT !== 'function') {
    throw new OptionError(
      'useFloat64Products: provider.subtractProductNT must be a function (m, n, k, a, b, c, out) => void computing out = c − a·bᵀ',
    );
  }
  if (provider.subtractProductNN !== undefined && typeof provider.subtractProductNN !== 'function') {
    throw new OptionError('useFloat64Products: provider.subtractProductNN, when given, must be a function (m, n, k, a, b, c, out) => void computing out = c − a·b');
  }
  if (typeof provider.minWork !== 'number' || !Number.isFinite(provider.minWork) || provider.minWork < 0) {
    throw new OptionError(`useFloat64Products: provider.minWork must be a finite number ≥ 0 (multiply-adds m·n·k), got ${String(provider.minWork)}`);
  }
  current = provider;
  return () => {
    if (current === provider) {
      current = undefined;
      scratch = new Float64Array(0);
      packed = new Float64Array(0);
    }
  };
}

/**
 * The provider set by {@link useFloat64Products}, or `undefined` when the built-in kernels run.
 * @example `const where = float64ProductProvider()?.name ?? 'built-in wasm kernels'`
 */
export function float64ProductProvider(): Float64ProductProvider | undefined {
  return current;
}

let scratch = new Float64Array(0);
let packed = new Float64Array(0);

/** One scratch buffer for the packed operands and the product, grown as needed and kept. */
function scratchOf(words: number): Float64Array {
  if (scratch.length < words) scratch = new Float64Array(Math.max(words, Math.ceil(scratch.length * 1.5)));
  return scratch;
}

/**
 * Rows `0 … rows−1` (each `cols` long, `ld` apart from `xo`) copied densely into a scratch buffer
 * of their own, which stays valid until the next call. Internal, for operands used many times.
 */
export function packedRows(x: Float64Array, xo: number, ld: number, rows: number, cols: number): Float64Array {
  if (packed.length < rows * cols) packed = new Float64Array(rows * cols);
  return dense(x, xo, ld, rows, cols, packed);
}

/** A dense rows × cols view of a strided operand: the operand itself when its rows are not padded, else a packed copy into `into`. */
function dense(x: Float64Array, xo: number, ld: number, rows: number, cols: number, into: Float64Array): Float64Array {
  if (ld === cols) return x.subarray(xo, xo + rows * cols);
  for (let i = 0; i < rows; i++) into.set(x.subarray(xo + i * ld, xo + i * ld + cols), i * cols);
  return into.subarray(0, rows * cols);
}

/**
 * `C[i][j] −= Σ_p A[i][p] · B[j][p]` (strided, as `gemmNT`) on the provider, for the entries
 * `j ≤ i + off` only when `off` is given (the rest of C is left untouched). Internal: called by
 * `gemmNT` / `gemmNTLower` when a provider is set and the product is large enough. Every copy
 * is a row-segment `set` (a memory copy), cheaper than an element loop over C.
 */
export function gemmNTOnProvider(
  provider: Float64ProductProvider,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  ldb: number,
  c: Float64Array,
  co: number,
  ldc: number,
  off?: number,
): void {
  const packA = lda === k ? 0 : m * k;
  const packB = ldb === k ? 0 : n * k;
  const mn = m * n;
  const s = scratchOf(packA + packB + 2 * mn);
  const ad = dense(a, ao, lda, m, k, s.subarray(0, packA));
  const bd = dense(b, bo, ldb, n, k, s.subarray(packA, packA + packB));
  const cd = dense(c, co, ldc, m, n, s.subarray(packA + packB, packA + packB + mn));
  const out = s.subarray(packA + packB + mn, packA + packB + 2 * mn);
  provider.subtractProductNT(m, n, k, ad, bd, cd, out);
  for (let i = 0; i < m; i++) {
    const cols = off === undefined ? n : Math.min(n, i + off + 1);
    if (cols > 0) c.set(out.subarray(i * n, i * n + cols), co + i * ldc);
  }
}

/**
 * `C[i][j] −= Σ_p A[i][p] · B[p][j]` for `i < m`, `j < n` on the provider's `subtractProductNN`,
 * where B's and C's rows are dense (k × n and m × n, `n` apart, from `bo` and `co`) and A is
 * strided (`lda`; packed first unless dense). Internal: the row-layout triangular solves.
 */
export function gemmNNRowsOnProvider(
  provider: Float64ProductProvider,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  ao: number,
  lda: number,
  b: Float64Array,
  bo: number,
  c: Float64Array,
  co: number,
): void {
  const packA = lda === k ? 0 : m * k;
  const s = scratchOf(packA + m * n);
  const ad = dense(a, ao, lda, m, k, s.subarray(0, packA));
  const out = s.subarray(packA, packA + m * n);
  provider.subtractProductNN!(m, n, k, ad, b.subarray(bo, bo + k * n), c.subarray(co, co + m * n), out);
  c.set(out, co);
}
