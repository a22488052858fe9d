/**
 * TTFET floors and budgets per class. The physical floor is the fastest a conversation can reach its last turn's
 * first token with nothing else running: turn-1 prefill (+ KV transfer) on the fastest prefill-capable pool plus the
 * decoder side at batch 1 on the fastest decode-capable pool. The slack above the floor is split between prefill
 * queueing (share β = ttfetPrefillShare) and decoder batching (1 − β). The split is fixed per class, so loosening
 * one SLO never tightens the allowance another pool gets.
 */
import type { PerfModel } from '../../models/types.js';
import { prefillAloneSeconds } from './batch-service.js';
import type { ClassProfile } from './class-profile.js';
import { decoderPathSeconds, stepSeconds } from './decode-side.js';
import type { PoolFacts } from './pool-facts.js';
import type { ResolvedOptions } from '../options.js';
import { boundSeconds, type PlanTargets } from './slo-targets.js';
import type { Pool } from '../types.js';

const DEFAULT_LINK_LATENCY_SECONDS = 10e-6;

export interface ClassFloors {
  readonly classId: string;
  readonly percentile: number;
  readonly targets: PlanTargets;
  /** TTFET target in seconds (Infinity without one). */
  readonly ttfetTargetSeconds: number;
  /** The physical floor and the pools that reach it (undefined when no pool can serve the class at all). */
  readonly floorSeconds: number;
  readonly floorPools?: string;
  prefillWaitBudgetSeconds(pool: Pool): number;
  decoderPathBudgetSeconds(pool: Pool): number;
  prefillMissReason(pool: Pool): string;
  decoderMissReason(pool: Pool): string;
}

function prefillPath(pool: Pool, p: ClassProfile, facts: PoolFacts, options: ResolvedOptions): number {
  const perf = pool.perf;
  // As the kernel prefills it alone on this role: chunked when it exceeds the iteration's token budget.
  const prefill = prefillAloneSeconds(perf, pool.role, p.firstInputAtPercentileTokens);
  if (pool.role === 'colocated') return prefill;
  const bytes = p.firstInputAtPercentileTokens * perf.kvBytesPerToken;
  return prefill + (options.link?.latencySeconds ?? DEFAULT_LINK_LATENCY_SECONDS) + bytes / facts.linkBytesPerSecond;
}

function decoderPathAtBatch1(perf: PerfModel, p: ClassProfile): number {
  return decoderPathSeconds(perf, p, stepSeconds(perf, p, 1));
}

/** Computes the floors and budget split of one class over the candidate pools. */
export function computeFloors(p: ClassProfile, pools: readonly Pool[], facts: readonly PoolFacts[], targets: PlanTargets, options: ResolvedOptions): ClassFloors {
  const pre = new Map<string, number>();
  const dec = new Map<string, number>();
  pools.forEach((pool, j) => {
    if (pool.role !== 'decode') pre.set(pool.key, prefillPath(pool, p, facts[j], options));
    if (pool.role !== 'prefill') dec.set(pool.key, decoderPathAtBatch1(pool.perf, p));
  });
  const bestOf = (role: 'prefill' | 'decode', map: Map<string, number>): [string, number] | undefined => {
    let best: [string, number] | undefined;
    for (const pool of pools) if (pool.role === role && (!best || map.get(pool.key)! < best[1])) best = [pool.key, map.get(pool.key)!];
    return best;
  };
  const bestPre = bestOf('prefill', pre);
  const bestDec = bestOf('decode', dec);
  let floorSeconds = bestPre && bestDec ? bestPre[1] + bestDec[1] : Infinity;
  let floorPools = bestPre && bestDec ? `${bestPre[0]} + ${bestDec[0]}` : undefined;
  for (const pool of pools) {
    if (pool.role !== 'colocated') continue;
    const f = pre.get(pool.key)! + dec.get(pool.key)!;
    if (f < floorSeconds) {
      floorSeconds = f;
      floorPools = pool.key;
    }
  }
  const ttfetTargetSeconds = boundSeconds(targets.ttfet, options.ttfetFloorSecondsByClass?.[p.id] ?? floorSeconds);
  const beta = options.ttfetPrefillShare;
  const disaggSlack = bestPre && bestDec ? ttfetTargetSeconds - bestPre[1] - bestDec[1] : -Infinity;
  const coloSlack = (pool: Pool): number => ttfetTargetSeconds - pre.get(pool.key)! - dec.get(pool.key)!;
  const fmt = (s: number): string => `${s.toFixed(3)} s`;
  return {
    classId: p.id,
    percentile: targets.ttfetPercentile,
    targets,
    ttfetTargetSeconds,
    floorSeconds,
    floorPools,
    prefillWaitBudgetSeconds(pool) {
      if (!Number.isFinite(ttfetTargetSeconds)) return Infinity;
      if (pool.role === 'colocated') return beta * coloSlack(pool);
      return bestPre![1] + beta * disaggSlack - pre.get(pool.key)!;
    },
    decoderPathBudgetSeconds(pool) {
      if (!Number.isFinite(ttfetTargetSeconds)) return Infinity;
      if (pool.role === 'colocated') return dec.get(pool.key)! + (1 - beta) * coloSlack(pool);
      return bestDec![1] + (1 - beta) * disaggSlack;
    },
    prefillMissReason(pool) {
      const allowance = pool.role === 'colocated' ? pre.get(pool.key)! + beta * coloSlack(pool) : bestPre![1] + beta * disaggSlack;
      return `turn-1 prefill of ${p.id} at p${Math.round(targets.ttfetPercentile * 100)} takes ${fmt(pre.get(pool.key)!)} on ${pool.key}, leaving no queueing room in its ${fmt(allowance)} share of the ${fmt(ttfetTargetSeconds)} TTFET target`;
    },
    decoderMissReason(pool) {
      const allowance = pool.role === 'colocated' ? dec.get(pool.key)! + (1 - beta) * coloSlack(pool) : bestDec![1] + (1 - beta) * disaggSlack;
      return `${p.id}'s decoder side of TTFET takes ${fmt(dec.get(pool.key)!)} at batch 1 on ${pool.key}, above its ${fmt(allowance)} share of the ${fmt(ttfetTargetSeconds)} TTFET target`;
    },
  };
}
