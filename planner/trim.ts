/**
 * TRIM: after a plan holds in the kernel, take instances away one at a time while it still holds. The planner's
 * model is conservative (queueing bounds, headroom, cuts), so the first plan that holds often has an instance more
 * than the kernel needs. Each attempt removes one instance from one pool, largest saving (per the objective) first,
 * and re-checks with the same checker (same seed, same duration); a removal that holds is kept, one that misses is
 * undone and that pool is not tried again (less capacity elsewhere would not make it hold). Stops when no single
 * removal holds (the plan is then tight: removing any one instance misses an SLO) or at a budget of kernel checks.
 * A removal never takes away the last prefill-capable or decode-capable instance, nor the last instance of the
 * prefill or decode role of a disaggregated plan (that would change the policy the plan is checked under).
 */
import type { Role } from '../catalogs/types.js';
import type { CheckResult } from './loop.js';
import type { Plan, PlannedPool, PlanRequest } from './types.js';

const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** One trim attempt: which pool lost an instance, and whether the smaller plan held. */
export interface TrimAttempt {
  readonly poolKey: string;
  readonly plan: Plan;
  readonly check: CheckResult;
  readonly kept: boolean;
}

export interface TrimResult {
  readonly plan: Plan;
  readonly check: CheckResult;
  readonly attempts: readonly TrimAttempt[];
  /** Instances removed, pool key per removal. */
  readonly removed: readonly string[];
  /** True when the budget ran out while untried removals remained (the plan may not be tight). */
  readonly budgetExhausted: boolean;
  /** Objective saved (objective unit: USD for tco, W of average power for energy, GPUs for gpus). */
  readonly objectiveSaved: number;
}

/** What one instance of a pool costs, per the objective and in the plan's cost fields. */
export interface InstanceSaving {
  readonly objective: number;
  readonly capexUsd: number;
  readonly rentUsdPerHour: number;
  readonly tcoUsd: number;
  readonly energyUsd: number;
  readonly idleWatts: number;
  readonly peakWatts: number;
}

/**
 * One instance's share of the plan's figures: hardware, and idle power (busy energy follows the work, which a
 * removal does not change). Mirrors formulate.ts's count objective coefficient.
 */
export function computeInstanceSaving(request: PlanRequest, plan: Plan, pool: PlannedPool): InstanceSaving {
  const gpu = request.gpus.find((g) => g.id === pool.gpu);
  const perf = gpu ? request.perfModelFor(gpu, request.llm, pool.tp, pool.powerCapWatts) : undefined;
  const idleWatts = perf?.powerWatts('idle') ?? 0;
  const peakWatts = perf ? Math.max(perf.powerWatts('prefill'), perf.powerWatts('decode', 512)) : 0;
  const capexUsd = gpu?.capexUsd !== undefined ? gpu.capexUsd * pool.tp : 0;
  const rentUsdPerHour = gpu?.capexUsd === undefined && gpu?.rentUsdPerHour !== undefined ? gpu.rentUsdPerHour * pool.tp : 0;
  const horizonSeconds = plan.cost.horizonYears * SECONDS_PER_YEAR;
  const usdPerJoule = (request.datacenter.pue * request.datacenter.electricityUsdPerKwh) / 3.6e6;
  const energyUsd = idleWatts * horizonSeconds * usdPerJoule;
  const tcoUsd = capexUsd + rentUsdPerHour * (horizonSeconds / 3600) + energyUsd;
  const objective = plan.objective === 'tco' ? tcoUsd : plan.objective === 'energy' ? idleWatts : pool.tp;
  return { objective, capexUsd, rentUsdPerHour, tcoUsd, energyUsd, idleWatts, peakWatts };
}

const PREFILL_CAPABLE: readonly Role[] = ['prefill', 'colocated'];
const DECODE_CAPABLE: readonly Role[] = ['decode', 'colocated'];

/** Whether the plan keeps its shape (and so its check policy) with one instance fewer in `pool`. */
function removable(plan: Plan, pool: PlannedPool): boolean {
  const after = plan.instances.map((i) => (i.poolKey === pool.poolKey ? { ...i, count: i.count - 1 } : i));
  const has = (roles: readonly Role[]) => after.some((i) => roles.includes(i.role) && i.count > 0);
  const had = (role: Role) => plan.instances.some((i) => i.role === role && i.count > 0);
  if (!has(PREFILL_CAPABLE) || !has(DECODE_CAPABLE)) return false;
  if (had('prefill') && had('decode') && (!has(['prefill']) || !has(['decode']))) return false;
  return true;
}

/** The plan with one instance fewer in `pool`; figures adjusted by that instance's share, the change noted. */
export function removeInstance(request: PlanRequest, plan: Plan, pool: PlannedPool): Plan {
  const s = computeInstanceSaving(request, plan, pool);
  const instances = plan.instances.map((i) => (i.poolKey === pool.poolKey ? { ...i, count: i.count - 1 } : i)).filter((i) => i.count > 0);
  const averagePowerWatts = plan.energy.averagePowerWatts - s.idleWatts;
  const scale = plan.energy.averagePowerWatts > 0 ? averagePowerWatts / plan.energy.averagePowerWatts : 1;
  return {
    ...plan,
    objectiveValue: plan.objectiveValue - s.objective,
    instances,
    cost: {
      ...plan.cost,
      capexUsd: plan.cost.capexUsd - s.capexUsd,
      rentUsdPerHour: plan.cost.rentUsdPerHour - s.rentUsdPerHour,
      tcoUsd: plan.cost.tcoUsd - s.tcoUsd,
      energyUsd: plan.cost.energyUsd - s.energyUsd,
    },
    powerWatts: plan.powerWatts - s.peakWatts,
    energy: { energyJPerDay: plan.energy.energyJPerDay * scale, jPerOutputToken: plan.energy.jPerOutputToken * scale, averagePowerWatts },
  };
}

/** Trims a plan that holds; `check` is its passing check. At most `maxChecks` kernel checks. */
export async function trimPlan(request: PlanRequest, plan: Plan, check: CheckResult, checkPlan: (plan: Plan) => Promise<CheckResult>, maxChecks: number): Promise<TrimResult> {
  const attempts: TrimAttempt[] = [];
  const removed: string[] = [];
  const failed = new Set<string>();
  let current = { plan, check };
  for (;;) {
    const candidates = current.plan.instances
      .filter((i) => !failed.has(i.poolKey) && removable(current.plan, i))
      .map((i) => ({ pool: i, saving: computeInstanceSaving(request, current.plan, i).objective }))
      // Largest saving first; on a tie, the pool with more instances (one fewer is a smaller share of its capacity).
      .sort((a, b) => b.saving - a.saving || b.pool.count - a.pool.count || a.pool.poolKey.localeCompare(b.pool.poolKey));
    if (candidates.length === 0) break;
    if (attempts.length >= maxChecks) return finish(plan, current, attempts, removed, true);
    const pool = candidates[0].pool;
    const smaller = removeInstance(request, current.plan, pool);
    const result = await checkPlan(smaller);
    const kept = result.holds;
    attempts.push({ poolKey: pool.poolKey, plan: smaller, check: result, kept });
    if (kept) {
      removed.push(pool.poolKey);
      current = { plan: smaller, check: result };
    } else failed.add(pool.poolKey);
  }
  return finish(plan, current, attempts, removed, false);
}

function finish(original: Plan, current: { plan: Plan; check: CheckResult }, attempts: TrimAttempt[], removed: string[], budgetExhausted: boolean): TrimResult {
  const note = `trimmed after the kernel check: ${removed.length} instance(s) removed (${removed.join(', ')}); the solver's routing shares and binding rows describe the plan before trimming`;
  const plan = removed.length > 0 ? { ...current.plan, notes: [...current.plan.notes, note] } : current.plan;
  return { plan, check: current.check, attempts, removed, budgetExhausted, objectiveSaved: original.objectiveValue - current.plan.objectiveValue };
}
