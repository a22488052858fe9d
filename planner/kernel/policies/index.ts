/** The policies by name: each a small flow over the kernel's actions (a lookup table, no class hierarchy). */
import type { PolicyFlow } from '../sim.js';
import type { PolicyName } from '../types.js';
import { createColocatedFlow } from './colocated.js';
import { createConserveFlow } from './conserve.js';
import { createPerTurnDisaggFlow } from './per-turn-disagg.js';

const FACTORIES: Record<PolicyName, () => PolicyFlow> = {
  conserve: () => createConserveFlow(false),
  'per-turn-predict': () => createConserveFlow(true),
  'per-turn-disagg': createPerTurnDisaggFlow,
  colocated: createColocatedFlow,
};

/** A fresh flow for a policy. */
export function createPolicyFlow(name: PolicyName): PolicyFlow {
  const factory = FACTORIES[name];
  if (factory === undefined) throw new RangeError(`Unknown policy "${name}"`);
  return factory();
}
