/** The methods of the paper, in the order the report lists them. */
export const KNOWN_METHODS = ['kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected', 'sgd', 'adam'] as const;

const KNOWN_COLOURS: Record<string, string> = {
  kfac: '#1f77b4',
  kpsvd: '#ff7f0e',
  deflation: '#2ca02c',
  lanczos: '#d62728',
  'kfac-corrected': '#9467bd',
  sgd: '#8c564b',
  adam: '#e377c2',
};

/** Colours handed, in order, to methods outside KNOWN_METHODS. */
const EXTRA_COLOURS = ['#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#ad494a', '#637939', '#e7969c', '#7b4173'];

/**
 * Sorts method ids: the paper's methods first in the paper's order, then the others alphabetically.
 * @example `sortMethods(['adam', 'zz', 'kfac']) // ['kfac', 'adam', 'zz']`
 */
export function sortMethods(methods: Iterable<string>): string[] {
  const rank = (m: string) => {
    const i = (KNOWN_METHODS as readonly string[]).indexOf(m);
    return i < 0 ? KNOWN_METHODS.length : i;
  };
  return [...new Set(methods)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * Builds one colour per method, the same in every figure: the paper's seven methods have fixed
 * colours; any other method gets the next colour of a spare palette (in sorted order, so the
 * assignment only depends on the set of methods in the report).
 * @example `colourMap(['adam', 'kfac']).get('kfac') // '#1f77b4'`
 */
export function colourMap(methods: Iterable<string>): Map<string, string> {
  const map = new Map<string, string>();
  let extra = 0;
  for (const m of sortMethods(methods)) {
    map.set(m, KNOWN_COLOURS[m] ?? EXTRA_COLOURS[extra++ % EXTRA_COLOURS.length]);
  }
  return map;
}

/** Problem ids in the order the report shows them (others follow alphabetically). */
const PROBLEM_ORDER = ['mnist', 'fashion-mnist', 'curves', 'curves-synthetic', 'faces'];

/**
 * Sorts problem ids: the known benchmarks first (MNIST, Fashion-MNIST, CURVES, curves-synthetic, FACES).
 * @example `sortProblems(['faces', 'mnist']) // ['mnist', 'faces']`
 */
export function sortProblems(problems: Iterable<string>): string[] {
  const rank = (p: string) => {
    const i = PROBLEM_ORDER.indexOf(p);
    return i < 0 ? PROBLEM_ORDER.length : i;
  };
  return [...new Set(problems)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
