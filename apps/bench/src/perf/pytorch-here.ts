import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What `apps/bench/scripts/pytorch-step.py` measured with one thread count. */
export interface PytorchRun {
  torch: string;
  threads: number;
  /** Median ms of a plain step: sgd, adam (torch.optim), kfac-like and rank2-like (the Kronecker step's work). */
  stepMs: Record<string, number>;
  /** Median ms of one refresh (capture pass, factors, eigendecompositions) of kfac-like and rank2-like. */
  refreshMs: Record<string, number>;
}

/** Which PyTorch measurement a fisherkit method is compared with. */
export const PYTORCH_COUNTERPART: Record<string, string> = {
  sgd: 'sgd',
  adam: 'adam',
  kfac: 'kfac-like',
  kpsvd: 'kfac-like',
  deflation: 'rank2-like',
  lanczos: 'rank2-like',
  'kfac-corrected': 'rank2-like',
};

/**
 * Runs `pytorch-step.py` with `python` (which must import torch) on `threads` threads, with
 * `OMP_WAIT_POLICY=PASSIVE` and the BLAS held to the same threads, and returns its measurements.
 *
 * @throws Error naming the fix when the interpreter or torch is missing.
 * @example `pytorchHere('/usr/bin/python3', 2).stepMs.sgd // ≈ 67 on a 2-core EPYC`
 */
export function pytorchHere(python: string, threads: number, steps = 20): PytorchRun {
  const script = fileURLToPath(new URL('../../scripts/pytorch-step.py', import.meta.url));
  const n = String(threads);
  try {
    const out = execFileSync(python, [script, '--threads', n, '--steps', String(steps)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE', OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n },
    });
    return JSON.parse(out) as PytorchRun;
  } catch (e) {
    throw new Error(
      `--pytorch needs a python with PyTorch (Debian: apt-get install python3-torch, then --python /usr/bin/python3): ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

/**
 * A PyTorch run's amortised ms per step for a fisherkit method: the plain step plus one refresh
 * every `every` steps (first-order methods have none).
 *
 * @example `amortisedPytorchMs(run, 'kfac', 100) // step + refresh / 100`
 */
export function amortisedPytorchMs(run: PytorchRun, method: string, every: number): number | undefined {
  const key = PYTORCH_COUNTERPART[method];
  if (!key || run.stepMs[key] === undefined) return undefined;
  return run.stepMs[key] + (run.refreshMs[key] ?? 0) / every;
}
