/**
 * Per-pool facts that do not depend on any class: power, price over the horizon, KV transfer bandwidth. Both the
 * TTFET floors (floors.ts) and the per-class demand (demand.ts) read them; they live here so neither imports the other.
 */
import { DEFAULT_LINK_LATENCY_SECONDS, defaultKvLinkBytesPerSecond } from '../../catalogs/default-links.js';
import type { InstanceLayout } from '../../catalogs/types.js';
import type { LinkModel } from '../../models/types.js';
import type { ResolvedOptions } from '../options.js';
import type { Pool } from '../types.js';

/**
 * The KV link a prefill instance's transfers are priced at: the configured link (`--link`) when given, else the
 * instance's own GPUs' inter-node share (catalogs/default-links.ts). `plan` writes each prefill pool's link with this
 * same function (check/fleet.ts planToFleet), so the kernel checks a plan with the links it was priced with.
 */
export function pricedKvLink(perGpuInterNodeBytesPerSecond: number, layout: InstanceLayout, link?: LinkModel): LinkModel {
  return link ?? { bandwidthBytesPerSecond: defaultKvLinkBytesPerSecond(perGpuInterNodeBytesPerSecond, layout), latencySeconds: DEFAULT_LINK_LATENCY_SECONDS };
}

export interface PoolFacts {
  readonly idleWatts: number;
  readonly peakWatts: number;
  readonly capexUsd?: number;
  readonly rentUsdPerHour?: number;
  /** Hardware cost over the horizon: capex, else rent × horizon hours; undefined without a price. */
  readonly hardwareUsd?: number;
  /** KV transfer bandwidth of one instance (its GPUs' inter-node share, or the configured link). */
  readonly linkBytesPerSecond: number;
  /** The whole link its transfers are priced at (pricedKvLink): `linkBytesPerSecond` and the latency. */
  readonly link: LinkModel;
}

export function factsOf(pool: Pool, options: ResolvedOptions): PoolFacts {
  const hours = options.horizonYears * 365 * 24;
  const capexUsd = pool.gpu.capexUsd !== undefined ? pool.gpu.capexUsd * pool.gpus : undefined;
  const rentUsdPerHour = pool.gpu.rentUsdPerHour !== undefined ? pool.gpu.rentUsdPerHour * pool.gpus : undefined;
  const hardwareUsd = capexUsd ?? (rentUsdPerHour !== undefined ? rentUsdPerHour * hours : undefined);
  const perf = pool.perf;
  const peakWatts = Math.max(perf.powerWatts('prefill'), perf.powerWatts('decode', options.maxBatch));
  const link = pricedKvLink(pool.gpu.interNodeBandwidthBytesPerSecond, pool, options.link);
  return { idleWatts: perf.powerWatts('idle'), peakWatts, capexUsd, rentUsdPerHour, hardwareUsd, linkBytesPerSecond: link.bandwidthBytesPerSecond, link };
}
