import type { Activation, LossName } from '@fisherkit/fisher';
import { CliError } from './cli-error.js';

/**
 * The paper's experiments (MATH.md §7) as presets: architecture, loss, batch size, epochs, the
 * natural-gradient settings of §6 and the authors' best learning rate / damping per method.
 *
 * ## Converting the authors' values to fisherkit's loss convention
 *
 * The authors trained with PyTorch's per-pixel MEAN losses: `nn.BCELoss()` (MNIST, CURVES) and
 * `nn.MSELoss()` = `mean_j (o_j − y_j)²` (FACES). fisherkit sums the per-example loss over the
 * `d_out` output units (`bce`: `−Σ_j …`; `mse`: `½ Σ_j (o_j − y_j)²`). Call `k` the ratio
 * fisherkit loss / authors' loss:
 *
 *     k = d_out       for bce   (784 for MNIST and CURVES)
 *     k = d_out / 2   for mse   (312.5 for FACES: torch's MSELoss has no ½)
 *
 * Then DW' = k·DW, g_i' = k·g_i (the authors' sampled-target Fisher uses the same loss, scaled back
 * by the Fisher batch size), so G' = k²G, A' = A and every Kronecker term of F̃ scales by k².
 *
 * Natural-gradient methods (fisherkit's driver, trace-norm π): with `λ' = k² λ` every damped term
 * scales by exactly k² (`π' √λ'` scales like the A factor and `√λ'/π'` like the G factor, for any
 * split of k² between them), so `Δ' = Δ / k`. The same trajectory needs
 *
 *     λ' = k² λ,   η' = k η,   wd' = wd / k   (weight decay is added to the preconditioned step,
 *                                              as in the authors' torch.optim.SGD)
 *     κ' = κ · η'²  (the authors clip with ν = min(1, √(κ / Σ|⟨DW, Δ⟩|)), no η²; fisherkit's driver
 *                   uses ν = min(1, √(κ / (η² Σ|⟨DW, Δ⟩|))) and Σ|⟨DW', Δ'⟩| = Σ|⟨DW, Δ⟩|)
 *
 * The momentum is unchanged. Not reproducible exactly: the authors used π = 1 (`pi=False`), and a
 * factored damping with π = 1 has no scale-equivalent λ; fisherkit keeps its trace-norm π (the
 * split is then independent of the loss scale), so λ is the authors' value in the trace-norm
 * sense — re-search it with `fisherkit grid` (MATH.md §7 says so for any other convention).
 *
 * SGD (torch SGD, Nesterov, coupled L2): `η' = η / k`, `wd' = k · wd`.
 * Adam (torch Adam, coupled L2): invariant to the loss scale when `ε' = k ε`: `η' = η`,
 * `wd' = k · wd`, `ε' = k · 1e-8`.
 *
 * Note: docs/fisher.md lists `κ · d_out²` and `d_out` for all losses; those assume the η² clip on
 * both sides and a per-pixel loss that keeps the ½. The values above follow the authors' code.
 */
export const PRESET_CONVENTION =
  "authors' per-pixel-mean values converted with k = fisherkit loss / authors' loss (bce: d_out; mse: d_out/2 because torch's MSELoss has no ½): " +
  "natural gradient (trace-norm π): λ·k², lr·k, weight decay/k, KL clip κ·lr_native² (authors' clip has no lr²); " +
  'SGD: lr/k, weight decay·k; Adam: lr unchanged, weight decay·k, ε = 1e-8·k. ' +
  "λ is the product of the two factor dampings: the authors' KFAC/KPSVD λ carries over, their rank-2 methods' per-factor λ is squared. " +
  "The authors' π = 1 has no exact equivalent; λ values are to be re-searched (fisherkit grid).";

/** The problems with presets (the same names as @fisherkit/datasets' PROBLEM_NAMES). */
export const PRESET_PROBLEMS = ['mnist', 'fashion-mnist', 'curves', 'curves-synthetic', 'faces'] as const;
export type PresetProblem = (typeof PRESET_PROBLEMS)[number];

/** The in-repo methods with authors' hyper-parameters: the five approximations and two baselines. */
export const PRESET_METHODS = ['kfac', 'kpsvd', 'deflation', 'lanczos', 'kfac-corrected', 'sgd', 'adam'] as const;
export type PresetMethod = (typeof PRESET_METHODS)[number];

/** Hidden units: the authors' ReLU networks, or Hinton & Salakhutdinov's logistic units with a linear code layer. */
export type HiddenUnits = 'relu' | 'logistic';

/** The column of the authors' hyper-parameter table a problem uses. */
export type PaperColumn = 'mnist' | 'curves' | 'faces';

/** One problem's fixed setup (MATH.md §7). */
export interface ProblemPreset {
  problem: PresetProblem;
  /** Layer widths, input first. */
  sizes: readonly number[];
  loss: LossName;
  outputActivation: Activation;
  batchSize: number;
  epochs: number;
  /** Which column of the authors' table supplies lr / λ. */
  paperColumn: PaperColumn;
}

const MNIST_SIZES = [784, 1000, 500, 250, 30, 250, 500, 1000, 784];
const CURVES_SIZES = [784, 400, 200, 100, 50, 25, 6, 25, 50, 100, 200, 400, 784];
const FACES_SIZES = [625, 2000, 1000, 500, 30, 500, 1000, 2000, 625];

/** The problems' setups. fashion-mnist reuses MNIST's, curves-synthetic CURVES'. */
export const PROBLEM_PRESETS: Readonly<Record<PresetProblem, ProblemPreset>> = Object.freeze({
  mnist: { problem: 'mnist', sizes: MNIST_SIZES, loss: 'bce', outputActivation: 'sigmoid', batchSize: 512, epochs: 200, paperColumn: 'mnist' },
  'fashion-mnist': { problem: 'fashion-mnist', sizes: MNIST_SIZES, loss: 'bce', outputActivation: 'sigmoid', batchSize: 512, epochs: 200, paperColumn: 'mnist' },
  curves: { problem: 'curves', sizes: CURVES_SIZES, loss: 'bce', outputActivation: 'sigmoid', batchSize: 256, epochs: 200, paperColumn: 'curves' },
  'curves-synthetic': { problem: 'curves-synthetic', sizes: CURVES_SIZES, loss: 'bce', outputActivation: 'sigmoid', batchSize: 256, epochs: 200, paperColumn: 'curves' },
  faces: { problem: 'faces', sizes: FACES_SIZES, loss: 'mse', outputActivation: 'linear', batchSize: 1024, epochs: 200, paperColumn: 'faces' },
} satisfies Record<PresetProblem, ProblemPreset>);

/** The authors' best learning rate and damping (per-pixel mean losses; MATH.md §7). */
export interface PaperHyperparameters {
  lr: number;
  /** λ; null for the first-order baselines. */
  damping: number | null;
}

/** The authors' table, per column and method (values in their per-pixel convention). */
export const AUTHORS_BEST: Readonly<Record<PaperColumn, Record<PresetMethod, PaperHyperparameters>>> = Object.freeze({
  mnist: {
    kfac: { lr: 0.01, damping: 1e-4 },
    kpsvd: { lr: 0.01, damping: 1e-4 },
    deflation: { lr: 0.003, damping: 1e-3 },
    'kfac-corrected': { lr: 0.1, damping: 0.01 },
    lanczos: { lr: 0.003, damping: 1e-3 },
    sgd: { lr: 0.3, damping: null },
    adam: { lr: 1e-3, damping: null },
  },
  curves: {
    kfac: { lr: 0.1, damping: 3e-3 },
    kpsvd: { lr: 0.1, damping: 3e-3 },
    deflation: { lr: 0.1, damping: 0.1 },
    'kfac-corrected': { lr: 0.1, damping: 0.03 },
    lanczos: { lr: 0.001, damping: 1e-3 },
    sgd: { lr: 0.3, damping: null },
    adam: { lr: 1e-3, damping: null },
  },
  faces: {
    kfac: { lr: 0.1, damping: 1e-3 },
    kpsvd: { lr: 0.1, damping: 1e-3 },
    deflation: { lr: 0.003, damping: 1e-3 },
    'kfac-corrected': { lr: 0.1, damping: 0.03 },
    lanczos: { lr: 0.003, damping: 1e-3 },
    sgd: { lr: 0.3, damping: null },
    adam: { lr: 1e-3, damping: null },
  },
});

/** Settings shared by every run (MATH.md §6, the authors' scripts), in the authors' convention. */
export const PAPER_COMMON = Object.freeze({
  tCov: 100,
  tInv: 100,
  klClip: 0.01,
  momentum: 0.9,
  /** Weight decay of the natural-gradient methods (added to the preconditioned step). */
  weightDecay: 1e-3,
  /**
   * Weight decay of the SGD and Adam baselines: 0. Measured: with 1e-3 both stall at the
   * mean-image loss (0.252 per pixel from epoch 2 on full MNIST), while the authors' saved curves
   * keep falling; without it our SGD gives 0.348, 0.251, 0.239 against their 0.346, 0.251, 0.238
   * (docs/benchmarks.md).
   */
  firstOrderWeightDecay: 0,
  /** Fisher mini-batch = batch / 4. */
  fisherBatchDivisor: 4,
  /** Running-average cap ρ ≤ 0.95. */
  decay: 0.95,
  /** torch.optim.Adam's ε. */
  adamEpsilon: 1e-8,
});

/** Which update rule a method uses. */
export type OptimizerKind = 'natural-gradient' | 'sgd' | 'adam';

/**
 * The update rule of a method: `sgd`, `adam`, or the natural-gradient driver for anything else
 * (in-repo approximations and third-party plug-ins).
 * @example `optimizerKind('kpsvd') // 'natural-gradient'`
 */
export function optimizerKind(method: string): OptimizerKind {
  return method === 'sgd' ? 'sgd' : method === 'adam' ? 'adam' : 'natural-gradient';
}

/**
 * Looks up a problem's preset; unknown names are a CliError listing the valid ones.
 * @example `problemPreset('faces').batchSize // 1024`
 */
export function problemPreset(problem: string): ProblemPreset {
  if (!(PRESET_PROBLEMS as readonly string[]).includes(problem)) {
    throw new CliError(`unknown problem "${problem}"; use one of ${PRESET_PROBLEMS.join(', ')}`);
  }
  return PROBLEM_PRESETS[problem as PresetProblem];
}

/**
 * The network of a problem: `relu` = the authors' runs (every hidden layer ReLU, the code layer
 * included, as in their `autoencoder_*` modules); `logistic` = Hinton & Salakhutdinov / Martens
 * (logistic hidden units, linear code layer). The output activation follows the loss.
 *
 * `sizes` replaces the preset's widths (same input and output width; the narrowest hidden layer is
 * the code layer).
 *
 * @example `architecture('curves', 'logistic').activations[5] // 'linear' (the 6-unit code layer)`
 */
export function architecture(problem: string, hidden: HiddenUnits, sizes?: readonly number[]): { sizes: number[]; activations: Activation[] } {
  const preset = problemPreset(problem);
  const widths = sizes ?? preset.sizes;
  const layers = widths.length - 1;
  const code = widths.indexOf(Math.min(...widths.slice(1, -1))) - 1; // the layer that outputs the code
  const activations: Activation[] = [];
  for (let l = 0; l < layers; l++) {
    if (l === layers - 1) activations.push(preset.outputActivation);
    else if (hidden === 'relu') activations.push('relu');
    else activations.push(l === code ? 'linear' : 'sigmoid');
  }
  return { sizes: [...widths], activations };
}

/**
 * The loss-scale factor `k` = fisherkit loss / authors' per-pixel loss for a loss and output width.
 *
 *     k = d_out (bce),   k = d_out / 2 (mse, vs torch's MSELoss without ½)
 *
 * @example `authorsLossFactor('mse', 625) // 312.5`
 */
export function authorsLossFactor(loss: LossName, dOut: number): number {
  return loss === 'mse' ? dOut / 2 : dOut;
}

/** Multipliers taking a value from the authors' convention to fisherkit's, per option. */
export interface ConversionFactors {
  learningRate: number;
  /** Damping λ (natural gradient only). */
  damping: number;
  weightDecay: number;
  /** Adam's ε. */
  epsilon: number;
}

/**
 * Multipliers from the authors' per-pixel convention to fisherkit's (see the module comment):
 * natural gradient `{lr: k, λ: k², wd: 1/k}`, SGD `{lr: 1/k, wd: k}`, Adam `{lr: 1, wd: k, ε: k}`.
 * The KL clip is converted by {@link convertKlClip} (it depends on the learning rate).
 *
 * @example `conversionFactors('natural-gradient', 784).damping // 614656`
 */
export function conversionFactors(kind: OptimizerKind, k: number): ConversionFactors {
  if (kind === 'natural-gradient') return { learningRate: k, damping: k * k, weightDecay: 1 / k, epsilon: 1 };
  if (kind === 'sgd') return { learningRate: 1 / k, damping: 1, weightDecay: k, epsilon: 1 };
  return { learningRate: 1, damping: 1, weightDecay: k, epsilon: k };
}

/**
 * The authors' KL-clip bound κ in fisherkit's form: their `ν = min(1, √(κ/Σ|⟨DW,Δ⟩|))` equals
 * fisherkit's `ν = min(1, √(κ'/(η'² Σ|⟨DW',Δ'⟩|)))` when `κ' = κ · η'²` (η' = the fisherkit
 * learning rate at step 0 for a schedule).
 *
 * @example `convertKlClip(0.01, 0.1 * 784) // 61.4656`
 */
export function convertKlClip(kappa: number, nativeLearningRate: number): number {
  return kappa * nativeLearningRate * nativeLearningRate;
}

/** A method's preset values, in the authors' convention, with where they came from. */
export interface MethodPreset extends PaperHyperparameters {
  /** e.g. "authors' best for CURVES" or the fallback used for third-party plug-ins. */
  source: string;
}

/**
 * Methods whose authors' λ was added to each factor of the first Kronecker term
 * (`(A₁ + λI) ⊗ (G₁ + λI)`, their `fractional_power(X, damping)`), where KFAC and KPSVD add √λ.
 */
export const PER_FACTOR_DAMPING_METHODS: readonly string[] = ['deflation', 'kfac-corrected', 'lanczos'];

/**
 * The authors' best lr / λ for a method on a problem, in fisherkit's damping convention (paper
 * loss units). fisherkit's λ is the product of the two factor dampings (`π√λ · √λ/π`): the
 * authors' KFAC and KPSVD add √λ to each factor, so their λ carries over; their rank-2 methods add
 * λ to each factor of the first term, so the equivalent is `λ²` (Deflation on MNIST: 1e-3 → 1e-6).
 * Third-party plug-ins get KFAC's values, flagged in `source`.
 *
 * @example `methodPreset('curves-synthetic', 'kfac-corrected') // { lr: 0.1, damping: 0.0009, source: … }`
 */
export function methodPreset(problem: string, method: string): MethodPreset {
  const column = problemPreset(problem).paperColumn;
  const known = (PRESET_METHODS as readonly string[]).includes(method);
  const values = AUTHORS_BEST[column][(known ? method : 'kfac') as PresetMethod];
  if (!known) return { ...values, source: `no authors' value for plug-in "${method}": KFAC's values for ${column.toUpperCase()}` };
  const source = `authors' best for ${column.toUpperCase()} (MATH.md §7)`;
  if (values.damping !== null && PER_FACTOR_DAMPING_METHODS.includes(method)) {
    return {
      ...values,
      damping: Number((values.damping * values.damping).toPrecision(12)),
      source: `${source}; their λ = ${values.damping} is added to each factor, so fisherkit's product-form λ is its square`,
    };
  }
  return { ...values, source };
}
