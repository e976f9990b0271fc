import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { readIdx } from './idx.js';
import { tempDir } from './testing/temp-dir.js';
import { encodeIdx } from './testing/write-idx.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const pixels = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 11) % 256);

describe('readIdx', () => {
  it('reads images (0x00000803) and labels (0x00000801) from files', () => {
    const images = tmp.path('img-idx3-ubyte');
    const labels = tmp.path('lab-idx1-ubyte');
    writeFileSync(images, encodeIdx([2, 3, 4], pixels));
    writeFileSync(labels, encodeIdx([2], [7, 3]));
    const img = readIdx(images, { rank: 3 });
    expect(img.dims).toEqual([2, 3, 4]);
    expect(Array.from(img.data)).toEqual(pixels);
    const lab = readIdx(labels, { rank: 1 });
    expect(lab.dims).toEqual([2]);
    expect(Array.from(lab.data)).toEqual([7, 3]);
  });

  it('reads gzip-compressed files and raw bytes', () => {
    const gz = tmp.path('img-idx3-ubyte.gz');
    writeFileSync(gz, gzipSync(encodeIdx([2, 3, 4], pixels)));
    expect(Array.from(readIdx(gz).data)).toEqual(pixels);
    expect(readIdx(encodeIdx([2, 3, 4], pixels)).dims).toEqual([2, 3, 4]);
  });

  it('names the path and what the file should be when it is missing', () => {
    const missing = tmp.path('nope-idx3-ubyte');
    expect(() => readIdx(missing, { what: 'MNIST training images', hint: 'run npm install' })).toThrow(
      new RegExp(`MNIST training images not found: no file at ${missing}\\. run npm install`),
    );
    expect(() => readIdx(missing)).toThrow(DataError);
    expect(() => readIdx(tmp.dir)).toThrow(/is a folder/);
  });

  it('rejects a bad magic number', () => {
    const bytes = encodeIdx([2], [1, 2]);
    bytes[0] = 0x12;
    expect(() => readIdx(bytes)).toThrow(/magic number 0x12000801 should be 0x00000803 \(images\) or 0x00000801/);
  });

  it('rejects unsupported element types and wrong ranks', () => {
    expect(() => readIdx(encodeIdx([2], [1, 2], 0x0d))).toThrow(/element type 0x0d \(float32\); only unsigned-byte/);
    expect(() => readIdx(encodeIdx([2], [1, 2]), { rank: 3 })).toThrow(/has 1 dimension\(s\).*expected 3/);
  });

  it('reports truncated files with expected and actual sizes', () => {
    const full = encodeIdx([2, 3, 4], pixels);
    expect(() => readIdx(full.subarray(0, full.length - 5))).toThrow(/truncated: dimensions \[2, 3, 4\] need 40 bytes, the file has 35/);
    expect(() => readIdx(full.subarray(0, 10))).toThrow(/truncated: the header needs 16 bytes for 3 dimensions, the file has 10/);
    expect(() => readIdx(full.subarray(0, 2))).toThrow(/truncated: 2 bytes/);
    const extra = new Uint8Array(full.length + 3);
    extra.set(full);
    expect(() => readIdx(extra)).toThrow(/3 trailing bytes/);
  });

  it('reports a corrupt or truncated gzip file', () => {
    const gz = gzipSync(encodeIdx([2, 3, 4], pixels));
    const path = tmp.path('broken.gz');
    writeFileSync(path, gz.subarray(0, gz.length - 12));
    expect(() => readIdx(path)).toThrow(/gzip-compressed but cannot be decompressed/);
  });
});
