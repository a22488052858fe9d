/**
 * plan → check → tighten. Each plan is checked by an injected `checkPlan(fleet)` (the kernel under `conserve` in
 * production, a fake in tests). When an SLO misses, the pool behind the miss gets a cut: its capacity in the
 * family that drives the metric is scaled down (TTFET → prefill utilisation cap, TBT/TTFT → decode batch time,
 * preemptions → KV headroom); if a cut leaves the plan unchanged, that pool's minimum count is raised by one, so
 * every round changes the plan. Stops when the plan holds, when no plan satisfies the cuts, or after `maxRounds`.
 */
import type { Fleet, Role, SloMetric } from '../catalogs/types.js';
import { planToFleet, type FleetOptions } from './fleet.js';
import { planFleet } from './plan.js';
import type { CapacityFamily, Plan, PlanCut, PlanOptions, PlanOutcome, PlanRequest, PlannedPool } from './types.js';

/** One SLO as the checker measured it (values in the metric's unit: s or ms). */
export interface SloVerdict {
  readonly metric: SloMetric;
  readonly percentile: number;
  readonly target: number;
  readonly observed: number;
  readonly holds: boolean;
}

/** What the checker saw per pool, when it reports it (used to pick the pool behind a miss). */
export interface PoolObservation {
  readonly gpu: string;
  readonly tp: number;
  readonly role: Role;
  readonly powerCapWatts?: number;
  readonly utilization?: number;
  readonly kvOccupancyP95?: number;
  readonly preemptions?: number;
}

export interface CheckResult {
  readonly holds: boolean;
  readonly slos: readonly SloVerdict[];
  /** Share of conversations meeting every SLO, when the checker measures it. */
  readonly attainment?: { readonly observed: number; readonly required: number; readonly holds: boolean };
  readonly pools?: readonly PoolObservation[];
}

export type CheckPlan = (fleet: Fleet) => Promise<CheckResult>;

export interface Round {
  readonly index: number;
  /** Cuts in force for this round's solve. */
  readonly cuts: readonly PlanCut[];
  readonly outcome: PlanOutcome;
  readonly check?: CheckResult;
}

export interface LoopResult {
  readonly holds: boolean;
  readonly rounds: readonly Round[];
  /** The last plan solved (held or not); undefined when even the first solve found none. */
  readonly plan?: Plan;
  readonly check?: CheckResult;
  readonly stoppedBecause: 'holds' | 'no-plan' | 'no-cut' | 'max-rounds';
  readonly reason?: string;
}

export interface LoopOptions extends PlanOptions {
  readonly maxRounds?: number;
  readonly fleet?: FleetOptions;
}

function familyFor(metric: SloMetric, role: Role): CapacityFamily {
  if (metric === 'ttfet_s') return role === 'decode' ? 'decode' : 'prefill';
  return 'decode';
}

function samePool(p: PlannedPool, o: PoolObservation): boolean {
  return p.gpu === o.gpu && p.tp === o.tp && p.role === o.role && (p.powerCapWatts ?? 0) === (o.powerCapWatts ?? 0);
}

function busiest(pools: readonly PlannedPool[], check: CheckResult): { pool: PlannedPool; utilization: number } | undefined {
  let best: { pool: PlannedPool; utilization: number } | undefined;
  for (const pool of pools) {
    const u = check.pools?.find((o) => samePool(pool, o))?.utilization;
    if (u !== undefined && (!best || u > best.utilization)) best = { pool, utilization: u };
  }
  return best;
}

/**
 * The pools behind a missed metric. TBT and later-turn TTFT are decided on decoders (or colocated engines): the
 * busiest one. TTFET is mostly prefill queueing: the busiest prefill-capable pool, plus the busiest decoder when it
 * is busier still (the decoder side of TTFET: batched decode steps and later-turn prefills). Without observations,
 * every pool of those roles.
 */
function blamedPools(plan: Plan, metric: SloMetric, check: CheckResult): PlannedPool[] {
  const decodeSide = plan.instances.filter((i) => i.role !== 'prefill');
  if (metric !== 'ttfet_s') {
    const b = busiest(decodeSide, check);
    return b ? [b.pool] : decodeSide;
  }
  const prefillSide = plan.instances.filter((i) => i.role !== 'decode');
  const p = busiest(prefillSide, check);
  const d = busiest(plan.instances.filter((i) => i.role === 'decode'), check);
  if (!p && !d) return prefillSide;
  return [...(p ? [p.pool] : prefillSide), ...(d && (!p || d.utilization > p.utilization) ? [d.pool] : [])];
}

/** Cuts for every missed SLO (and for pools that preempted). */
export function cutsForMisses(plan: Plan, check: CheckResult): PlanCut[] {
  const cuts: PlanCut[] = [];
  for (const slo of check.slos) {
    if (slo.holds) continue;
    const factor = Math.min(0.9, Math.max(0.5, slo.target / slo.observed));
    for (const pool of blamedPools(plan, slo.metric, check)) {
      const why = `p${slo.percentile} ${slo.metric} ${slo.observed.toPrecision(4)} > ${slo.target}`;
      cuts.push({ kind: 'scale-capacity', poolKey: pool.poolKey, family: familyFor(slo.metric, pool.role), factor, why });
    }
  }
  if (cuts.length === 0 && check.attainment && !check.attainment.holds) {
    // Every percentile met but too few conversations met them all: tighten where TTFET is made, gently.
    const why = `slo_attainment ${check.attainment.observed.toPrecision(4)} < ${check.attainment.required}`;
    for (const pool of blamedPools(plan, 'ttfet_s', check)) cuts.push({ kind: 'scale-capacity', poolKey: pool.poolKey, family: familyFor('ttfet_s', pool.role), factor: 0.9, why });
  }
  for (const o of check.pools ?? []) {
    if (!o.preemptions) continue;
    const pool = plan.instances.find((p) => samePool(p, o));
    if (pool) cuts.push({ kind: 'scale-capacity', poolKey: pool.poolKey, family: 'kv', factor: 0.85, why: `${o.preemptions} preemptions` });
  }
  return cuts;
}

function sameInstances(a: Plan, b: Plan): boolean {
  const key = (p: Plan) => p.instances.map((i) => `${i.poolKey}×${i.count}`).sort().join(',');
  return key(a) === key(b);
}

/** Runs the loop. */
export async function planAndCheck(request: PlanRequest, checkPlan: CheckPlan, options: LoopOptions = {}): Promise<LoopResult> {
  const maxRounds = options.maxRounds ?? 8;
  const fleetOptions: FleetOptions = {
    datacenter: request.datacenter,
    ...(options.link ? { link: options.link } : {}),
    interNodeBandwidthBytesPerSecond: Object.fromEntries(request.gpus.map((g) => [g.id, g.interNodeBandwidthBytesPerSecond])),
    ...options.fleet,
  };
  const rounds: Round[] = [];
  let cuts: PlanCut[] = [...(options.cuts ?? [])];
  let last: { plan: Plan; check: CheckResult } | undefined;
  for (let index = 0; index < maxRounds; index++) {
    const outcome = await planFleet(request, { ...options, cuts });
    if (!outcome.ok) {
      rounds.push({ index, cuts, outcome });
      const reason = last ? `after ${index} round(s) of tightening no plan remains: ${outcome.reason}` : outcome.reason;
      return { holds: false, rounds, plan: last?.plan, check: last?.check, stoppedBecause: 'no-plan', reason };
    }
    let plan = outcome.plan;
    if (last && sameInstances(plan, last.plan)) {
      // The cut did not change the plan: force one more instance in each blamed pool.
      const forced = cutsForMisses(last.plan, last.check).map((c): PlanCut => {
        const count = last!.plan.instances.find((i) => i.poolKey === c.poolKey)?.count ?? 0;
        return { kind: 'min-count', poolKey: c.poolKey, min: count + 1, why: `${c.why}; capacity cut alone left the plan unchanged` };
      });
      cuts = [...cuts, ...forced];
      const again = await planFleet(request, { ...options, cuts });
      if (!again.ok) {
        rounds.push({ index, cuts, outcome: again });
        return { holds: false, rounds, plan: last.plan, check: last.check, stoppedBecause: 'no-plan', reason: `no plan remains after forcing more instances: ${again.reason}` };
      }
      plan = again.plan;
    }
    const check = await checkPlan(planToFleet(plan, fleetOptions));
    rounds.push({ index, cuts, outcome: { ok: true, plan }, check });
    last = { plan, check };
    if (check.holds) return { holds: true, rounds, plan, check, stoppedBecause: 'holds' };
    const added = cutsForMisses(plan, check);
    if (added.length === 0) {
      return { holds: false, rounds, plan, check, stoppedBecause: 'no-cut', reason: 'the check failed without naming a missed SLO or a preempting pool, so there is nothing to tighten' };
    }
    cuts = [...cuts, ...added];
  }
  return { holds: false, rounds, plan: last?.plan, check: last?.check, stoppedBecause: 'max-rounds', reason: `the plan still misses an SLO after ${maxRounds} rounds` };
}
