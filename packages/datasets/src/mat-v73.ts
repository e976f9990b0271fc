import { DataError } from './data-error.js';
import { columnRange, NUMERIC_CLASSES, type MatFile, type MatVariable } from './mat-variable.js';

type H5 = typeof import('h5wasm').default;
type H5Module = Awaited<H5['ready']>;
let h5: Promise<[H5, H5Module]> | undefined;

/** Loads h5wasm's Node build once (lazily: only v7.3 files need it). */
async function loadH5wasm(): Promise<[H5, H5Module]> {
  h5 ??= (async () => {
    const lib = (await import('h5wasm/node')).default;
    return [lib, await lib.ready] as [H5, H5Module];
  })();
  return h5;
}

/**
 * Runs `fn` with HDF5's errors thrown as exceptions (their text in the message) instead of
 * printed to stderr, then restores the default handler.
 */
function quietly<T>(module: H5Module, fn: () => T): T {
  module.activate_throwing_error_handler();
  try {
    return fn();
  } finally {
    module.deactivate_throwing_error_handler();
  }
}

/** The most specific line of an HDF5 error stack (the deepest `…(): reason`). */
function hdf5Reason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const reasons = [...text.matchAll(/\(\): ([^\n]+)/g)].map((m) => m[1].trim());
  return reasons.length ? reasons[reasons.length - 1] : text.split('\n')[0];
}

/**
 * Opens a MATLAB v7.3 MAT-file (an HDF5 file, usually behind a 512-byte MATLAB user block) with
 * h5wasm and lists its top-level variables. MATLAB writes a rows × cols matrix as an HDF5 dataset
 * of shape [cols, rows] with a `MATLAB_class` attribute, so a MATLAB column is an HDF5 row and
 * `readColumns(s, e)` reads the hyperslab [s, e) of axis 0 only (no full read).
 *
 * @throws {@link DataError} when HDF5 cannot open the file (truncated or corrupt).
 * @example
 * ```ts
 * const file = await openMatV73('newfaces_rot_single.mat');
 * const faces = file.variables[0].readColumns(0, 103500); // 625 × 103,500, one face per column
 * file.close();
 * ```
 */
export async function openMatV73(path: string, label = `MAT-file ${path}`): Promise<MatFile> {
  const [lib, module] = await loadH5wasm();
  let file: InstanceType<H5['File']>;
  try {
    file = quietly(module, () => new lib.File(path, 'r'));
  } catch (e) {
    throw new DataError(`${label} cannot be opened as HDF5 (MATLAB v7.3): ${hdf5Reason(e)}; the file is truncated or corrupt`, path);
  }
  if (!(file.file_id >= 0n)) {
    throw new DataError(`${label} cannot be opened as HDF5 (MATLAB v7.3): the HDF5 library rejected it; the file is truncated or corrupt`, path);
  }
  const variables: MatVariable[] = [];
  try {
    for (const name of file.keys()) {
      if (name.startsWith('#')) continue; // #refs#, #subsystem#: MATLAB internals
      const entity = file.get(name);
      variables.push(entity instanceof lib.Dataset ? datasetVariable(entity, name, label, path, module) : groupVariable(entity, name));
    }
  } catch (e) {
    file.close();
    if (e instanceof DataError) throw e;
    throw new DataError(`${label}: cannot list its HDF5 datasets (${(e as Error).message}); the file is probably truncated or corrupt`, path);
  }
  return { path, format: 'v7.3', variables, close: () => void file.close() };
}

function attr(entity: { attrs: Record<string, { value: unknown }> }, key: string): unknown {
  return key in entity.attrs ? entity.attrs[key].value : undefined;
}

function groupVariable(entity: unknown, name: string): MatVariable {
  const className = entity && typeof entity === 'object' && 'attrs' in entity ? String(attr(entity as never, 'MATLAB_class') ?? 'group') : 'link';
  return {
    name,
    className,
    dims: [],
    numeric: false,
    readColumns() {
      throw new DataError(`variable '${name}' is a ${className}, not a numeric matrix`);
    },
  };
}

function datasetVariable(ds: InstanceType<H5['Dataset']>, name: string, label: string, path: string, module: H5Module): MatVariable {
  const meta = ds.metadata;
  const shape = ds.shape ?? [];
  const dims = [...shape].reverse();
  const matlabClass = attr(ds as never, 'MATLAB_class');
  const isNumberType = meta.type === 0 || meta.type === 1; // H5T_INTEGER, H5T_FLOAT
  const className = typeof matlabClass === 'string' ? matlabClass : isNumberType ? `${meta.type === 1 ? 'float' : 'int'}${meta.size * 8}` : 'non-numeric';
  const empty = attr(ds as never, 'MATLAB_empty') !== undefined;
  const numeric = isNumberType && !empty && (typeof matlabClass !== 'string' || NUMERIC_CLASSES.includes(matlabClass));
  return {
    name,
    className: typeof matlabClass === 'string' && !isNumberType ? `complex or non-numeric ${matlabClass}` : className,
    dims,
    numeric,
    readColumns(start?: number, end?: number) {
      if (!numeric || dims.length !== 2) {
        throw new DataError(`${label}: variable '${name}' is not a real 2-D numeric matrix (${className}, ${dims.join('×')})`, path);
      }
      const [s, e] = columnRange(dims, start, end);
      let values;
      try {
        values = quietly(module, () => ds.slice([[s, e], []]));
      } catch (err) {
        throw new DataError(`${label}: reading columns ${s}–${e} of '${name}' failed (${hdf5Reason(err)}); the file is probably truncated or corrupt`, path);
      }
      if (values instanceof Float32Array) return values;
      if (!ArrayBuffer.isView(values)) throw new DataError(`${label}: '${name}' did not decode to numbers`, path);
      const out = new Float32Array((e - s) * dims[0]);
      const src = values as unknown as ArrayLike<number | bigint>;
      for (let i = 0; i < out.length; i++) out[i] = Number(src[i]);
      return out;
    },
  };
}
