import type { ApproximationPlugin } from '@fisherkit/preconditioner';
import { assertPlugin } from '@fisherkit/preconditioner';
import { deflation } from '@fisherkit/deflation';
import { kfac } from '@fisherkit/kfac';
import { kfacCorrected } from '@fisherkit/kfac-corrected';
import { kpsvd } from '@fisherkit/kpsvd';
import { lanczos } from '@fisherkit/lanczos';
import { CliError } from './cli-error.js';

/** The in-repo approximation plug-ins, by CLI id, in the paper's order. */
export const APPROXIMATIONS: readonly ApproximationPlugin<any>[] = [kfac, kpsvd, deflation, lanczos, kfacCorrected];

/** The CLI ids of the in-repo approximations. */
export const APPROXIMATION_IDS = APPROXIMATIONS.map((p) => p.id);

/**
 * Finds an in-repo approximation plug-in by its id, checked by the plug-in guard.
 * @example `approximationById('kpsvd').title`
 */
export function approximationById(id: string): ApproximationPlugin<any> {
  const plugin = APPROXIMATIONS.find((p) => p.id === id);
  if (!plugin) throw new CliError(`unknown method "${id}"; use one of ${APPROXIMATION_IDS.join(', ')}`);
  assertPlugin(plugin, `@fisherkit/${id}`);
  return plugin;
}
