/**
 * Writes a MATLAB Level 4 MAT-file of double matrices (test helper): per matrix a 20-byte header
 * (type 0000 = little-endian IEEE double full matrix, rows, columns, imaginary flag 0, name length
 * with NUL), the NUL-terminated name, then the column-major values.
 *
 * @example
 * ```ts
 * writeFileSync(path, writeMatV4([{ name: 'bdata', rows: 4, cols: 784, data }]));
 * ```
 */
export function writeMatV4(vars: { name: string; rows: number; cols: number; data: ArrayLike<number> }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const v of vars) {
    const name = new TextEncoder().encode(`${v.name}\0`);
    const b = new Uint8Array(20 + name.length + 8 * v.data.length);
    const view = new DataView(b.buffer);
    [0, v.rows, v.cols, 0, name.length].forEach((x, i) => view.setInt32(4 * i, x, true));
    b.set(name, 20);
    for (let i = 0; i < v.data.length; i++) view.setFloat64(20 + name.length + 8 * i, v.data[i], true);
    parts.push(b);
  }
  return Buffer.concat(parts);
}
