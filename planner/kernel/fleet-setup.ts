/**
 * Turns a fleet into instances for a policy. Disaggregated policies serve turn-1 prefills on `prefill` pools and
 * decode on `decode` (and `colocated`) pools (colocated.ts: one meaning of colocated, shared with the planner); `colocated` runs every instance as a colocated engine, so the same
 * fleet compares policies on the same GPUs (the paper's four A40s).
 */
import type { Fleet, Link, Role } from '../../catalogs/types.js';
import { inputError } from '../../catalogs/issues.js';
import type { LinkModel, PerfModel } from '../../models/types.js';
import { Engine } from './engine.js';
import { Prefiller } from './prefiller.js';
import type { PerfModelFor, ResolvedOptions } from './types.js';
import { colocatedPrefillsTurnOne } from './colocated.js';

export interface FleetSetup {
  readonly engines: Engine[];
  readonly prefillers: Prefiller[];
  /** Instance index → engine or prefiller (indices are global across both). */
  readonly kindOf: ('engine' | 'prefiller')[];
  readonly byInstance: (Engine | Prefiller)[];
  readonly models: PerfModel[];
  readonly toDecoder: LinkModel;
  readonly toPrefiller: LinkModel;
  /** The model standalone latencies are computed on: the first decode pool, else colocated, else any (by role). */
  readonly referenceModel: PerfModel;
  readonly maxEngineCapacityTokens: number;
}

function findLink(links: readonly Link[], from: Role, to: Role): Link | undefined {
  return links.find((l) => l.from === from && l.to === to);
}

/** Builds engines and prefillers; throws an InputError when the fleet lacks a role or link the policy needs. */
export function setUpFleet(fleet: Fleet, perfModelFor: PerfModelFor, o: ResolvedOptions): FleetSetup {
  const disaggregated = !colocatedPrefillsTurnOne(o.policy);
  const engines: Engine[] = [];
  const prefillers: Prefiller[] = [];
  const kindOf: ('engine' | 'prefiller')[] = [];
  const byInstance: (Engine | Prefiller)[] = [];
  const models: PerfModel[] = [];
  let referenceModel: PerfModel | undefined;
  fleet.instances.forEach((pool, poolIndex) => {
    const model = perfModelFor(pool);
    models.push(model);
    const asPrefiller = disaggregated && pool.role === 'prefill';
    for (let i = 0; i < pool.count; i++) {
      const index = byInstance.length;
      if (asPrefiller) {
        const p = new Prefiller(index, poolIndex, model, { tokenBudget: o.prefillTokenBudget, maxBatch: o.prefillMaxBatch });
        prefillers.push(p);
        byInstance.push(p);
        kindOf.push('prefiller');
      } else {
        const e = new Engine(index, poolIndex, model, Math.floor(model.kvCapacityTokens), {
          fast: o.mode === 'fast',
          tokenBudget: o.engineTokenBudget,
          maxBatch: o.maxDecodeBatch,
          prefillPausesDecode: o.prefillPausesDecode,
          wholePrompts: o.wholePrompts,
          admission: o.admission,
          preemption: o.preemption,
          swapBandwidthBytesPerSecond: o.swapBandwidthBytesPerSecond,
        });
        engines.push(e);
        byInstance.push(e);
        kindOf.push('engine');
      }
    }
  });
  // The standalone reference is chosen by role, not by policy, so every policy normalises by the same latencies.
  const referenceIndex = [fleet.instances.findIndex((p) => p.role === 'decode' && p.count > 0), fleet.instances.findIndex((p) => p.role === 'colocated' && p.count > 0), fleet.instances.findIndex((p) => p.count > 0)].find((i) => i >= 0) ?? 0;
  referenceModel = models[referenceIndex];
  if (disaggregated && prefillers.length === 0) throw inputError('invalid_value', '', 'instances', `found no instance with role "prefill", expected at least one for policy "${o.policy}"`);
  if (engines.length === 0) {
    const need = disaggregated ? 'role "decode" (or "colocated")' : 'any role';
    throw inputError('invalid_value', '', 'instances', `found no decode-capable instance, expected at least one with ${need} for policy "${o.policy}"`);
  }
  const decodeRole: Role = fleet.instances.some((p) => p.role === 'decode' && p.count > 0) ? 'decode' : 'colocated';
  const forward = findLink(fleet.links, 'prefill', decodeRole) ?? findLink(fleet.links, 'prefill', 'decode');
  if (disaggregated && forward === undefined) throw inputError('invalid_value', '', 'links', `found no link from "prefill" to "${decodeRole}", expected one for policy "${o.policy}"`);
  const backward = findLink(fleet.links, decodeRole, 'prefill') ?? forward;
  const none: LinkModel = { bandwidthBytesPerSecond: Infinity, latencySeconds: 0 };
  let maxCap = 0;
  for (const e of engines) maxCap = Math.max(maxCap, e.capacityTokens);
  return {
    engines,
    prefillers,
    kindOf,
    byInstance,
    models,
    toDecoder: forward ?? none,
    toPrefiller: backward ?? none,
    referenceModel: referenceModel!,
    maxEngineCapacityTokens: maxCap,
  };
}
