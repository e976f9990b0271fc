import { OptionError } from '@fisherkit/core';
import type { ApproximationPlugin, CurvatureBlock } from './contract.js';

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const BLOCK_METHODS: Record<keyof Omit<CurvatureBlock, 'layer' | 'preconditionExact' | 'finishInverse'>, string> = {
  updateStatistics: '(batch, rho) => void',
  updateInverse: '(damping) => void',
  precondition: '(grad) => tf.Tensor2D',
  terms: '() => KroneckerTerm[]',
  diagnostics: '() => Record<string, number>',
  getState: '() => BlockState',
  setState: '(state) => void',
  dispose: '() => void',
};

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object';
}

/**
 * Guard for third-party approximation plug-ins: checks that `candidate` has the shape of an
 * {@link ApproximationPlugin} and throws ONE {@link OptionError} that lists every problem
 * (missing members, wrong types, a malformed id), e.g.
 * `plug-in from "my-approx" is not a valid fisherkit approximation: missing createBlock (a function
 * (layer, options) => CurvatureBlock); id must be a non-empty kebab-case string, got "My Approx"`.
 *
 * Checked: `id` (kebab-case), `title`, `reference` (non-empty strings), `defaults` (an object),
 * `createBlock` (function), optional `validateOptions` (function). A module namespace whose
 * `default` export is the plug-in gets a hint to pass the default export.
 *
 * @example
 * ```ts
 * const mod = await import(name);
 * assertPlugin(mod.default, name); // now typed as ApproximationPlugin
 * const opt = naturalGradient(mod.default);
 * ```
 */
export function assertPlugin(candidate: unknown, source?: string): asserts candidate is ApproximationPlugin {
  const where = source ? `plug-in from "${source}"` : 'plug-in';
  if (!isObject(candidate)) {
    throw new OptionError(
      `${where} is not a valid fisherkit approximation: expected an object with id, title, reference, defaults and ` +
        `createBlock, got ${candidate === null ? 'null' : typeof candidate}`,
    );
  }
  const problems: string[] = [];
  const str = (name: 'id' | 'title' | 'reference', hint: string): void => {
    const v = candidate[name];
    if (v === undefined) problems.push(`missing ${name} (${hint})`);
    else if (typeof v !== 'string' || v.trim() === '') problems.push(`${name} must be a non-empty string (${hint}), got ${show(v)}`);
  };
  if (candidate.id === undefined) problems.push('missing id (a non-empty kebab-case string such as "my-approx")');
  else if (typeof candidate.id !== 'string' || !KEBAB.test(candidate.id)) {
    problems.push(`id must be a non-empty kebab-case string such as "my-approx", got ${show(candidate.id)}`);
  }
  str('title', 'a human-readable name');
  str('reference', 'the paper the mathematics comes from');
  if (candidate.defaults === undefined) problems.push('missing defaults (an object of default options, {} if none)');
  else if (!isObject(candidate.defaults) || Array.isArray(candidate.defaults)) {
    problems.push(`defaults must be an object of default options, got ${show(candidate.defaults)}`);
  }
  if (candidate.createBlock === undefined) problems.push('missing createBlock (a function (layer, options) => CurvatureBlock)');
  else if (typeof candidate.createBlock !== 'function') {
    problems.push(`createBlock must be a function (layer, options) => CurvatureBlock, got ${show(candidate.createBlock)}`);
  }
  if (candidate.validateOptions !== undefined && typeof candidate.validateOptions !== 'function') {
    problems.push(`validateOptions, when present, must be a function (options) => void, got ${show(candidate.validateOptions)}`);
  }
  if (problems.length === 0) return;
  let hint = '';
  if (isObject(candidate.default) && 'createBlock' in candidate.default) {
    hint = ' (this looks like a module namespace: pass its default export instead)';
  }
  throw new OptionError(`${where} is not a valid fisherkit approximation${hint}: ${problems.join('; ')}`);
}

/**
 * Guard for what a plug-in's `createBlock` returned: every {@link CurvatureBlock} method must be a
 * function; throws one {@link OptionError} naming the plug-in, the layer and every missing method.
 *
 * @example
 * ```ts
 * const block = plugin.createBlock(layer, options);
 * assertBlock(block, plugin.id, layer.name);
 * ```
 */
export function assertBlock(candidate: unknown, pluginId: string, layerName: string): asserts candidate is CurvatureBlock {
  const where = `plug-in "${pluginId}" createBlock for layer "${layerName}"`;
  if (!isObject(candidate)) {
    throw new OptionError(`${where} returned ${show(candidate)}; it must return a CurvatureBlock object`);
  }
  const problems = Object.entries(BLOCK_METHODS)
    .filter(([name]) => typeof candidate[name] !== 'function')
    .map(([name, sig]) => `${name} (a function ${sig})`);
  if (problems.length > 0) {
    throw new OptionError(`${where} returned a block that is missing ${problems.join(', ')}`);
  }
  for (const optional of ['preconditionExact', 'finishInverse']) {
    if (candidate[optional] !== undefined && typeof candidate[optional] !== 'function') {
      throw new OptionError(`${where} returned a block whose optional ${optional} is ${show(candidate[optional])}; leave it out or make it a function`);
    }
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}
