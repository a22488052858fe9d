/**
 * Demand: per class and candidate pool, what one conversation costs that pool, whether the pool can serve the class
 * within the SLOs at all (and if not, why), and per pool its power and price. The formulation multiplies these by
 * arrival rates and routing shares; nothing here depends on the rates, which keeps "more traffic is never cheaper"
 * true by construction.
 */
import type { Datacenter, Mix, SloSet } from '../../catalogs/types.js';
import type { ClassProfile } from './class-profile.js';
import { decodeShareSeconds, decoderPathSeconds, expectedLaterPrefillSeconds, kvTokenSeconds, peakContextTokens, stepSeconds } from './decode-side.js';
import type { ResolvedOptions } from '../options.js';
import { memoPrefillBatchService, memoProfileClass } from './piece-memo.js';
import { arrivalRateCap } from './queueing.js';
import { boundSeconds, readTargets, type PlanTargets } from './slo-targets.js';
import type { Pool } from '../types.js';
import { computeFloors, type ClassFloors } from './floors.js';
import { factsOf, type PoolFacts } from './pool-facts.js';

export type { PoolFacts } from './pool-facts.js';

/**
 * One way a pool can serve a class: per-conversation loads in instance-seconds (rows compare Σ λ·x·load ≤ n) at one
 * decode batch size. Decode-capable pools offer every power-of-two batch up to the SLO-feasible maximum, and the LP
 * mixes them: the batch is a decision, not a guess. (Powers of two make a looser SLO's set a superset of a tighter
 * one's, so a looser SLO can never make the plan dearer.)
 */
export interface OperatingPoint {
  /** Decode batch size; undefined for prefill-only pools. */
  readonly batch?: number;
  /** Prefill instance-seconds per conversation divided by the utilisation cap (prefill and colocated pools). */
  readonly prefillLoad: number;
  /** Decode + later-prefill instance-seconds per conversation divided by the decode utilisation. */
  readonly decodeLoad: number;
  /** Resident KV token-seconds per conversation divided by headroom × KV capacity. */
  readonly kvLoad: number;
  /** KV bytes sent (prefill) or received (decode) per conversation; 0 on colocated pools. */
  readonly transferBytes: number;
  /** Energy above idle per conversation, joules. */
  readonly energyJ: number;
  readonly stepSeconds?: number;
  /**
   * Prefill-role points: the prefill side's allowance (arrival → KV at the decoder) this point was priced at. It may
   * only be paired with decoder points whose `leavesPrefillSeconds` is at least this (formulate.ts, pairing rows).
   */
  readonly prefillAllowanceSeconds?: number;
  /** Decode-role points: the TTFET target minus this point's decoder-side path, what it leaves the prefill side. */
  readonly leavesPrefillSeconds?: number;
}

/** Whether and how a pool can serve a class. */
export interface DemandEntry {
  readonly eligible: boolean;
  /** Why not, in words, when not eligible. */
  readonly reason?: string;
  readonly points: readonly OperatingPoint[];
  readonly utilisationCap?: number;
  /** Largest decode batch meeting TBT, later-turn TTFT and the decoder's TTFET share. */
  readonly maxBatch?: number;
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

/**
 * Prefill seconds of a later turn for the TTFT bound: the appended input at the per-turn quantile joint attainment
 * needs (ClassProfile.appendedForTtftTokens; the kernel's worst later-turn TTFT was p99 5.8 s vs 3 s on the catalog-wide
 * bench when this was read at p95, and more decode capacity could not fix it) against the mean history of
 * later turns (weighted by how many conversations reach each turn). Taking the percentile in both dimensions at once
 * would bound a far rarer event than the SLO's percentile.
 */
function laterTurnPrefillAtPercentile(perf: Pool['perf'], p: ClassProfile): number {
  let weight = 0;
  let history = 0;
  for (let i = 1; i < p.survival.length; i++) {
    weight += p.survival[i];
    history += p.survival[i] * p.historyTokens[i];
  }
  return perf.prefillSeconds(p.appendedForTtftTokens, weight > 0 ? history / weight : 0);
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

/**
 * The prefill side of a pool for a class: the kernel's batching server (a prefiller's iteration limits, or a colocated
 * engine's step budget) fed by this class alone, priced with the model's batched prefill time. Its per-conversation
 * load is 1 / (the largest per-instance arrival rate whose queueing budget holds at the SLO percentile), so
 * Σ λ·x·load ≤ n keeps every instance at or below that rate. A colocated pool has one budget (its own slack's prefill
 * share); a prefill pool one point per prefill allowance of the grid (floors.ts) that leaves it queueing room, the
 * allowance minus its own prefill and transfer being the budget. A larger allowance whose load is within
 * PRUNE_RELATIVE of the last kept one is dropped: it would pair with fewer decoders for little gain (at most
 * PRUNE_RELATIVE more prefill capacity per instance). The reported
 * utilisation cap is the loosest point's rate times the mean single-prompt time. Energy is charged at the
 * single-prompt time (an upper bound: batching shares the floor).
 */
const PRUNE_RELATIVE = 0.04;

function prefillEntry(pool: Pool, p: ClassProfile, floors: ClassFloors, facts: PoolFacts): { points?: OperatingPoint[]; utilisationCap?: number; reason?: string } {
  const perf = pool.perf;
  const service = memoPrefillBatchService(perf, pool.role, p.firstInputGrid);
  const mean = service.meanSeconds(1);
  const energyJ = mean * (perf.powerWatts('prefill') - facts.idleWatts);
  const transferBytes = pool.role === 'prefill' ? p.firstInputMeanTokens * perf.kvBytesPerToken : 0;
  const budgets: Array<[number, number | undefined]> = [];
  if (pool.role === 'colocated') budgets.push([floors.colocatedPrefillWaitBudgetSeconds(pool), undefined]);
  else if (floors.prefillAllowancesSeconds.length === 0) budgets.push([Infinity, undefined]);
  else {
    const path = floors.prefillPathSeconds(pool);
    for (const a of floors.prefillAllowancesSeconds) if (a > path) budgets.push([a - path, a]);
  }
  const points: OperatingPoint[] = [];
  let bestRate = 0;
  // The rate no queueing budget can raise (stability and the utilisation ceiling): once a point is within
  // PRUNE_RELATIVE of it, no larger allowance can earn a point of its own.
  const ceilingRate = budgets.length > 1 ? arrivalRateCap(1e6 * Math.max(mean, 1e-9), floors.percentile, service) : Infinity;
  for (const [budget, allowance] of budgets) {
    const rate = arrivalRateCap(budget, floors.percentile, service);
    if (!(rate > 0)) continue;
    if (points.length > 0 && 1 / rate > (1 - PRUNE_RELATIVE) * points[points.length - 1].prefillLoad) continue;
    bestRate = rate;
    points.push({ prefillLoad: 1 / rate, decodeLoad: 0, kvLoad: 0, transferBytes, energyJ, ...(allowance !== undefined ? { prefillAllowanceSeconds: allowance } : {}) });
    if (rate >= (1 - PRUNE_RELATIVE) * ceilingRate) break;
  }
  if (points.length === 0) return { reason: floors.prefillMissReason(pool) };
  return { points, utilisationCap: bestRate * mean };
}

function decodeEntry(pool: Pool, p: ClassProfile, floors: ClassFloors, facts: PoolFacts, options: ResolvedOptions, colocated: boolean): { points?: OperatingPoint[]; maxBatch?: number; reason?: string } {
  const perf = pool.perf;
  if (peakContextTokens(p) > perf.kvCapacityTokens) {
    return { reason: `a ${p.id} conversation reaches ${Math.round(peakContextTokens(p))} KV tokens, more than the ${Math.round(perf.kvCapacityTokens)} ${pool.key} holds` };
  }
  const standaloneStep = stepSeconds(perf, p, 1);
  const tbtLimit = boundSeconds(floors.targets.tbt, standaloneStep);
  const ttftPrefill = p.survival.length > 1 ? laterTurnPrefillAtPercentile(perf, p) : 0;
  const ttftLimit = p.survival.length > 1 ? boundSeconds(floors.targets.ttft, ttftPrefill + standaloneStep) : Infinity;
  // A colocated pool's decoder side has its own budget; a decoder must leave the prefill side at least the smallest
  // allowance of the grid (floors.ts) to pair with any prefill point.
  const target = floors.ttfetTargetSeconds;
  const least = floors.prefillAllowancesSeconds.length > 0 ? floors.prefillAllowancesSeconds[0] : 0;
  const pathLimit = colocated ? floors.colocatedDecoderPathBudgetSeconds(pool) : Number.isFinite(target) ? target - least : Infinity;
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
  const idle = facts.idleWatts;
  const prefillPower = perf.powerWatts('prefill');
  const points: OperatingPoint[] = [];
  for (let b = 1; b <= maxBatch; b *= 2) {
    const s = stepSeconds(perf, p, b);
    const decodeSeconds = decodeShareSeconds(p, s, b);
    points.push({
      batch: b,
      prefillLoad: 0,
      decodeLoad: (decodeSeconds + later) / options.decodeUtilisation,
      kvLoad: kvTokenSeconds(perf, p, s, colocated) / capacity,
      transferBytes: colocated ? 0 : p.firstInputMeanTokens * perf.kvBytesPerToken,
      energyJ: decodeSeconds * (perf.powerWatts('decode', b) - idle) + later * (prefillPower - idle),
      stepSeconds: s,
      ...(!colocated && Number.isFinite(target) ? { leavesPrefillSeconds: target - decoderPathSeconds(perf, p, s) } : {}),
    });
  }
  return { points, maxBatch };
}

function entryFor(pool: Pool, p: ClassProfile, floors: ClassFloors, facts: PoolFacts, options: ResolvedOptions): DemandEntry {
  const pre = pool.role !== 'decode' ? prefillEntry(pool, p, floors, facts) : undefined;
  if (pre?.reason) return { eligible: false, reason: pre.reason, points: [] };
  if (pool.role === 'prefill') return { eligible: true, points: pre!.points!, utilisationCap: pre!.utilisationCap };
  const dec = decodeEntry(pool, p, floors, facts, options, pool.role === 'colocated');
  if (dec.reason) return { eligible: false, reason: dec.reason, points: [] };
  // A colocated pool has exactly one prefill point (its own budget).
  const first = pre?.points?.[0];
  const points = dec.points!.map((d) => (first ? { ...d, prefillLoad: first.prefillLoad, energyJ: d.energyJ + first.energyJ } : d));
  return { eligible: true, points, utilisationCap: pre?.utilisationCap, maxBatch: dec.maxBatch };
}

/** Derives the demand table for a mix over candidate pools. */
export function deriveDemand(inputs: { readonly mix: Mix; readonly slo: SloSet; readonly datacenter: Datacenter }, pools: readonly Pool[], options: ResolvedOptions): Demand {
  const { mix, slo, datacenter } = inputs;
  const targets = readTargets(slo);
  // Later-turn TTFT is read at the per-turn quantile joint attainment needs (class-profile.ts), when the set bounds TTFT.
  const ttft = targets.ttft ? { percentile: targets.ttftPercentile, requiredAttainment: slo.attainment, targets: slo.targets.length } : undefined;
  const profiles = mix.classes.map((c) => memoProfileClass(c, targets.ttfetPercentile, ttft));
  const facts = pools.map((pool) => factsOf(pool, options));
  const floors = profiles.map((p) => computeFloors(p, pools, facts, targets, options));
  const entries = profiles.map((p, c) => pools.map((pool, j) => entryFor(pool, p, floors[c], facts[j], options)));
  return { datacenter, profiles, targets, floors, pools, facts, entries };
}
