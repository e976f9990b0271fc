import { createRng, OptionError, type Rng } from '@fisherkit/core';
import type { Dataset, LoadOptions } from './dataset.js';
import { autoencoderDataset } from './autoencoder-dataset.js';
import { rasterizePolyline, type Point } from './rasterize-curve.js';
import { resolveSize } from './sizes.js';
import { eightyTwenty } from './split.js';

/** Image side of the synthetic curves (28, as CURVES). */
export const CURVES_SIDE = 28;
/** Number of images of {@link loadCurvesSynthetic} (20,000, as CURVES' training set). */
export const CURVES_SYNTHETIC_COUNT = 20_000;
/** Pen width in pixels of the synthetic curves. */
export const CURVES_PEN_WIDTH = 1.5;
/** Added to the seed for the generator stream, so it differs from the split stream of the same seed. */
const GENERATOR_SALT = 0x43555256; // "CURV"
const SAMPLES = 24;
const MARGIN = 2;
const MIN_LENGTH = 10;

/** Options of {@link generateCurvesSynthetic}. */
export interface CurvesSyntheticOptions {
  seed: number;
  /** Number of images. */
  n: number;
  /** Pen width in pixels (default {@link CURVES_PEN_WIDTH}). */
  penWidth?: number;
}

/**
 * The quadratic Bézier curve through three points, passing p0 at t = 0, p1 at t = ½ and p2 at
 * t = 1: B(t) = (1 − t)² p0 + 2t(1 − t) c + t² p2 with control point c = 2 p1 − (p0 + p2) / 2,
 * sampled at `samples` + 1 evenly spaced t.
 *
 * @example
 * ```ts
 * curveThrough({ x: 4, y: 4 }, { x: 14, y: 20 }, { x: 24, y: 6 }, 8); // 9 points, [4] = p1
 * ```
 */
export function curveThrough(p0: Point, p1: Point, p2: Point, samples: number): Point[] {
  const cx = 2 * p1.x - (p0.x + p2.x) / 2;
  const cy = 2 * p1.y - (p0.y + p2.y) / 2;
  const out: Point[] = [];
  for (let i = 0; i <= samples; i++) {
    const t = i / samples;
    const u = 1 - t;
    out.push({ x: u * u * p0.x + 2 * t * u * cx + t * t * p2.x, y: u * u * p0.y + 2 * t * u * cy + t * t * p2.y });
  }
  return out;
}

function drawCurve(rng: Rng, side: number): Point[] {
  const lo = MARGIN + 1;
  const span = side - 2 * lo;
  const point = (): Point => ({ x: lo + rng.uniform() * span, y: lo + rng.uniform() * span });
  for (;;) {
    const curve = curveThrough(point(), point(), point(), SAMPLES);
    let length = 0;
    let inside = true;
    for (let i = 0; i < curve.length; i++) {
      const p = curve[i];
      if (p.x < MARGIN || p.y < MARGIN || p.x > side - MARGIN || p.y > side - MARGIN) inside = false;
      if (i > 0) {
        const dx = p.x - curve[i - 1].x;
        const dy = p.y - curve[i - 1].y;
        length += Math.sqrt(dx * dx + dy * dy);
      }
    }
    if (inside && length >= MIN_LENGTH) return curve;
  }
}

/**
 * Generates `n` CURVES-like 28×28 images (a stand-in for the original CURVES data, which are not
 * available here): three points uniform in the square (curves kept 2 px from the border), the quadratic
 * Bézier curve through them ({@link curveThrough}), resampled until it stays inside the image and
 * is at least 10 px long, rasterised with anti-aliasing ({@link rasterizePolyline}) at a fixed pen
 * width. Intensities lie in [0, 1]. Deterministic: the same seed and n give the same images
 * (the generator stream is `createRng((seed + 0x43555256) mod 2³²)`).
 *
 * @returns a row-major n × 784 Float32Array.
 * @example
 * ```ts
 * const x = generateCurvesSynthetic({ seed: 1, n: 100 }); // 100 images of 784 floats
 * ```
 */
export function generateCurvesSynthetic(options: CurvesSyntheticOptions): Float32Array {
  const { seed, n } = options;
  const penWidth = options.penWidth ?? CURVES_PEN_WIDTH;
  if (!Number.isInteger(n) || n < 1) throw new OptionError(`n must be a positive integer, got ${n}`);
  if (!(penWidth > 0 && penWidth <= 8)) throw new OptionError(`penWidth must be in (0, 8] pixels, got ${penWidth}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new OptionError(`seed must be an integer in [0, 2^32), got ${seed}`);
  const rng = createRng((seed + GENERATOR_SALT) >>> 0);
  const d = CURVES_SIDE * CURVES_SIDE;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    rasterizePolyline(drawCurve(rng, CURVES_SIDE), CURVES_SIDE, penWidth, out.subarray(i * d, (i + 1) * d));
  }
  return out;
}

/**
 * The curves-synthetic problem: 20,000 generated CURVES-like images ({@link
 * generateCurvesSynthetic}), y = x, seeded 80/20 split (16,000 / 4,000), named
 * `curves-synthetic`. A clearly labelled stand-in for CURVES, never reported as CURVES.
 *
 * @example
 * ```ts
 * const ds = await loadCurvesSynthetic({ seed: 0, trainSize: 2000 });
 * ds.title; // "curves-synthetic: generated stand-in for CURVES (…)…"
 * ```
 */
export async function loadCurvesSynthetic(options: LoadOptions): Promise<Dataset> {
  const n = CURVES_SYNTHETIC_COUNT;
  // Check the truncation before spending time on generation.
  resolveSize('trainSize', options.trainSize, n - eightyTwenty(n));
  resolveSize('validationSize', options.validationSize, eightyTwenty(n));
  return autoencoderDataset(
    {
      name: 'curves-synthetic',
      title: `curves-synthetic: generated stand-in for CURVES, not the original data (${n.toLocaleString('en-US')} 28×28 Bézier curves through 3 random points, seed ${options.seed})`,
      source: `generated by @fisherkit/datasets generateCurvesSynthetic (seed ${options.seed})`,
      examples: generateCurvesSynthetic({ seed: options.seed, n }),
      n,
      d: CURVES_SIDE * CURVES_SIDE,
      nValidation: eightyTwenty(n),
    },
    options,
  );
}
