// Cross-plug-in check: all five approximations on the same Fisher mini-batches, ordered as the
// mathematics says (MATH.md §4), next to the dense reference errors of the conformance kit.
import { beforeAll, describe, expect, it } from 'vitest';
import { relativeFisherError, selectBackend } from '@fisherkit/core';
import { deflation } from '@fisherkit/deflation';
import { kfac } from '@fisherkit/kfac';
import { kfacCorrected } from '@fisherkit/kfac-corrected';
import { kpsvd } from '@fisherkit/kpsvd';
import { lanczos } from '@fisherkit/lanczos';
import type { LayerBatch, LayerSpec } from '@fisherkit/fisher';
import type { ApproximationPlugin } from '@fisherkit/preconditioner';
import { approximationErrors, capturedLayer, syntheticLayers, type ConformanceLayer } from '@fisherkit/preconditioner/conformance';

/** Round-off allowance of the matrix-free relative error (absolute). */
const ROUND_OFF = 1e-9;

/** Error 1 of a plug-in (default options) on one mini-batch, no running average. */
function errorOf(plugin: ApproximationPlugin<any>, layer: LayerSpec, batch: LayerBatch): number {
  const block = plugin.createBlock(layer, { ...plugin.defaults });
  try {
    block.updateStatistics(batch, 0);
    return relativeFisherError(batch.a, batch.g, block.terms());
  } finally {
    block.dispose();
  }
}

describe('the five approximations on the same batches', () => {
  let layers: ConformanceLayer[] = [];
  beforeAll(async () => {
    await selectBackend({ backend: 'cpu' });
    layers = [...syntheticLayers(), capturedLayer(), capturedLayer(21)];
  });

  it('KPSVD ≤ KFAC, Deflation ≤ KPSVD and ≤ KFAC-corrected, Lanczos = Deflation', () => {
    for (const l of layers) {
      for (const batch of [l.batch, l.next]) {
        const e = {
          kfac: errorOf(kfac, l.layer, batch),
          kpsvd: errorOf(kpsvd, l.layer, batch),
          deflation: errorOf(deflation, l.layer, batch),
          lanczos: errorOf(lanczos, l.layer, batch),
          kfacCorrected: errorOf(kfacCorrected, l.layer, batch),
        };
        const at = `${l.name}: ${JSON.stringify(e)}`;
        expect(e.kpsvd, `${at}: KPSVD ≤ KFAC`).toBeLessThanOrEqual(e.kfac + ROUND_OFF);
        expect(e.deflation, `${at}: Deflation ≤ KPSVD`).toBeLessThanOrEqual(e.kpsvd + ROUND_OFF);
        expect(e.deflation, `${at}: Deflation ≤ KFAC-corrected`).toBeLessThanOrEqual(e.kfacCorrected + ROUND_OFF);
        expect(Math.abs(e.lanczos - e.deflation), `${at}: Lanczos = Deflation`).toBeLessThanOrEqual(1e-4 * e.deflation);

        const ref = approximationErrors(batch.a, batch.g);
        expect(Math.abs(e.kfac - ref.kfac), `${at}: KFAC = dense KFAC`).toBeLessThanOrEqual(1e-8 * ref.kfac);
        expect(Math.abs(e.kpsvd - ref.bestRank1), `${at}: KPSVD = dense best rank-1`).toBeLessThanOrEqual(1e-4 * ref.bestRank1);
        expect(Math.abs(e.deflation - ref.bestRank2), `${at}: Deflation = dense best rank-2`).toBeLessThanOrEqual(1e-4 * ref.bestRank2);
        expect(Math.abs(e.kfacCorrected - ref.kfacCorrected), `${at}: KFAC-corrected = dense reference`).toBeLessThanOrEqual(
          1e-4 * ref.kfacCorrected,
        );
      }
    }
  });
});
