/**
 * plan → check → tighten. Each plan is checked by an injected `checkPlan(fleet)` (the kernel under `conserve` in
 * production, a fake in tests). When an SLO misses, the pool behind the miss gets a cut: its capacity in the
 * family that drives the metric is scaled down (TTFET → prefill utilisation cap, TBT/TTFT → decode batch time,
 * preemptions → KV headroom); if a cut leaves the plan unchanged, that pool's minimum count is raised by one, so
 * every round changes the plan. Stops when the plan holds, when no plan satisfies the cuts, or after `maxRounds`.
 */
import type { Role } from '../../catalogs/types.js';
import { planToFleet, type FleetOptions } from './fleet.js';
import { planFleet } from '../milp/plan.js';
import { trimPlan } from './trim.js';
import type { CheckPlan, CheckResult, PoolObservation } from './check-result.js';
import type { CapacityFamily, Plan, PlanCut, PlanOptions, PlanOutcome, PlanRequest, PlannedPool } from '../types.js';

export type { CheckPlan, CheckResult, PoolObservation, SloVerdict } from './check-result.js';

export interface Round {
  readonly index: number;
  /** Cuts in force for this round's solve. */
  readonly cuts: readonly PlanCut[];
  readonly outcome: PlanOutcome;
  readonly check?: CheckResult;
  /** Set on TRIM rounds: the pool that lost one instance, and whether the smaller plan held (and was kept). */
  /** A TRIM attempt: `count` instances taken from `poolKey`, and whether the smaller plan held. */
  readonly trim?: { readonly poolKey: string; readonly count: number; readonly kept: boolean };
}

/** What TRIM did after the plan held. */
export interface TrimSummary {
  readonly attempts: number;
  readonly removed: readonly string[];
  readonly maxChecks: number;
  /** True when the budget of kernel checks stopped TRIM with untried removals left. */
  readonly budgetExhausted: boolean;
  /** Objective saved by the removals (objective unit). */
  readonly objectiveSaved: number;
}

export interface LoopResult {
  readonly holds: boolean;
  readonly rounds: readonly Round[];
  /** The last plan solved (held or not); undefined when even the first solve found none. */
  readonly plan?: Plan;
  readonly check?: CheckResult;
  readonly stoppedBecause: 'holds' | 'no-plan' | 'no-cut' | 'max-rounds';
  readonly reason?: string;
  /** Present when TRIM ran (the plan held and trimming was asked for). */
  readonly trim?: TrimSummary;
}

export interface LoopOptions extends PlanOptions {
  readonly maxRounds?: number;
  /** After the plan holds, remove instances one at a time while it still holds, with at most `maxChecks` kernel checks. Off when absent. */
  readonly trim?: { readonly maxChecks: number };
  readonly fleet?: FleetOptions;
}

function samePool(p: PlannedPool, o: PoolObservation): boolean {
  return p.gpu === o.gpu && p.tp === o.tp && (p.ep ?? 1) === (o.ep ?? 1) && (o.precision === undefined || p.precision === undefined || p.precision === o.precision) &&
    p.role === o.role && (p.powerCapWatts ?? 0) === (o.powerCapWatts ?? 0);
}

function observed(plan: Plan, check: CheckResult, roles: readonly Role[]): Array<{ pool: PlannedPool; o?: PoolObservation }> {
  return plan.instances.filter((i) => roles.includes(i.role)).map((pool) => ({ pool, o: check.pools?.find((o) => samePool(pool, o)) }));
}

/** The role-wide scope of a cut: the model error behind a miss is the same on every pool of a role (see PlanCut). */
export function roleScope(role: Role): string {
  return `role:${role}`;
}

const KV_PRESSURE = 0.85;

/**
 * Cuts for every missed SLO. TBT and later-turn TTFT are made on decoders (and colocated engines): their decode
 * capacity is scaled down. TTFET is made of prefill queueing, KV admission waits and decoder-side time: KV pressure
 * (p95 occupancy ≥ 85% or any preemption) cuts decoder KV capacity; a busy prefill tier cuts prefill capacity; with
 * neither observed, both prefill and decode capacity are cut. Each factor is target/observed within [0.5, 0.9].
 * Cuts apply to a whole role: a cut on one pool alone just moves the plan to an uncut pool of another GPU type.
 */
export function cutsForMisses(plan: Plan, check: CheckResult): PlanCut[] {
  const cuts: PlanCut[] = [];
  const roles = new Set(plan.instances.map((i) => i.role));
  const decodeRoles = (['decode', 'colocated'] as const).filter((r) => roles.has(r));
  const prefillRoles = (['prefill', 'colocated'] as const).filter((r) => roles.has(r));
  const add = (rolesToCut: readonly Role[], family: CapacityFamily, factor: number, why: string) => {
    for (const role of rolesToCut) {
      if (!cuts.some((c) => c.kind === 'scale-capacity' && c.poolKey === roleScope(role) && c.family === family)) cuts.push({ kind: 'scale-capacity', poolKey: roleScope(role), family, factor, why });
    }
  };
  const decoders = observed(plan, check, decodeRoles);
  const kvPressure = (check.preemptions ?? 0) > 0 || decoders.some(({ o }) => (o?.kvOccupancyP95 ?? 0) >= KV_PRESSURE || (o?.preemptions ?? 0) > 0);
  const prefillBusy = observed(plan, check, prefillRoles).some(({ o }) => (o?.utilization ?? 0) >= 0.7);
  const misses = check.slos.filter((v) => !v.holds).map((v) => ({ metric: v.metric, factor: Math.min(0.9, Math.max(0.5, v.target / v.observed)), why: `p${v.percentile} ${v.metric} ${v.observed.toPrecision(4)} > ${v.target}` }));
  if (misses.length === 0 && check.attainment && !check.attainment.holds) {
    // Every percentile met but too few conversations met them all: cut where the worst contributor is made, read at
    // the percentile joint attainment needs; without that reading, tighten where TTFET is made, gently.
    const why = `slo_attainment ${check.attainment.observed.toPrecision(4)} < ${check.attainment.required}`;
    const worst = check.attainment.contributors?.[0];
    if (worst) {
      const factor = Math.min(0.9, Math.max(0.5, worst.ratio > 0 ? 1 / worst.ratio : 0.9));
      misses.push({ metric: worst.metric, factor, why: `${why}; worst contributor p${worst.percentile} ${worst.metric} ≈ ${worst.value.toPrecision(4)} vs ${worst.bound}` });
    } else misses.push({ metric: 'ttfet_s', factor: 0.9, why });
  }
  for (const m of misses) {
    if (m.metric !== 'ttfet_s') {
      add(decodeRoles, 'decode', m.factor, m.why);
      if (kvPressure) add(decodeRoles, 'kv', m.factor, `${m.why}; KV under pressure`);
      continue;
    }
    if (kvPressure) add(decodeRoles, 'kv', m.factor, `${m.why}; KV under pressure`);
    if (prefillBusy) add(prefillRoles, 'prefill', m.factor, `${m.why}; prefill tier busy`);
    if (!kvPressure && !prefillBusy) {
      add(prefillRoles, 'prefill', m.factor, m.why);
      add(decodeRoles, 'decode', m.factor, m.why);
    }
  }
  return cuts;
}

/** When cuts left the plan unchanged: one more instance in the busiest pool of each cut role. */
function forcedCounts(plan: Plan, check: CheckResult, cuts: readonly PlanCut[]): PlanCut[] {
  const forced: PlanCut[] = [];
  for (const role of new Set(cuts.map((c) => c.poolKey.replace(/^role:/, '') as Role))) {
    const pools = observed(plan, check, [role]);
    if (pools.length === 0) continue;
    const target = pools.reduce((a, b) => ((b.o?.utilization ?? 0) > (a.o?.utilization ?? 0) ? b : a)).pool;
    forced.push({ kind: 'min-count', poolKey: target.poolKey, min: target.count + 1, why: `capacity cuts on ${role} left the plan unchanged` });
  }
  return forced;
}

function describeMisses(check: CheckResult | undefined): string {
  if (!check) return 'an SLO';
  const misses = check.slos.filter((v) => !v.holds).map((v) => `p${v.percentile} ${v.metric} ${v.observed.toPrecision(4)} > ${v.target}`);
  if (check.attainment && !check.attainment.holds) misses.push(`slo_attainment ${check.attainment.observed.toPrecision(4)} < ${check.attainment.required}`);
  return misses.length > 0 ? misses.join(', ') : 'an SLO';
}

function sameInstances(a: Plan, b: Plan): boolean {
  const key = (p: Plan) => p.instances.map((i) => `${i.poolKey}×${i.count}`).sort().join(',');
  return key(a) === key(b);
}

/** How the loop turns a plan into the fleet it checks (links from the GPUs' inter-node bandwidth). */
export function fleetOptionsFor(request: PlanRequest, options: LoopOptions = {}): FleetOptions {
  return {
    datacenter: request.datacenter,
    ...(options.link ? { link: options.link } : {}),
    interNodeBandwidthBytesPerSecond: Object.fromEntries(request.gpus.map((g) => [g.id, g.interNodeBandwidthBytesPerSecond])),
    ...options.fleet,
  };
}

/** Runs the loop. */
export async function planAndCheck(request: PlanRequest, checkPlan: CheckPlan, options: LoopOptions = {}): Promise<LoopResult> {
  const maxRounds = options.maxRounds ?? 8;
  const fleetOptions = fleetOptionsFor(request, options);
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
      // The cut did not change the plan: force one more instance in the busiest pool of each cut role.
      const forced = forcedCounts(last.plan, last.check, cutsForMisses(last.plan, last.check));
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
    if (check.holds) {
      if (!options.trim || options.trim.maxChecks <= 0) return { holds: true, rounds, plan, check, stoppedBecause: 'holds' };
      const trimmed = await trimPlan(request, plan, check, (p) => checkPlan(planToFleet(p, fleetOptions)), options.trim.maxChecks);
      for (const a of trimmed.attempts) rounds.push({ index: rounds.length, cuts, outcome: { ok: true, plan: a.plan }, check: a.check, trim: { poolKey: a.poolKey, count: a.count, kept: a.kept } });
      const trim = { attempts: trimmed.attempts.length, removed: trimmed.removed, maxChecks: options.trim.maxChecks, budgetExhausted: trimmed.budgetExhausted, objectiveSaved: trimmed.objectiveSaved };
      return { holds: true, rounds, plan: trimmed.plan, check: trimmed.check, stoppedBecause: 'holds', trim };
    }
    const added = cutsForMisses(plan, check);
    if (added.length === 0) {
      return { holds: false, rounds, plan, check, stoppedBecause: 'no-cut', reason: 'the check failed without naming a missed SLO or a preempting pool, so there is nothing to tighten' };
    }
    cuts = [...cuts, ...added];
  }
  return { holds: false, rounds, plan: last?.plan, check: last?.check, stoppedBecause: 'max-rounds', reason: `stopped at the round limit (${maxRounds} rounds); the last plan still misses ${describeMisses(last?.check)}` };
}
