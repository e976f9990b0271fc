/** Types of the parts of `mat-for-js` (MATLAB Level 5 reader) the tests use as an independent check. */
declare module 'mat-for-js' {
  /** Parses a Level 5 MAT-file; numeric matrices come back as nested arrays [row][column]. */
  export function read(data: ArrayBuffer): { header: string; data: Record<string, unknown> };
}
