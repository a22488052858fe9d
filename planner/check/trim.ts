/**
 * TRIM: after a plan holds in the kernel, take instances away while it still holds. The planner's model is
 * conservative (queueing bounds, headroom, cuts), so the first plan that holds often has instances the kernel does
 * not need — after a coarse cut, many (the catalog-wide bench: 34 prefillers where 17 had missed). Each attempt
 * removes a step of instances from one pool, largest saving (per the objective) first, and re-checks with the same
 * checker (same seed, same duration). A pool's first step is half its instances; a removal that holds is kept and
 * the step stays, one that misses is undone and the step halves; at a step of one that misses, the pool is not tried
 * again (less capacity elsewhere would not make it hold). That finds a pool's smallest count in about log₂(count)
 * checks instead of one check per instance. Stops when no single removal holds (the plan is then tight: removing any
 * one instance misses an SLO) or at a budget of kernel checks. A removal never takes away the last prefill-capable or
 * decode-capable instance, nor the last instance of the prefill or decode role of a disaggregated plan (that would
 * change the policy the plan is checked under).
 */
import { instanceGpus } from '../../catalogs/precision.js';
import type { Role } from '../../catalogs/types.js';
import type { CheckResult } from './check-result.js';
import { DEFAULT_MAX_DECODE_BATCH } from '../kernel/types.js';
import type { Plan, PlannedPool, PlanRequest } from '../types.js';

const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** One trim attempt: which pool lost how many instances, and whether the smaller plan held. */
export interface TrimAttempt {
  readonly poolKey: string;
  readonly count: number;
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
  const perf = gpu ? request.perfModelFor(gpu, request.llm, pool, pool.powerCapWatts) : undefined;
  const idleWatts = perf?.powerWatts('idle') ?? 0;
  const peakWatts = perf ? Math.max(perf.powerWatts('prefill'), perf.powerWatts('decode', DEFAULT_MAX_DECODE_BATCH)) : 0;
  const gpus = instanceGpus(pool);
  const capexUsd = gpu?.capexUsd !== undefined ? gpu.capexUsd * gpus : 0;
  const rentUsdPerHour = gpu?.capexUsd === undefined && gpu?.rentUsdPerHour !== undefined ? gpu.rentUsdPerHour * gpus : 0;
  const horizonSeconds = plan.cost.horizonYears * SECONDS_PER_YEAR;
  const usdPerJoule = (request.datacenter.pue * request.datacenter.electricityUsdPerKwh) / 3.6e6;
  const energyUsd = idleWatts * horizonSeconds * usdPerJoule;
  const tcoUsd = capexUsd + rentUsdPerHour * (horizonSeconds / 3600) + energyUsd;
  const objective = plan.objective === 'tco' ? tcoUsd : plan.objective === 'energy' ? idleWatts : gpus;
  return { objective, capexUsd, rentUsdPerHour, tcoUsd, energyUsd, idleWatts, peakWatts };
}

const PREFILL_CAPABLE: readonly Role[] = ['prefill', 'colocated'];
const DECODE_CAPABLE: readonly Role[] = ['decode', 'colocated'];

/** Whether the plan keeps its shape (and so its check policy) with `count` instances fewer in `pool`. */
function removable(plan: Plan, pool: PlannedPool, count: number): boolean {
  if (count < 1 || count > pool.count) return false;
  const after = plan.instances.map((i) => (i.poolKey === pool.poolKey ? { ...i, count: i.count - count } : i));
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

/** The largest removal up to `step` that keeps the plan's shape (0 when none does). */
function feasibleStep(plan: Plan, pool: PlannedPool, step: number): number {
  for (let k = Math.min(step, pool.count); k >= 1; k--) if (removable(plan, pool, k)) return k;
  return 0;
}

/** The plan with `count` instances fewer in `pool` (one at a time, so the figures adjust exactly as for one). */
function removeInstances(request: PlanRequest, plan: Plan, pool: PlannedPool, count: number): Plan {
  let out = plan;
  for (let k = 0; k < count; k++) out = removeInstance(request, out, out.instances.find((i) => i.poolKey === pool.poolKey)!);
  return out;
}

type TrimCandidate = { readonly pool: PlannedPool; readonly step: number };

/** The removal TRIM tries next on `plan`: largest saving first (undefined when none is left). */
function nextRemoval(request: PlanRequest, plan: Plan, failed: ReadonlySet<string>, steps: ReadonlyMap<string, number>): TrimCandidate | undefined {
  return plan.instances
    .filter((i) => !failed.has(i.poolKey))
    .map((i) => ({ pool: i, step: feasibleStep(plan, i, steps.get(i.poolKey) ?? 1) }))
    .filter((c) => c.step > 0)
    .map((c) => ({ ...c, saving: c.step * computeInstanceSaving(request, plan, c.pool).objective }))
    // Largest saving first; on a tie, the pool with more instances (one fewer is a smaller share of its capacity).
    .sort((a, b) => b.saving - a.saving || b.pool.count - a.pool.count || a.pool.poolKey.localeCompare(b.pool.poolKey))[0];
}

/** What TRIM learns from a removal that missed: the pool is done at a step of one, else its step halves. */
function afterMiss(failed: Set<string>, steps: Map<string, number>, { pool, step }: TrimCandidate): void {
  if (step === 1) failed.add(pool.poolKey);
  else steps.set(pool.poolKey, Math.floor(step / 2));
}

/**
 * Trims a plan that holds; `check` is its passing check. At most `maxChecks` kernel checks. `checkPlan` is told the
 * removal TRIM tries next should this one miss (misses are TRIM's common case), so a checker with threads to spare
 * can screen it meanwhile; the attempts and their order are the same either way.
 */
export async function trimPlan(request: PlanRequest, plan: Plan, check: CheckResult, checkPlan: (plan: Plan, nextIfMiss?: Plan) => Promise<CheckResult>, maxChecks: number): Promise<TrimResult> {
  const attempts: TrimAttempt[] = [];
  const removed: string[] = [];
  const failed = new Set<string>();
  const steps = new Map<string, number>(plan.instances.map((i) => [i.poolKey, Math.max(1, Math.floor(i.count / 2))]));
  let current = { plan, check };
  for (;;) {
    const candidate = nextRemoval(request, current.plan, failed, steps);
    if (!candidate) break;
    if (attempts.length >= maxChecks) return finish(plan, current, attempts, removed, true);
    const { pool, step } = candidate;
    const smaller = removeInstances(request, current.plan, pool, step);
    let nextIfMiss: Plan | undefined;
    if (attempts.length + 1 < maxChecks) {
      const failedIfMiss = new Set(failed);
      const stepsIfMiss = new Map(steps);
      afterMiss(failedIfMiss, stepsIfMiss, candidate);
      const next = nextRemoval(request, current.plan, failedIfMiss, stepsIfMiss);
      if (next) nextIfMiss = removeInstances(request, current.plan, next.pool, next.step);
    }
    const result = await checkPlan(smaller, nextIfMiss);
    const kept = result.holds;
    attempts.push({ poolKey: pool.poolKey, count: step, plan: smaller, check: result, kept });
    if (kept) {
      for (let k = 0; k < step; k++) removed.push(pool.poolKey);
      current = { plan: smaller, check: result };
    } else afterMiss(failed, steps, candidate);
  }
  return finish(plan, current, attempts, removed, false);
}

function finish(original: Plan, current: { plan: Plan; check: CheckResult }, attempts: TrimAttempt[], removed: string[], budgetExhausted: boolean): TrimResult {
  const note = `trimmed after the kernel check: ${removed.length} instance(s) removed (${removed.join(', ')}); the solver's routing shares and binding rows describe the plan before trimming`;
  const plan = removed.length > 0 ? { ...current.plan, notes: [...current.plan.notes, note] } : current.plan;
  return { plan, check: current.check, attempts, removed, budgetExhausted, objectiveSaved: original.objectiveValue - current.plan.objectiveValue };
}
