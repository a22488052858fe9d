/**
 * A plan as a Fleet (catalogs/types.ts): what the kernel simulates and what `plan --out` writes as plan.yaml.
 */
import type { Datacenter, Fleet, Link } from '../../catalogs/types.js';
import type { LinkModel } from '../../models/types.js';
import type { Plan } from '../types.js';

/** Link used when the caller gives none: the prefill GPUs' inter-node share, 10 µs latency. */
const DEFAULT_LINK_LATENCY_SECONDS = 10e-6;

export interface FleetOptions {
  readonly datacenter?: Datacenter;
  readonly link?: LinkModel;
  /** Per-GPU inter-node bandwidth of each GPU id in the plan (for the default link). */
  readonly interNodeBandwidthBytesPerSecond?: Readonly<Record<string, number>>;
}

/** Converts a plan into a fleet; links between prefill and decode pools are added when the plan disaggregates. */
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
  const links: Link[] = [];
  const prefill = plan.instances.filter((i) => i.role === 'prefill');
  if (prefill.length > 0 && plan.instances.some((i) => i.role === 'decode')) {
    // An instance is max(tp, ep) GPUs, each with its NIC share: the link the planner priced (demand/pool-facts.ts) and
    // a fleet file without links gets (catalogs/default-links.ts); tp alone undercounts an expert-parallel prefiller.
    const perInstance = prefill.map((i) => (options.interNodeBandwidthBytesPerSecond?.[i.gpu] ?? 0) * Math.max(i.tp, i.ep ?? 1)).filter((b) => b > 0);
    const bandwidth = options.link?.bandwidthBytesPerSecond ?? (perInstance.length > 0 ? Math.min(...perInstance) : undefined);
    if (bandwidth !== undefined) {
      const latencySeconds = options.link?.latencySeconds ?? DEFAULT_LINK_LATENCY_SECONDS;
      // Both directions: conserve only sends prefill → decode; per-turn baselines send history back.
      links.push({ from: 'prefill', to: 'decode', bandwidthBytesPerSecond: bandwidth, latencySeconds });
      links.push({ from: 'decode', to: 'prefill', bandwidthBytesPerSecond: bandwidth, latencySeconds });
    }
  }
  return { instances, links, ...(options.datacenter ? { datacenter: options.datacenter } : {}) };
}
