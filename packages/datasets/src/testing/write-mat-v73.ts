import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/** A numeric matrix for {@link writeMatV73}: MATLAB rows × cols, column-major data. */
export interface MatV73Input {
  name: string;
  type: 'double' | 'single';
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

/**
 * The 512-byte MATLAB v7.3 user block: 116 bytes of text starting "MATLAB 7.3 MAT-file", an
 * 8-byte subsystem offset, version 0x0200, endian mark 'IM', then zeros up to byte 512 where the
 * HDF5 superblock starts.
 *
 * @example
 * ```ts
 * const mat = Buffer.concat([matV73Header(), hdf5Bytes]);
 * ```
 */
export function matV73Header(): Uint8Array {
  const h = new Uint8Array(512);
  h.fill(0x20, 0, 116);
  h.set(new TextEncoder().encode('MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026 HDF5 schema 1.00 .'));
  h[124] = 0x00;
  h[125] = 0x02;
  h[126] = 0x49; // 'I'
  h[127] = 0x4d; // 'M'
  return h;
}

/**
 * Writes a MATLAB v7.3-style file with h5wasm (test helper). MATLAB stores a rows × cols matrix
 * as an HDF5 dataset of shape [cols, rows] (column-major data read as row-major) with a
 * `MATLAB_class` attribute; structs are groups. h5wasm cannot create an HDF5 user block, so the
 * HDF5 file is written first and the 512-byte MATLAB header is prepended: the HDF5 library finds
 * the superblock at byte 512 and takes that as the base address, which is what MATLAB's files
 * look like. With `header: false` a bare HDF5 file is written.
 *
 * @example
 * ```ts
 * await writeMatV73(path, [{ name: 'newfaces_single', type: 'single', rows: 625, cols: 40, data }]);
 * ```
 */
export async function writeMatV73(path: string, vars: MatV73Input[], options: { header?: boolean; structName?: string } = {}): Promise<void> {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const tmp = `${path}.h5tmp`;
  const f = new h5wasm.File(tmp, 'w');
  for (const v of vars) {
    const data = v.type === 'single' ? Float32Array.from(v.data) : Float64Array.from(v.data);
    const ds = f.create_dataset({ name: v.name, data, shape: [v.cols, v.rows], dtype: v.type === 'single' ? '<f' : '<d' });
    ds.create_attribute('MATLAB_class', v.type);
  }
  if (options.structName) f.create_group(options.structName).create_attribute('MATLAB_class', 'struct');
  f.close();
  const hdf5 = readFileSync(tmp);
  rmSync(tmp);
  writeFileSync(path, options.header === false ? hdf5 : Buffer.concat([matV73Header(), hdf5]));
}
