/**
 * The plan's identity on every exported object, so a running cluster can be tied back to the plan `validate` checked
 * in CI: label values are ≤ 63 characters (the hash is cut to 16 hex digits there), annotations carry it whole.
 */
import type { DeployPool } from './pools.js';
import type { PlanIdentity } from './types.js';

export const LABEL_PREFIX = 'fleetplan.dev';

export function identityLabels(identity: PlanIdentity, pool?: DeployPool): Record<string, string> {
  const hex = identity.planSha256.replace(/^sha256:/, '');
  return {
    'app.kubernetes.io/managed-by': 'fleetplan',
    [`${LABEL_PREFIX}/plan-hash`]: hex.slice(0, 16),
    ...(pool ? { [`${LABEL_PREFIX}/pool`]: pool.name, [`${LABEL_PREFIX}/role`]: pool.role, [`${LABEL_PREFIX}/gpu`]: pool.gpu.id } : {}),
  };
}

export function identityAnnotations(identity: PlanIdentity, pool?: DeployPool): Record<string, string> {
  return {
    [`${LABEL_PREFIX}/plan-sha256`]: identity.planSha256,
    [`${LABEL_PREFIX}/plan-file`]: identity.planFile,
    [`${LABEL_PREFIX}/version`]: identity.fleetplanVersion,
    ...(identity.planName !== undefined ? { [`${LABEL_PREFIX}/plan-name`]: identity.planName } : {}),
    ...(pool
      ? {
          [`${LABEL_PREFIX}/layout`]: `tp${pool.tp} ep${pool.ep} dp${pool.dataParallel}, ${pool.gpus} GPU(s) on ${pool.nodes} node(s)`,
          [`${LABEL_PREFIX}/precision`]: `${pool.precision} weights, ${pool.kvDtype} KV cache`,
          [`${LABEL_PREFIX}/power-cap-w`]: pool.powerCapWatts !== undefined ? String(pool.powerCapWatts) : `TDP (${pool.gpu.tdpWatts})`,
          [`${LABEL_PREFIX}/instances`]: String(pool.count),
        }
      : {}),
  };
}
