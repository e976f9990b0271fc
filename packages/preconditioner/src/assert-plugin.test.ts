import { describe, expect, it } from 'vitest';
import { OptionError } from '@fisherkit/core';
import { assertBlock, assertPlugin } from './assert-plugin.js';
import { spyPlugin } from './test-helpers.js';

describe('assertPlugin', () => {
  it('accepts a well-formed plug-in', () => {
    expect(() => assertPlugin(spyPlugin(), 'spy')).not.toThrow();
  });

  it('lists every problem in one OptionError naming the source', () => {
    const bad = { id: 'My Approx', title: '', defaults: [] };
    let error: unknown;
    try {
      assertPlugin(bad, 'my-approx');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OptionError);
    const msg = (error as Error).message;
    expect(msg).toContain('plug-in from "my-approx"');
    expect(msg).toContain('missing createBlock (a function (layer, options) => CurvatureBlock)');
    expect(msg).toContain('id must be a non-empty kebab-case string');
    expect(msg).toContain('title must be a non-empty string');
    expect(msg).toContain('missing reference');
    expect(msg).toContain('defaults must be an object');
  });

  it('rejects non-objects and hints at module namespaces', () => {
    expect(() => assertPlugin(undefined, 'x')).toThrow(/expected an object/);
    expect(() => assertPlugin(42)).toThrow(/plug-in is not a valid/);
    expect(() => assertPlugin({ default: spyPlugin() }, 'mod')).toThrow(/module namespace: pass its default export/);
    expect(() => assertPlugin({ ...spyPlugin(), validateOptions: 3 })).toThrow(/validateOptions, when present, must be a function/);
  });

  it('checks blocks returned by createBlock', () => {
    expect(() => assertBlock({ updateStatistics() {} }, 'p', 'dense_1')).toThrow(
      /plug-in "p" createBlock for layer "dense_1" returned a block that is missing updateInverse .*precondition/,
    );
    expect(() => assertBlock(null, 'p', 'dense_1')).toThrow(/returned null/);
  });
});
