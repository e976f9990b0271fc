/**
 * Typed errors raised by fisherkit. Every message names the problem and the fix, so a
 * caller (or the CLI, which maps them to exit code 2) can show it to a person as it is.
 *
 * @example
 * ```ts
 * try { cholesky(m); } catch (e) { if (e instanceof NotPositiveDefiniteError) console.log(e.pivot); }
 * ```
 */
export class FisherkitError extends Error {
  /** A stable machine-readable code, e.g. `shape`, `non-finite`, `option`. */
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A matrix or array has the wrong shape (non-square, mismatched sizes, ragged rows). */
export class ShapeError extends FisherkitError {
  constructor(message: string) {
    super('shape', message);
  }
}

/** An input holds NaN or ±Infinity. */
export class NonFiniteError extends FisherkitError {
  constructor(message: string) {
    super('non-finite', message);
  }
}

/** An option has a value outside its domain, or an unknown name. */
export class OptionError extends FisherkitError {
  constructor(message: string) {
    super('option', message);
  }
}

/** A matrix that must be symmetric positive definite is not; `pivot` is the failing index. */
export class NotPositiveDefiniteError extends FisherkitError {
  readonly pivot: number;
  readonly value: number;
  constructor(pivot: number, value: number, what = 'matrix') {
    super(
      'not-positive-definite',
      `${what} is not positive definite: Cholesky pivot ${pivot} is ${value} (must be > 0). ` +
        'Add damping (a multiple of the identity) or check the input for rank deficiency.',
    );
    this.pivot = pivot;
    this.value = value;
  }
}

/** An iterative method stopped at its iteration cap before meeting its tolerance. */
export class ConvergenceError extends FisherkitError {
  constructor(message: string) {
    super('convergence', message);
  }
}
