/**
 * A plan as a Fleet (catalogs/types.ts): what the kernel simulates and what `plan --out` writes as plan.yaml.
 */
import { kvLinksFor, type PoolLink } from '../../catalogs/default-links.js';
import type { Datacenter, Fleet } from '../../catalogs/types.js';
import type { LinkModel } from '../../models/types.js';
import { pricedKvLink } from '../demand/pool-facts.js';
import type { Plan } from '../types.js';

export interface FleetOptions {
  readonly datacenter?: Datacenter;
  readonly link?: LinkModel;
  /** Per-GPU inter-node bandwidth of each GPU id in the plan (for the default link). */
  readonly interNodeBandwidthBytesPerSecond?: Readonly<Record<string, number>>;
}

/**
 * Converts a plan into a fleet; links between prefill and decode pools are added when the plan disaggregates: each
 * prefill pool's at exactly the link the planner priced it at (demand/pool-facts.ts pricedKvLink, the same function),
 * one pair per pool when the pools' links differ, one role-level pair when they are equal (catalogs/default-links.ts).
 */
export function planToFleet(plan: Plan, options: FleetOptions = {}): Fleet {
  const instances = plan.instances.map((i) => ({
    gpu: i.gpu,
    llm: i.llm,
    tp: i.tp,
    ...(i.ep !== undefined && i.ep > 1 ? { ep: i.ep } : {}),
    ...(i.precision !== undefined ? { precision: i.precision } : {}),
    ...(i.kvDtype !== undefined ? { kvDtype: i.kvDtype } : {}),
    role: i.role,
    count: i.count,
    ...(i.powerCapWatts !== undefined ? { powerCapWatts: i.powerCapWatts } : {}),
  }));
  const pools: PoolLink[] = [];
  plan.instances.forEach((i, pool) => {
    if (i.role !== 'prefill') return;
    const link = pricedKvLink(options.interNodeBandwidthBytesPerSecond?.[i.gpu] ?? 0, i, options.link);
    if (link.bandwidthBytesPerSecond > 0) pools.push({ pool, ...link });
  });
  const links = plan.instances.some((i) => i.role === 'decode') ? kvLinksFor(pools, ['decode']) : [];
  return { instances, links, ...(options.datacenter ? { datacenter: options.datacenter } : {}) };
}
