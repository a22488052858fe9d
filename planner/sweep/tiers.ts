/**
 * Sweeps over plans: the cost–energy Pareto front (ε-constraint: minimise TCO with the fleet's average GPU power
 * capped at evenly spaced levels between the least-energy plan and the cheapest plan — exact for an integer
 * program, where weighted sums miss the non-convex points) and the best homogeneous plan (one GPU type, no power
 * caps) beside the best heterogeneous one, each of which can be run through the kernel check (checkTiers).
 */
import { planToFleet, type FleetOptions } from '../check/fleet.js';
import type { CheckPlan, CheckResult } from '../check/loop.js';
import { planFleet } from '../milp/plan.js';
import { memoDemand } from '../milp/demand-memo.js';
import { resolveOptions } from '../options.js';
import type { Plan, PlanOptions, PlanRequest } from '../types.js';

export interface ParetoPoint {
  readonly tcoUsd: number;
  readonly jPerOutputToken: number;
  readonly averagePowerWatts: number;
  readonly plan: Plan;
}

/** The cost–energy front with at most `points` plans, cheapest first; empty when no plan exists. */
export async function sweepCostEnergy(request: PlanRequest, options: PlanOptions = {}, points = 6): Promise<ParetoPoint[]> {
  const base = { ...options, explain: false };
  const cheapest = await planFleet(request, { ...base, objective: 'tco' });
  const greenest = await planFleet(request, { ...base, objective: 'energy' });
  if (!cheapest.ok || !greenest.ok) return [];
  const plans: Plan[] = [cheapest.plan];
  const high = cheapest.plan.energy.averagePowerWatts;
  const low = greenest.plan.energy.averagePowerWatts;
  for (let i = 1; i < points - 1 && high > low; i++) {
    const cap = high - ((high - low) * i) / (points - 1);
    const out = await planFleet(request, { ...base, objective: 'tco', maxAveragePowerWatts: cap });
    if (out.ok) plans.push(out.plan);
  }
  // The least-energy end, priced as the cheapest plan at that energy.
  const end = await planFleet(request, { ...base, objective: 'tco', maxAveragePowerWatts: low * (1 + 1e-9) });
  plans.push(end.ok ? end.plan : greenest.plan);
  const front: ParetoPoint[] = [];
  for (const plan of plans.sort((a, b) => a.cost.tcoUsd - b.cost.tcoUsd)) {
    const last = front.at(-1);
    if (last && plan.energy.jPerOutputToken >= last.jPerOutputToken * (1 - 1e-9)) continue; // dominated
    front.push({ tcoUsd: plan.cost.tcoUsd, jPerOutputToken: plan.energy.jPerOutputToken, averagePowerWatts: plan.energy.averagePowerWatts, plan });
  }
  return front;
}

export interface TierComparison {
  readonly heterogeneous?: Plan;
  /** The best plan using one GPU type at TDP, and that type. */
  readonly homogeneous?: Plan;
  readonly homogeneousGpu?: string;
  /** Heterogeneous minus homogeneous (negative: the heterogeneous plan saves). */
  readonly deltaTcoUsd?: number;
  readonly deltaJPerOutputToken?: number;
  /** The TTFET floors both sides answered to (a slowdown SLO's base, from the full candidate set). */
  readonly floorsByClass?: Readonly<Record<string, number>>;
}

/** Each class's TTFET floor (fastest standalone path) over every candidate pool of the request. */
function ttfetFloorsOf(request: PlanRequest, options: PlanOptions): Record<string, number> {
  const demand = memoDemand(request, resolveOptions(options, request.datacenter.powerCapWatts));
  return Object.fromEntries(demand.floors.map((f) => [f.classId, f.floorSeconds]));
}

/**
 * The request restricted to one GPU type — the same object for the same (request, type), so planFleet's demand memo
 * (milp/plan.ts) serves the tier comparison and the single-type loop alike.
 */
const singleTypeRequests = new WeakMap<PlanRequest, Map<string, PlanRequest>>();
export function singleTypeRequest(request: PlanRequest, gpuId: string): PlanRequest {
  let byGpu = singleTypeRequests.get(request);
  if (!byGpu) singleTypeRequests.set(request, (byGpu = new Map()));
  let out = byGpu.get(gpuId);
  if (!out) byGpu.set(gpuId, (out = { ...request, gpus: request.gpus.filter((g) => g.id === gpuId) }));
  return out;
}

/** The options each single-type plan is solved with: no power caps, the full candidate set's TTFET floors. */
export function homogeneousOptions(options: PlanOptions, floorsByClass: Readonly<Record<string, number>>): PlanOptions {
  return { ...options, ttfetFloorSecondsByClass: floorsByClass, powerCapFractions: { prefill: [1], decode: [1], colocated: [1] } };
}

/**
 * The best homogeneous plan (each GPU type alone, uncapped), against the same targets as the unrestricted plan: a
 * slowdown SLO multiplies the full candidate set's floor (otherwise a slow GPU type alone would answer to a looser
 * target than the mixed plan and look cheaper).
 */
export async function bestHomogeneous(request: PlanRequest, options: PlanOptions = {}, search: { readonly belowBest?: boolean } = {}): Promise<Pick<TierComparison, 'homogeneous' | 'homogeneousGpu' | 'floorsByClass'>> {
  const base = { ...options, explain: false };
  const floorsByClass = options.ttfetFloorSecondsByClass ?? ttfetFloorsOf(request, base);
  let best: { plan: Plan; gpu: string } | undefined;
  for (const gpu of request.gpus) {
    // `belowBest`: each type after the first is solved only below the best so far (its relaxation usually says "none"
    // at once). The winning type is the same; its plan may be another of its optima (callers that want only the type).
    const below = search.belowBest && best ? { objectiveBelow: best.plan.objectiveValue } : {};
    const out = await planFleet(singleTypeRequest(request, gpu.id), { ...homogeneousOptions(base, floorsByClass), ...below });
    if (out.ok && (!best || out.plan.objectiveValue < best.plan.objectiveValue)) best = { plan: out.plan, gpu: gpu.id };
  }
  return { floorsByClass, homogeneous: best?.plan, homogeneousGpu: best?.gpu };
}

/** Best homogeneous plan beside the unrestricted plan, on the same objective and against the same targets. */
export async function compareTiers(request: PlanRequest, options: PlanOptions = {}): Promise<TierComparison> {
  const hetero = await planFleet(request, { ...options, explain: false });
  const { floorsByClass, homogeneous, homogeneousGpu } = await bestHomogeneous(request, options);
  const heterogeneous = hetero.ok ? hetero.plan : undefined;
  return {
    floorsByClass,
    heterogeneous,
    homogeneous,
    homogeneousGpu,
    ...(heterogeneous && homogeneous
      ? { deltaTcoUsd: heterogeneous.cost.tcoUsd - homogeneous.cost.tcoUsd, deltaJPerOutputToken: heterogeneous.energy.jPerOutputToken - homogeneous.energy.jPerOutputToken }
      : {}),
  };
}

/** The tier comparison with each side run through the checker (the kernel in production), as the loop's fleets. */
export interface CheckedTiers extends TierComparison {
  readonly homogeneousCheck?: CheckResult;
  readonly heterogeneousCheck?: CheckResult;
}

/**
 * Checks both sides of a tier comparison. The two plans are first-round solves (no loop cuts), so a side that
 * misses says the model alone would not have held it; the plan the loop returns is the checked, tightened one.
 */
export async function checkTiers(tiers: TierComparison, checkPlan: CheckPlan, fleetOptions: FleetOptions): Promise<CheckedTiers> {
  const homogeneousCheck = tiers.homogeneous ? await checkPlan(planToFleet(tiers.homogeneous, fleetOptions)) : undefined;
  const heterogeneousCheck = tiers.heterogeneous ? await checkPlan(planToFleet(tiers.heterogeneous, fleetOptions)) : undefined;
  return { ...tiers, ...(homogeneousCheck ? { homogeneousCheck } : {}), ...(heterogeneousCheck ? { heterogeneousCheck } : {}) };
}
