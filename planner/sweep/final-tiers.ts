/**
 * The heterogeneous-vs-homogeneous comparison procurement quotes, made between final plans (DESIGN.md, "What makes a
 * plan right"): the heterogeneous side is the plan the loop returned (trimmed, proved at every check seed); the
 * homogeneous side is the same loop (same checker, same TRIM) run on the one GPU type whose first solve is cheapest.
 * Comparing two untrimmed first solves once put "heterogeneous saves $7,199" beside a plan that cost $264,812 after
 * TRIM.
 */
import { planAndCheck, type CheckPlan, type LoopOptions, type LoopResult } from '../check/loop.js';
import type { PlanRequest } from '../types.js';
import { bestHomogeneous, homogeneousOptions, singleTypeRequest, type CheckedTiers } from './tiers.js';

/** The single-type side: the best homogeneous first solve and the loop run on its GPU type. */
export interface HomogeneousSide {
  readonly first: Awaited<ReturnType<typeof bestHomogeneous>>;
  readonly loop?: LoopResult;
}

/**
 * Starts the single-type side. It needs nothing from the heterogeneous loop, so `plan` starts it first: its kernel
 * checks run on the worker threads while this thread solves the catalog-wide MILP. Each loop is a pure function of
 * its inputs (the shared checker only remembers runs), so the plan and the comparison do not depend on the overlap.
 */
export async function startHomogeneousSide(request: PlanRequest, checkPlan: CheckPlan, options: LoopOptions): Promise<HomogeneousSide> {
  // Only the winning type is used (the loop solves it again), so the other types are solved below the best so far.
  const first = await bestHomogeneous(request, options, { belowBest: true });
  const gpu = request.gpus.find((g) => g.id === first.homogeneousGpu);
  if (!gpu) return { first };
  return { first, loop: await planAndCheck(singleTypeRequest(request, gpu.id), checkPlan, { ...homogeneousOptions(options, first.floorsByClass!), candidate: undefined }) };
}

/** The plan's own loop result beside the homogeneous loop's; deltas only when both hold. */
export async function finalTiers(request: PlanRequest, loop: LoopResult, checkPlan: CheckPlan, options: LoopOptions, side?: Promise<HomogeneousSide>): Promise<CheckedTiers & { readonly homogeneousLoop?: LoopResult }> {
  // Only the single-type side is solved here: the heterogeneous side is the loop's own answer.
  const { first, loop: singleType } = await (side ?? startHomogeneousSide(request, checkPlan, options));
  const gpu = request.gpus.find((g) => g.id === first.homogeneousGpu);
  const planGpus = new Set(loop.plan?.instances.map((i) => i.gpu) ?? []);
  // Already homogeneous: the plan is its own best single-type plan (a cheaper one would have been found by the loop).
  const homogeneousLoop = gpu && singleType && !(planGpus.size === 1 && planGpus.has(gpu.id)) ? singleType : loop;
  const heterogeneous = loop.holds ? loop.plan : undefined;
  const homogeneous = homogeneousLoop.holds ? homogeneousLoop.plan : undefined;
  return {
    heterogeneous: loop.plan,
    homogeneous: homogeneousLoop.plan,
    homogeneousGpu: gpu?.id ?? first.homogeneousGpu,
    ...(loop.check ? { heterogeneousCheck: loop.check } : {}),
    ...(homogeneousLoop.check ? { homogeneousCheck: homogeneousLoop.check } : {}),
    ...(heterogeneous && homogeneous
      ? { deltaTcoUsd: heterogeneous.cost.tcoUsd - homogeneous.cost.tcoUsd, deltaJPerOutputToken: heterogeneous.energy.jPerOutputToken - homogeneous.energy.jPerOutputToken }
      : {}),
    homogeneousLoop,
  };
}

/**
 * The cheaper of two proved loops: the plan the user gets is the cheapest fleet fleetplan proved (DESIGN.md, "What
 * makes a plan right"), and the homogeneous loop proves fleets with the same checker at the same seeds. Seen on the
 * README command: the heterogeneous loop returned $201,617 while its homogeneous loop proved $190,097.
 */
export function cheapestProved(loop: LoopResult, homogeneousLoop: LoopResult | undefined): LoopResult {
  if (!loop.holds || !loop.plan || !homogeneousLoop?.holds || !homogeneousLoop.plan) return loop;
  if (!(homogeneousLoop.plan.objectiveValue < loop.plan.objectiveValue)) return loop;
  const note = `the single-GPU-type loop proved a cheaper fleet (objective ${homogeneousLoop.plan.objectiveValue.toPrecision(6)} vs ${loop.plan.objectiveValue.toPrecision(6)}) than the heterogeneous loop: it is the plan; rounds are that loop's`;
  return { ...homogeneousLoop, plan: { ...homogeneousLoop.plan, notes: [...homogeneousLoop.plan.notes, note] } };
}
