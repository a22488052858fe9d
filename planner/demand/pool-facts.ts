/**
 * Per-pool facts that do not depend on any class: power, price over the horizon, KV transfer bandwidth. Both the
 * TTFET floors (floors.ts) and the per-class demand (demand.ts) read them; they live here so neither imports the other.
 */
import type { ResolvedOptions } from '../options.js';
import type { Pool } from '../types.js';

export interface PoolFacts {
  readonly idleWatts: number;
  readonly peakWatts: number;
  readonly capexUsd?: number;
  readonly rentUsdPerHour?: number;
  /** Hardware cost over the horizon: capex, else rent × horizon hours; undefined without a price. */
  readonly hardwareUsd?: number;
  /** KV transfer bandwidth of one instance (its GPUs' inter-node share, or the configured link). */
  readonly linkBytesPerSecond: number;
}

export function factsOf(pool: Pool, options: ResolvedOptions): PoolFacts {
  const hours = options.horizonYears * 365 * 24;
  const capexUsd = pool.gpu.capexUsd !== undefined ? pool.gpu.capexUsd * pool.gpus : undefined;
  const rentUsdPerHour = pool.gpu.rentUsdPerHour !== undefined ? pool.gpu.rentUsdPerHour * pool.gpus : undefined;
  const hardwareUsd = capexUsd ?? (rentUsdPerHour !== undefined ? rentUsdPerHour * hours : undefined);
  const perf = pool.perf;
  const peakWatts = Math.max(perf.powerWatts('prefill'), perf.powerWatts('decode', options.maxBatch));
  const linkBytesPerSecond = options.link?.bandwidthBytesPerSecond ?? pool.gpu.interNodeBandwidthBytesPerSecond * pool.gpus;
  return { idleWatts: perf.powerWatts('idle'), peakWatts, capexUsd, rentUsdPerHour, hardwareUsd, linkBytesPerSecond };
}
