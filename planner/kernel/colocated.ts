/**
 * What a `colocated` instance does under each policy — one meaning, read by the kernel (fleet-setup.ts) and by the
 * planner's MILP (planner/milp/fleet-shape-rows.ts), so a plan means in the simulator what it meant to the solver.
 * Under `colocated` every instance prefills and decodes its own conversations. Under a disaggregating policy turn-1
 * prefill goes to the prefill pool and a colocated instance is a decoder (it prefills later turns against its
 * resident KV, as every decoder does): it never takes a turn-1 prefill.
 */
import type { PolicyName } from './types.js';

/** Whether a colocated instance serves turn-1 prefills under `policy`. */
export function colocatedPrefillsTurnOne(policy: PolicyName): boolean {
  return policy === 'colocated';
}
