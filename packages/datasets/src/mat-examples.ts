import { DataError } from './data-error.js';
import { describeVariable, type MatFile, type MatVariable } from './mat-variable.js';

/** How to find the examples matrix in a MAT-file. */
export interface ExampleMatrixSpec {
  /** What the file is, for messages, e.g. `"FACES file"`. */
  what: string;
  /** Length of one example (784 for 28×28, 625 for 25×25). */
  featureSize: number;
  /** Variable names to try first, in order (e.g. `['bdata']`). */
  preferred: string[];
  /** Examples a candidate must hold (e.g. 103,500 training faces). */
  minExamples: number;
  /** User override of the variable name. */
  variable?: string;
  /** Orientation to assume when the matrix is featureSize × featureSize. */
  examplesAs: 'rows' | 'columns';
}

/** The chosen variable and whether its examples are MATLAB rows or columns. */
export interface ExampleMatrix {
  variable: MatVariable;
  examplesAs: 'rows' | 'columns';
  /** Number of examples the variable holds. */
  count: number;
}

function orientation(v: MatVariable, spec: ExampleMatrixSpec): 'rows' | 'columns' | undefined {
  if (!v.numeric || v.dims.length !== 2) return undefined;
  const [r, c] = v.dims;
  if (r === spec.featureSize && c === spec.featureSize) return spec.examplesAs;
  if (r === spec.featureSize) return 'columns';
  if (c === spec.featureSize) return 'rows';
  return undefined;
}

function fits(v: MatVariable, spec: ExampleMatrixSpec): ExampleMatrix | undefined {
  const as = orientation(v, spec);
  if (!as) return undefined;
  const count = as === 'columns' ? v.dims[1] : v.dims[0];
  return count >= spec.minExamples ? { variable: v, examplesAs: as, count } : undefined;
}

/**
 * Picks the examples matrix of a MAT-file: the `variable` override if given; else the first
 * preferred name that fits; else the only real 2-D numeric variable with one dimension equal to
 * `featureSize` and at least `minExamples` along the other. Examples may be rows (CURVES'
 * 20000×784 `bdata`) or columns (FACES' 625×165600 `newfaces_single`).
 *
 * @throws {@link DataError} listing every variable found when none or several fit.
 * @example
 * ```ts
 * const m = chooseExampleMatrix(mat, { what: 'CURVES file', featureSize: 784, preferred: ['bdata'],
 *   minExamples: 2, examplesAs: 'rows' });
 * ```
 */
export function chooseExampleMatrix(mat: MatFile, spec: ExampleMatrixSpec): ExampleMatrix {
  const found = mat.variables.length ? mat.variables.map(describeVariable).join(', ') : 'none';
  const need = `a real numeric 2-D matrix with one dimension ${spec.featureSize} and at least ${spec.minExamples.toLocaleString('en-US')} examples along the other`;
  if (spec.variable !== undefined) {
    const v = mat.variables.find((x) => x.name === spec.variable);
    if (!v) throw new DataError(`${spec.what} ${mat.path} has no variable '${spec.variable}'; variables found: ${found}`, mat.path);
    const ok = fits(v, spec);
    if (!ok) throw new DataError(`${spec.what} ${mat.path}: variable ${describeVariable(v)} is not ${need}`, mat.path);
    return ok;
  }
  for (const name of spec.preferred) {
    const v = mat.variables.find((x) => x.name === name);
    const ok = v && fits(v, spec);
    if (ok) return ok;
  }
  const candidates = mat.variables.map((v) => fits(v, spec)).filter((x): x is ExampleMatrix => x !== undefined);
  if (candidates.length === 1) return candidates[0];
  const why = candidates.length === 0 ? `no variable is ${need}` : `${candidates.length} variables could be the data (${candidates.map((c) => c.variable.name).join(', ')})`;
  throw new DataError(`${spec.what} ${mat.path}: ${why}; variables found: ${found}. Name the variable with the \`variable\` option.`, mat.path);
}

/**
 * Reads the first `count` examples of a chosen matrix as a row-major count × featureSize
 * Float32Array. Column examples are contiguous in MATLAB's column-major order (a direct read of
 * `count` columns); row examples are transposed, x[k, j] = M[k, j].
 *
 * @example
 * ```ts
 * const x = readExamples(choice, 784, 20000); // CURVES: 20,000 × 784
 * ```
 */
export function readExamples(choice: ExampleMatrix, featureSize: number, count: number): Float32Array {
  const v = choice.variable;
  if (choice.examplesAs === 'columns') return v.readColumns(0, count);
  const rows = v.dims[0];
  const m = v.readColumns(0, featureSize);
  const out = new Float32Array(count * featureSize);
  for (let j = 0; j < featureSize; j++) {
    const col = j * rows;
    for (let k = 0; k < count; k++) out[k * featureSize + j] = m[col + k];
  }
  return out;
}

/**
 * Checks that every value of a row-major count × featureSize example matrix is finite; otherwise
 * throws a {@link DataError} naming the first bad example and pixel (nothing is silently dropped).
 *
 * @example
 * ```ts
 * assertFiniteExamples(x, 625, 'FACES file /data/newfaces_rot_single.mat, variable newfaces_single');
 * ```
 */
export function assertFiniteExamples(x: Float32Array, featureSize: number, label: string, path?: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new DataError(`${label}: example ${Math.floor(i / featureSize)} (0-based), pixel ${i % featureSize} is ${x[i]}; the data must be finite`, path);
    }
  }
}
