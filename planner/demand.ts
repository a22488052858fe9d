/**
 * Demand: per class and candidate pool, what one conversation costs that pool, whether the pool can serve the class
 * within the SLOs at all (and if not, why), and per pool its power and price. The formulation multiplies these by
 * arrival rates and routing shares; nothing here depends on the rates, which keeps "more traffic is never cheaper"
 * true by construction.
 */
import type { Datacenter, Mix, SloSet } from '../catalogs/types.js';
import { profileClass, type ClassProfile } from './class-profile.js';
import { decodeShareSeconds, decoderPathSeconds, expectedLaterPrefillSeconds, kvTokenSeconds, laterPrefillSeconds, peakContextTokens, stepSeconds } from './decode-side.js';
import type { ResolvedOptions } from './options.js';
import { utilisationCap } from './queueing.js';
import { boundSeconds, readTargets, type PlanTargets } from './slo-targets.js';
import type { Pool } from './types.js';
import { computeFloors, type ClassFloors } from './floors.js';

/** Per-conversation loads of one class on one pool; loads are in instance-seconds (rows compare λ·x·load ≤ n). */
export interface DemandEntry {
  readonly eligible: boolean;
  /** Why not, in words, when not eligible. */
  readonly reason?: string;
  /** Prefill instance-seconds per conversation divided by the utilisation cap (prefill and colocated pools). */
  readonly prefillLoad: number;
  /** Decode + later-prefill instance-seconds per conversation divided by the decode utilisation (decode, colocated). */
  readonly decodeLoad: number;
  /** Resident KV token-seconds per conversation divided by headroom × KV capacity (decode, colocated). */
  readonly kvLoad: number;
  /** KV bytes sent (prefill) or received (decode) per conversation. */
  readonly transferBytes: number;
  /** Energy above idle per conversation, joules. */
  readonly energyJ: number;
  readonly utilisationCap?: number;
  readonly maxBatch?: number;
  readonly operatingBatch?: number;
  readonly stepSeconds?: number;
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
}

export interface Demand {
  readonly datacenter: Datacenter;
  readonly profiles: readonly ClassProfile[];
  readonly targets: PlanTargets;
  readonly floors: readonly ClassFloors[];
  readonly pools: readonly Pool[];
  readonly facts: readonly PoolFacts[];
  /** entries[classIndex][poolIndex]. */
  readonly entries: readonly (readonly DemandEntry[])[];
}

const NONE: DemandEntry = { eligible: false, prefillLoad: 0, decodeLoad: 0, kvLoad: 0, transferBytes: 0, energyJ: 0 };

function factsOf(pool: Pool, options: ResolvedOptions): PoolFacts {
  const hours = options.horizonYears * 365 * 24;
  const capexUsd = pool.gpu.capexUsd !== undefined ? pool.gpu.capexUsd * pool.tp : undefined;
  const rentUsdPerHour = pool.gpu.rentUsdPerHour !== undefined ? pool.gpu.rentUsdPerHour * pool.tp : undefined;
  const hardwareUsd = capexUsd ?? (rentUsdPerHour !== undefined ? rentUsdPerHour * hours : undefined);
  const perf = pool.perf;
  const peakWatts = Math.max(perf.powerWatts('prefill'), perf.powerWatts('decode', options.maxBatch));
  const linkBytesPerSecond = options.link?.bandwidthBytesPerSecond ?? pool.gpu.interNodeBandwidthBytesPerSecond * pool.tp;
  return { idleWatts: perf.powerWatts('idle'), peakWatts, capexUsd, rentUsdPerHour, hardwareUsd, linkBytesPerSecond };
}

/** Largest batch in [1, limit] with ok(b), assuming ok is monotone (true then false); 0 when ok(1) fails. */
function largestBatch(limit: number, ok: (b: number) => boolean): number {
  if (!ok(1)) return 0;
  let lo = 1;
  let hi = limit;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function prefillEntry(pool: Pool, p: ClassProfile, floors: ClassFloors, facts: PoolFacts, options: ResolvedOptions): Partial<DemandEntry> & { reason?: string } {
  const perf = pool.perf;
  const times = p.firstInputGrid.map((t) => perf.prefillSeconds(t, 0));
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const second = times.reduce((a, b) => a + b * b, 0) / times.length;
  const budget = floors.prefillWaitBudgetSeconds(pool);
  const rho = utilisationCap(budget, floors.percentile, { meanSeconds: mean, secondMomentSeconds2: second });
  if (!(rho > 0)) return { reason: floors.prefillMissReason(pool) };
  const energyJ = mean * (perf.powerWatts('prefill') - facts.idleWatts);
  return { prefillLoad: mean / rho, utilisationCap: rho, transferBytes: p.firstInputMeanTokens * perf.kvBytesPerToken, energyJ };
}

function decodeEntry(pool: Pool, p: ClassProfile, floors: ClassFloors, facts: PoolFacts, options: ResolvedOptions, colocated: boolean): Partial<DemandEntry> & { reason?: string } {
  const perf = pool.perf;
  if (peakContextTokens(p) > perf.kvCapacityTokens) {
    return { reason: `a ${p.id} conversation reaches ${Math.round(peakContextTokens(p))} KV tokens, more than the ${Math.round(perf.kvCapacityTokens)} ${pool.key} holds` };
  }
  const standaloneStep = stepSeconds(perf, p, 1);
  const tbtLimit = boundSeconds(floors.targets.tbt, standaloneStep);
  const ttftPrefill = p.survival.length > 1 ? laterPrefillSeconds(perf, p, Math.min(p.turnsAtPercentile, p.survival.length) - 1, p.appendedAtPercentileTokens) : 0;
  const ttftLimit = p.survival.length > 1 ? boundSeconds(floors.targets.ttft, ttftPrefill + standaloneStep) : Infinity;
  const pathLimit = floors.decoderPathBudgetSeconds(pool);
  const ok = (b: number): boolean => {
    const s = stepSeconds(perf, p, b);
    return s <= tbtLimit && ttftPrefill + s <= ttftLimit && decoderPathSeconds(perf, p, s) <= pathLimit;
  };
  const maxBatch = largestBatch(options.maxBatch, ok);
  if (maxBatch === 0) {
    if (standaloneStep > tbtLimit) return { reason: `TBT at batch 1 is ${(standaloneStep * 1000).toFixed(1)} ms on ${pool.key}, above the ${(tbtLimit * 1000).toFixed(1)} ms target` };
    if (ttftPrefill + standaloneStep > ttftLimit) return { reason: `later-turn TTFT at batch 1 is ${(ttftPrefill + standaloneStep).toFixed(3)} s on ${pool.key}, above the ${ttftLimit.toFixed(3)} s target` };
    return { reason: floors.decoderMissReason(pool) };
  }
  const later = expectedLaterPrefillSeconds(perf, p);
  const capacity = options.kvHeadroom * perf.kvCapacityTokens;
  // The operating batch: the one (≤ the SLO-feasible maximum) that needs the fewest instances per unit of traffic.
  let best = { b: 1, need: Infinity, step: standaloneStep };
  for (let b = 1; b <= maxBatch; b++) {
    const s = stepSeconds(perf, p, b);
    const need = Math.max((decodeShareSeconds(p, s, b) + later) / options.decodeUtilisation, kvTokenSeconds(perf, p, s, colocated) / capacity);
    if (need < best.need - 1e-15) best = { b, need, step: s };
  }
  const decodeSeconds = decodeShareSeconds(p, best.step, best.b);
  const energyJ = decodeSeconds * (perf.powerWatts('decode', best.b) - facts.idleWatts) + later * (perf.powerWatts('prefill') - facts.idleWatts);
  return {
    decodeLoad: (decodeSeconds + later) / options.decodeUtilisation,
    kvLoad: kvTokenSeconds(perf, p, best.step, colocated) / capacity,
    transferBytes: p.firstInputMeanTokens * perf.kvBytesPerToken,
    energyJ,
    maxBatch,
    operatingBatch: best.b,
    stepSeconds: best.step,
  };
}

function entryFor(pool: Pool, p: ClassProfile, floors: ClassFloors, facts: PoolFacts, options: ResolvedOptions): DemandEntry {
  const pre = pool.role !== 'decode' ? prefillEntry(pool, p, floors, facts, options) : {};
  if (pre.reason) return { ...NONE, reason: pre.reason };
  const dec = pool.role !== 'prefill' ? decodeEntry(pool, p, floors, facts, options, pool.role === 'colocated') : {};
  if (dec.reason) return { ...NONE, reason: dec.reason };
  return {
    eligible: true,
    prefillLoad: pre.prefillLoad ?? 0,
    decodeLoad: dec.decodeLoad ?? 0,
    kvLoad: dec.kvLoad ?? 0,
    transferBytes: pool.role === 'colocated' ? 0 : (pre.transferBytes ?? dec.transferBytes ?? 0),
    energyJ: (pre.energyJ ?? 0) + (dec.energyJ ?? 0),
    utilisationCap: pre.utilisationCap,
    maxBatch: dec.maxBatch,
    operatingBatch: dec.operatingBatch,
    stepSeconds: dec.stepSeconds,
  };
}

/** Derives the demand table for a mix over candidate pools. */
export function deriveDemand(inputs: { readonly mix: Mix; readonly slo: SloSet; readonly datacenter: Datacenter }, pools: readonly Pool[], options: ResolvedOptions): Demand {
  const { mix, slo, datacenter } = inputs;
  const targets = readTargets(slo);
  const profiles = mix.classes.map((c) => profileClass(c, targets.ttfetPercentile));
  const facts = pools.map((pool) => factsOf(pool, options));
  const floors = profiles.map((p) => computeFloors(p, pools, facts, targets, options));
  const entries = profiles.map((p, c) => pools.map((pool, j) => entryFor(pool, p, floors[c], facts[j], options)));
  return { datacenter, profiles, targets, floors, pools, facts, entries };
}
