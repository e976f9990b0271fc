import { describe, expect, it } from 'vitest';
import { OnnxRuntimeUnavailableError } from './errors.js';
import { loadOrtBinding, ORT_VERSION } from './ort-binding.js';

/** A `require` stand-in that resolves paths but answers `load` for module loads. */
function fakeRequire(load: (id: string) => unknown): NodeJS.Require {
  const req = ((id: string) => load(id)) as NodeJS.Require;
  req.resolve = ((id: string) => `/fake/${id}`) as NodeJS.RequireResolve;
  return req;
}

describe('loadOrtBinding', () => {
  it('loads the native binding and the matching Tensor class', () => {
    const ort = loadOrtBinding();
    expect(ort.version).toBe(ORT_VERSION);
    expect(loadOrtBinding()).toBe(ort); // cached
    const t = new ort.Tensor('float32', new Float32Array(6), [2, 3]);
    expect(t.dims).toEqual([2, 3]);
    expect(typeof ort.createSession().run).toBe('function');
  });

  it('says how to install onnxruntime-node when it is missing', () => {
    const missing = fakeRequire(() => {
      throw new Error("Cannot find module 'onnxruntime-node/package.json'");
    });
    expect(() => loadOrtBinding(missing)).toThrow(OnnxRuntimeUnavailableError);
    expect(() => loadOrtBinding(missing)).toThrow(/npm install onnxruntime-node@1\.30\.0.*onnxruntime-node-install=skip.*wasm backend keeps working/);
  });

  it('refuses another onnxruntime-node version', () => {
    const other = fakeRequire(() => ({ version: '1.31.0' }));
    expect(() => loadOrtBinding(other)).toThrow(/onnxruntime-node 1\.31\.0 is installed.*install onnxruntime-node@1\.30\.0 exactly/);
  });

  it('names the platform and the way back when the native binary does not load', () => {
    const broken = fakeRequire((id) => {
      if (id.endsWith('package.json')) return { version: ORT_VERSION };
      throw new Error('libonnxruntime.so.1: cannot open shared object file');
    });
    let error: unknown;
    try {
      loadOrtBinding(broken);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OnnxRuntimeUnavailableError);
    expect((error as OnnxRuntimeUnavailableError).code).toBe('onnx-runtime-unavailable');
    expect((error as Error).message).toMatch(new RegExp(`could not be loaded on ${process.platform}/${process.arch}.*cannot open shared object.*handle\\.uninstall\\(\\)`));
  });
});
