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
  /**
   * The link KV takes from a prefiller to a decoder and back, by the prefiller's pool index (fleet.instances): the
   * pool's own link (`fromPool`) when the fleet names one, else the role-level link. Only prefill pools' entries are
   * read; a transfer is priced at its prefiller's link, as the planner priced that pool (demand/pool-facts.ts).
   */
  readonly toDecoder: readonly LinkModel[];
  readonly toPrefiller: readonly LinkModel[];
  /** The model standalone latencies are computed on: the first decode pool, else colocated, else any (by role). */
  readonly referenceModel: PerfModel;
  readonly maxEngineCapacityTokens: number;
}

/** The link for (from, to) of one prefill pool (`pool`), or the role-level one (`pool` undefined, no `fromPool`). */
function findLink(links: readonly Link[], from: Role, to: Role, pool?: number): Link | undefined {
  return links.find((l) => l.from === from && l.to === to && l.fromPool === pool);
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
  const forwardOf = (pool?: number) => findLink(fleet.links, 'prefill', decodeRole, pool) ?? findLink(fleet.links, 'prefill', 'decode', pool);
  const none: LinkModel = { bandwidthBytesPerSecond: Infinity, latencySeconds: 0 };
  const toDecoder: LinkModel[] = [];
  const toPrefiller: LinkModel[] = [];
  fleet.instances.forEach((pool, poolIndex) => {
    // A pool's own link wins over the role-level one for the same direction; the way back falls back to the way there.
    const forward = forwardOf(poolIndex) ?? forwardOf();
    const needed = disaggregated && pool.role === 'prefill' && pool.count > 0;
    if (needed && forward === undefined) {
      const own = fleet.links.some((l) => l.fromPool !== undefined) ? ` (nor one with from_pool ${poolIndex} for instances[${poolIndex}])` : '';
      throw inputError('invalid_value', '', 'links', `found no link from "prefill" to "${decodeRole}"${own}, expected one for policy "${o.policy}"`);
    }
    const backward = findLink(fleet.links, decodeRole, 'prefill', poolIndex) ?? findLink(fleet.links, decodeRole, 'prefill') ?? forward;
    toDecoder.push(forward ?? none);
    toPrefiller.push(backward ?? none);
  });
  let maxCap = 0;
  for (const e of engines) maxCap = Math.max(maxCap, e.capacityTokens);
  return {
    engines,
    prefillers,
    kindOf,
    byInstance,
    models,
    toDecoder,
    toPrefiller,
    referenceModel: referenceModel!,
    maxEngineCapacityTokens: maxCap,
  };
}
