/**
 * TTFET floors and budgets per class, per pool: nothing here depends on which other pools are candidates.
 *
 * The physical floor is the fastest a conversation can reach its last turn's first token with nothing else running:
 * turn-1 prefill (+ KV transfer) on a prefill-capable pool plus the decoder side at batch 1 on a decode-capable pool.
 * It is reported (and explains an SLO below it), and a slowdown SLO multiplies it, but no pool's budget is read off
 * "the fastest candidate" any more: offering a TP8 decoder used to shrink a TP1 decoder's share of the target and
 * could make a cheaper fleet infeasible (issue 13, item 2).
 *
 * Disaggregated pools (prefill + decode): the target T is split per prefill/decode pair by the MILP, not here. A
 * prefill pool offers one operating point per prefill allowance A on a fixed grid (PREFILL_ALLOWANCE_SECONDS:
 * arrival → KV at the decoder, its own prefill and transfer included, the rest queueing); a decoder's point at batch
 * b leaves T − (its decoder-side path at b) for the prefill side. formulate.ts pairs them (a prefill point at A may
 * only be matched with decoder points leaving ≥ A), so every pair meets T and each pool's points depend only on the
 * pool, the class and the SLO. Colocated pools split their own slack: share β = ttfetPrefillShare to prefill
 * queueing, 1 − β to decoder batching.
 */
import type { PerfModel } from '../../models/types.js';
import { prefillAloneSeconds } from './batch-service.js';
import type { ClassProfile } from './class-profile.js';
import { decoderPathSeconds, stepSeconds } from './decode-side.js';
import type { PoolFacts } from './pool-facts.js';
import type { ResolvedOptions } from '../options.js';
import { boundSeconds, type PlanTargets } from './slo-targets.js';
import type { Pool } from '../types.js';

/**
 * Prefill allowances in seconds: 2^k for k = −15 … 20 (31 µs to 12 days), a factor 2 apart, the same grid for every
 * class, pool and SLO. Absolute levels (not fractions of the target, not read off the candidates) keep a prefill
 * pool's points a function of the pool alone, and a looser target only adds levels, so a looser SLO never removes
 * an operating point. The spacing bounds what the grid costs against an exact per-pair split: a pair whose exact
 * prefill allowance falls between two levels is offered the lower one (less queueing room on the prefill side,
 * never a missed target). Finer grids cost more than they buy here: at √2 spacing the planner property tests took
 * 340 s instead of 233 s (loaded machine), at 2^(1/4) the README command's MILP had 2.9× the variables. Allowances
 * no decoder could leave (at or above the target minus the class's tool waits, which every decoder path holds) are
 * not offered.
 */
export const PREFILL_ALLOWANCE_SECONDS: readonly number[] = Array.from({ length: 36 }, (_, i) => 2 ** (i - 15));

export interface ClassFloors {
  readonly classId: string;
  readonly percentile: number;
  readonly targets: PlanTargets;
  /** TTFET target in seconds (Infinity without one). */
  readonly ttfetTargetSeconds: number;
  /** The physical floor over the candidates and the pools that reach it (reported; budgets do not use it). */
  readonly floorSeconds: number;
  readonly floorPools?: string;
  /** Prefill allowances (seconds, ascending) a disaggregated prefill pool may be offered; [] without a TTFET target. */
  readonly prefillAllowancesSeconds: readonly number[];
  /** Turn-1 prefill alone (+ transfer on a prefill pool) at the class's percentile input, seconds. */
  prefillPathSeconds(pool: Pool): number;
  /** Colocated pools only: the prefill queueing budget out of the pool's own slack. */
  colocatedPrefillWaitBudgetSeconds(pool: Pool): number;
  /** Colocated pools only: the decoder-side path budget out of the pool's own slack. */
  colocatedDecoderPathBudgetSeconds(pool: Pool): number;
  prefillMissReason(pool: Pool): string;
  decoderMissReason(pool: Pool): string;
}

function prefillPath(pool: Pool, p: ClassProfile, facts: PoolFacts): number {
  const perf = pool.perf;
  // As the kernel prefills it alone on this role: chunked when it exceeds the iteration's token budget.
  const prefill = prefillAloneSeconds(perf, pool.role, p.firstInputAtPercentileTokens);
  if (pool.role === 'colocated') return prefill;
  const bytes = p.firstInputAtPercentileTokens * perf.kvBytesPerToken;
  // Summed in this order (not via kvTransferSeconds) so the figure stays bit-identical to the one goldens pin.
  return prefill + facts.link.latencySeconds + bytes / facts.link.bandwidthBytesPerSecond;
}

function decoderPathAtBatch1(perf: PerfModel, p: ClassProfile): number {
  return decoderPathSeconds(perf, p, stepSeconds(perf, p, 1));
}

/** Computes the floors and per-pool budgets of one class. */
export function computeFloors(p: ClassProfile, pools: readonly Pool[], facts: readonly PoolFacts[], targets: PlanTargets, options: ResolvedOptions): ClassFloors {
  const pre = new Map<string, number>();
  const dec = new Map<string, number>();
  pools.forEach((pool, j) => {
    if (pool.role !== 'decode') pre.set(pool.key, prefillPath(pool, p, facts[j]));
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
  const coloSlack = (pool: Pool): number => ttfetTargetSeconds - pre.get(pool.key)! - dec.get(pool.key)!;
  const toolWaitsSeconds = Math.max(0, p.turnsAtPercentile - 1) * p.toolMeanSeconds;
  const allowances = Number.isFinite(ttfetTargetSeconds)
    ? PREFILL_ALLOWANCE_SECONDS.filter((a) => a < ttfetTargetSeconds - toolWaitsSeconds)
    : [];
  const fmt = (s: number): string => `${s.toFixed(3)} s`;
  return {
    classId: p.id,
    percentile: targets.ttfetPercentile,
    targets,
    ttfetTargetSeconds,
    floorSeconds,
    floorPools,
    prefillAllowancesSeconds: allowances,
    prefillPathSeconds: (pool) => pre.get(pool.key)!,
    colocatedPrefillWaitBudgetSeconds(pool) {
      return Number.isFinite(ttfetTargetSeconds) ? beta * coloSlack(pool) : Infinity;
    },
    colocatedDecoderPathBudgetSeconds(pool) {
      return Number.isFinite(ttfetTargetSeconds) ? dec.get(pool.key)! + (1 - beta) * coloSlack(pool) : Infinity;
    },
    prefillMissReason(pool) {
      if (pool.role === 'colocated') {
        const allowance = pre.get(pool.key)! + beta * coloSlack(pool);
        return `turn-1 prefill of ${p.id} at p${Math.round(targets.ttfetPercentile * 100)} takes ${fmt(pre.get(pool.key)!)} on ${pool.key}, leaving no queueing room in its ${fmt(allowance)} share of the ${fmt(ttfetTargetSeconds)} TTFET target`;
      }
      return `turn-1 prefill of ${p.id} at p${Math.round(targets.ttfetPercentile * 100)} takes ${fmt(pre.get(pool.key)!)} on ${pool.key}, leaving no queueing room within the ${fmt(ttfetTargetSeconds)} TTFET target`;
    },
    decoderMissReason(pool) {
      if (pool.role === 'colocated') {
        const allowance = dec.get(pool.key)! + (1 - beta) * coloSlack(pool);
        return `${p.id}'s decoder side of TTFET takes ${fmt(dec.get(pool.key)!)} at batch 1 on ${pool.key}, above its ${fmt(allowance)} share of the ${fmt(ttfetTargetSeconds)} TTFET target`;
      }
      const least = allowances.length > 0 ? allowances[0] : 0;
      return `${p.id}'s decoder side of TTFET takes ${fmt(dec.get(pool.key)!)} at batch 1 on ${pool.key}, leaving less than the smallest prefill allowance (${fmt(least)}) of the ${fmt(ttfetTargetSeconds)} TTFET target`;
    },
  };
}
