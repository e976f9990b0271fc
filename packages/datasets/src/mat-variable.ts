/** One variable of a MATLAB file, as listed by {@link openMatFile}; its data are read on demand. */
export interface MatVariable {
  name: string;
  /** MATLAB class: `double`, `single`, `uint8`, …, or `cell`, `struct`, `char`, `sparse`, … */
  className: string;
  /** MATLAB dimensions, rows first (an HDF5 shape reversed). */
  dims: number[];
  /** A real, full, numeric array (the only kind {@link MatVariable.readColumns} reads). */
  numeric: boolean;
  /**
   * Reads the columns [start, end) of a 2-D numeric variable as float32 in MATLAB's column-major
   * order: element (i, j) at `i + rows · (j − start)`. Defaults to every column.
   */
  readColumns(start?: number, end?: number): Float32Array;
}

/** An opened MATLAB file: its format and variables. Call `close()` when done (HDF5 handles). */
export interface MatFile {
  path: string;
  /** `v4` (Level 4), `v5` (Level 5, also MATLAB's -v6/-v7, possibly compressed) or `v7.3` (HDF5). */
  format: 'v4' | 'v5' | 'v7.3';
  variables: MatVariable[];
  close(): void;
}

/** Numeric MATLAB classes, by their Level 5 class code (mxDOUBLE_CLASS = 6 … mxUINT64_CLASS = 15). */
export const NUMERIC_CLASSES = ['double', 'single', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'];

/**
 * A one-line description of a variable for messages, e.g. `bdata (double 20000×784)`.
 *
 * @example
 * ```ts
 * describeVariable(v); // "newfaces_single (single 625×165600)"
 * ```
 */
export function describeVariable(v: Pick<MatVariable, 'name' | 'className' | 'dims'>): string {
  return `${v.name} (${v.className} ${v.dims.length ? v.dims.join('×') : 'scalar/group'})`;
}

/**
 * Checks a column range of a rows × cols variable and returns it with defaults filled in.
 *
 * @example
 * ```ts
 * columnRange([625, 165600], undefined, 10); // [0, 10]
 * ```
 */
export function columnRange(dims: number[], start = 0, end?: number): [number, number] {
  const cols = dims[1] ?? 1;
  const e = end ?? cols;
  if (!Number.isInteger(start) || !Number.isInteger(e) || start < 0 || e > cols || start > e) {
    throw new RangeError(`column range [${start}, ${e}) is outside the ${cols} columns of a ${dims.join('×')} variable`);
  }
  return [start, e];
}
