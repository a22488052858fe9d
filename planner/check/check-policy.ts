/** Which policy proves a plan: conserve needs prefillers and decoders; a plan without both is checked as colocated. */
import type { Fleet, Role } from '../../catalogs/types.js';
import type { PolicyName } from '../kernel/index.js';

/** `policy`, or `colocated` when the fleet has no prefill and decode pools to disaggregate over. */
export function effectivePolicy(fleet: Fleet, policy: PolicyName): PolicyName {
  const has = (role: Role) => fleet.instances.some((i) => i.role === role && i.count > 0);
  return policy !== 'colocated' && !(has('prefill') && has('decode')) ? 'colocated' : policy;
}
