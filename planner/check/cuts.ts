/**
 * Capacity cuts after a kernel miss: which capacity family of which role to scale down, and by how much. They steer
 * the search towards a fleet that holds; the refuted-fleet cut (milp/fleet-shape-rows.ts) is what guarantees every
 * round asks the kernel about a new fleet, and only it stays in force when the loop looks for a cheaper fleet than
 * one it proved (loop.ts).
 */
import type { Role } from '../../catalogs/types.js';
import type { CheckResult, PoolObservation } from './check-result.js';
import { saturatedPoolLabel } from './saturation.js';
import type { CapacityFamily, Plan, PlanCut, PlannedPool } from '../types.js';

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
  // A saturated prefiller (check/saturation.ts) needs prefill capacity whatever the SLOs read.
  for (const s of check.saturated ?? []) add(prefillRoles, 'prefill', Math.min(0.9, Math.max(0.5, s.limit / s.utilization)), `prefill ${saturatedPoolLabel(s)} busy ${s.utilization.toFixed(3)} > ${s.limit}`);
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

