/** A point in image coordinates: x to the right, y down, pixel (r, c) has its centre at (c + ½, r + ½). */
export interface Point {
  x: number;
  y: number;
}

/**
 * Rasterises a polyline into a size × size image with anti-aliasing: each pixel's intensity is
 * I = clamp(w/2 + ½ − d, 0, 1), where d is the distance from the pixel centre to the polyline and
 * w the pen width (full ink within w/2 − ½ of the curve, fading linearly over one pixel). Written
 * into `out` (row-major) by taking the maximum with what is there.
 *
 * @example
 * ```ts
 * const img = new Float32Array(784);
 * rasterizePolyline([{ x: 4, y: 4 }, { x: 24, y: 20 }], 28, 1.5, img);
 * ```
 */
export function rasterizePolyline(points: Point[], size: number, penWidth: number, out: Float32Array): Float32Array {
  const reach = penWidth / 2 + 0.5;
  for (let s = 0; s + 1 < points.length; s++) {
    const a = points[s];
    const b = points[s + 1];
    const c0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - reach));
    const c1 = Math.min(size - 1, Math.ceil(Math.max(a.x, b.x) + reach));
    const r0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - reach));
    const r1 = Math.min(size - 1, Math.ceil(Math.max(a.y, b.y) + reach));
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const value = Math.min(1, reach - distanceToSegment(c + 0.5, r + 0.5, a, b));
        if (value > out[r * size + c]) out[r * size + c] = value;
      }
    }
  }
  return out;
}

/**
 * Euclidean distance from (px, py) to the segment ab: ‖p − (a + t(b − a))‖ with
 * t = clamp(⟨p − a, b − a⟩ / ‖b − a‖², 0, 1).
 *
 * @example
 * ```ts
 * distanceToSegment(0, 1, { x: -1, y: 0 }, { x: 1, y: 0 }); // 1
 * ```
 */
export function distanceToSegment(px: number, py: number, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a.x) * dx + (py - a.y) * dy) / len2));
  const ex = px - (a.x + t * dx);
  const ey = py - (a.y + t * dy);
  return Math.sqrt(ex * ex + ey * ey);
}
