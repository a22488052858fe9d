/**
 * The links a fleet file may leave out (fleet.schema.json `links`: "defaults come from the GPUs' inter-node
 * bandwidth"), and the rule both they and `plan` use. A prefill instance moves KV over its own GPUs' NICs: its link is
 * its max(tp, ep) GPUs × the GPU type's per-GPU `inter_node_bytes_per_s`, with 10 µs latency — the link the planner
 * prices each prefill pool at (planner/demand/pool-facts.ts) and the one `plan` writes (planner/check/fleet.ts), so a
 * planned fleet written without links simulates as it was planned.
 *
 * Prefill pools whose links differ (different GPUs or instance sizes) get one link per pool (`fromPool`); pricing all
 * of them at the slowest would make a pool's price depend on the other pools. Pools whose links are all equal get one
 * role-level link, as before per-pool links existed, so such fleets keep their links byte for byte.
 */
import { instanceGpus } from './precision.js';
import type { Catalog, Fleet, InstanceLayout, Link, Role } from './types.js';

export const DEFAULT_LINK_LATENCY_SECONDS = 10e-6;

/** KV bandwidth of one instance by default: each of its max(tp, ep) GPUs' inter-node share, bytes per second. */
export function defaultKvLinkBytesPerSecond(perGpuInterNodeBytesPerSecond: number, layout: InstanceLayout): number {
  return perGpuInterNodeBytesPerSecond * instanceGpus(layout);
}

/** A prefill pool's own KV link: its index in the fleet's instances, bandwidth and latency. */
export interface PoolLink {
  readonly pool: number;
  readonly bandwidthBytesPerSecond: number;
  readonly latencySeconds: number;
}

/**
 * The links to add for one direction (`prefill` at one end, `other` at the other) over `existing`: none when a
 * role-level link already serves it; else, for the pools without a link of their own, one role-level link when no
 * pool-level link exists for the direction and their links are all equal, or one link per pool.
 */
function linksForDirection(from: Role, to: Role, pools: readonly PoolLink[], existing: readonly Link[]): Link[] {
  const same = existing.filter((l) => l.from === from && l.to === to);
  if (same.some((l) => l.fromPool === undefined)) return [];
  const uncovered = pools.filter((p) => !same.some((l) => l.fromPool === p.pool));
  if (uncovered.length === 0) return [];
  const first = uncovered[0]!;
  const uniform = same.length === 0 && uncovered.every((p) => p.bandwidthBytesPerSecond === first.bandwidthBytesPerSecond && p.latencySeconds === first.latencySeconds);
  if (uniform) return [{ from, to, bandwidthBytesPerSecond: first.bandwidthBytesPerSecond, latencySeconds: first.latencySeconds }];
  return uncovered.map((p) => ({ from, to, bandwidthBytesPerSecond: p.bandwidthBytesPerSecond, latencySeconds: p.latencySeconds, fromPool: p.pool }));
}

/**
 * The KV links prefill pools need towards each receiving role and back (conserve only sends prefill → receiver; the
 * per-turn baselines send history back), for every direction `existing` does not already serve.
 */
export function kvLinksFor(pools: readonly PoolLink[], receivers: readonly Role[], existing: readonly Link[] = []): Link[] {
  if (pools.length === 0) return [];
  return receivers.flatMap((role) => [...linksForDirection('prefill', role, pools, existing), ...linksForDirection(role, 'prefill', pools, existing)]);
}

/** The fleet with a default link added for every prefill pool and prefill ↔ decode-capable direction it does not serve. */
export function withDefaultLinks(fleet: Fleet, catalog: Pick<Catalog, 'gpus'>): Fleet {
  const receivers = (['decode', 'colocated'] as const).filter((role) => fleet.instances.some((p) => p.role === role));
  const pools: PoolLink[] = [];
  fleet.instances.forEach((p, pool) => {
    if (p.role !== 'prefill') return;
    const bandwidthBytesPerSecond = defaultKvLinkBytesPerSecond(catalog.gpus.get(p.gpu)?.interNodeBandwidthBytesPerSecond ?? 0, p);
    // A GPU with no inter-node link gets no default: the file must name one (check-kv-links.ts says so).
    if (bandwidthBytesPerSecond > 0) pools.push({ pool, bandwidthBytesPerSecond, latencySeconds: DEFAULT_LINK_LATENCY_SECONDS });
  });
  const added = kvLinksFor(pools, receivers, fleet.links);
  return added.length === 0 ? fleet : { ...fleet, links: [...fleet.links, ...added] };
}
