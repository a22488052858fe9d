/**
 * The heterogeneous-vs-homogeneous comparison procurement quotes, made between final plans (DESIGN.md, "What makes a
 * plan right"): the homogeneous side is the same loop (same checker, same TRIM) run on one GPU type at a time, for
 * the types whose MILP can still beat the best single-type fleet proved (startHomogeneousSide); the heterogeneous side
 * is the cheaper of the plan the loop returned (trimmed, proved at every check seed) and that fleet. Comparing two untrimmed first solves once put "heterogeneous saves $7,199" beside a plan that cost $264,812 after
 * TRIM.
 */
import { planAndCheck, type CheckPlan, type LoopOptions, type LoopResult } from '../check/loop.js';
import { planFleet } from '../milp/plan.js';
import type { PlanRequest } from '../types.js';
import { bestHomogeneous, homogeneousOptions, singleTypeRequest, type CheckedTiers } from './tiers.js';

/** The single-type side: the first solve of the GPU type whose loop proved the cheapest fleet, and that loop. */
export interface HomogeneousSide {
  readonly first: Awaited<ReturnType<typeof bestHomogeneous>>;
  readonly loop?: LoopResult;
}

/**
 * Starts the single-type side. It needs nothing from the heterogeneous loop, so `plan` starts it first: its kernel
 * checks run on the worker threads while this thread solves the catalog-wide MILP. Each loop is a pure function of
 * its inputs (the shared checker only remembers runs), so the plan and the comparison do not depend on the overlap.
 *
 * The loop runs first on the type whose first solve is cheapest; the kernel can then make that type dearer than
 * another type's first solve (seen: Kimi-K2 on gb200 + b300, where b300's first solve won and its loop proved
 * $740,261, while gb200's loop proves $561,918 and the plan itself was gb200 alone). A type's loop proves only fleets
 * its MILP allows (the loop's cuts remove fleets, never add them), so each other type is solved below the best
 * fleet proved so far and looped only if that solve finds a fleet there. TRIM can prove a fleet below its type's
 * MILP optimum, which this bound does not chase.
 */
export async function startHomogeneousSide(request: PlanRequest, checkPlan: CheckPlan, options: LoopOptions): Promise<HomogeneousSide> {
  // The other types are solved below the best first solve so far: only the cheapest type is needed to start.
  const first = await bestHomogeneous(request, options, { belowBest: true });
  const gpu = request.gpus.find((g) => g.id === first.homogeneousGpu);
  if (!gpu) return { first };
  const single = homogeneousOptions(options, first.floorsByClass!);
  const loopOn = (id: string) => planAndCheck(singleTypeRequest(request, id), checkPlan, { ...single, candidate: undefined });
  let best = { gpu: gpu.id, firstPlan: first.homogeneous, loop: await loopOn(gpu.id) };
  for (const other of request.gpus) {
    const bound = best.loop.holds ? best.loop.plan?.objectiveValue : undefined;
    // A loop that did not hold bounds nothing; the comparison then reports that type's loop, as before.
    if (other.id === gpu.id || bound === undefined) continue;
    const below = await planFleet(singleTypeRequest(request, other.id), { ...single, explain: false, objectiveBelow: bound });
    if (!below.ok) continue;
    const loop = await loopOn(other.id);
    if (loop.holds && loop.plan && loop.plan.objectiveValue < bound) best = { gpu: other.id, firstPlan: below.plan, loop };
  }
  return { first: { ...first, homogeneous: best.firstPlan, homogeneousGpu: best.gpu }, loop: best.loop };
}

/** `b` when it holds with a strictly lower objective than `a` (or `a` does not hold), else `a`. */
function cheaperLoop(a: LoopResult, b: LoopResult): LoopResult {
  return b.holds && b.plan && (!a.holds || !a.plan || b.plan.objectiveValue < a.plan.objectiveValue) ? b : a;
}

/** The plan's own loop result beside the homogeneous loop's; deltas only when both hold. */
export async function finalTiers(request: PlanRequest, loop: LoopResult, checkPlan: CheckPlan, options: LoopOptions, side?: Promise<HomogeneousSide>): Promise<CheckedTiers & { readonly homogeneousLoop?: LoopResult }> {
  // Only the single-type side is solved here: the heterogeneous side is the loop's own answer or, when cheaper, the
  // single-type side's.
  const { first, loop: singleType } = await (side ?? startHomogeneousSide(request, checkPlan, options));
  const gpu = request.gpus.find((g) => g.id === first.homogeneousGpu);
  const planGpus = new Set(loop.plan?.instances.map((i) => i.gpu) ?? []);
  // A plan of that type alone is a single-type fleet too: the side is whichever of the two proved the cheaper one.
  const planIsThatType = gpu !== undefined && planGpus.size === 1 && planGpus.has(gpu.id);
  const homogeneousLoop = !gpu || !singleType ? loop : planIsThatType ? cheaperLoop(loop, singleType) : singleType;
  // Every single-type fleet is a candidate of the unrestricted plan, so the best over all candidate pools is the
  // cheaper of the two proved fleets (seen: DeepSeek-V3 on h200, b200, mi325x, where the mi325x loop's TRIM proved
  // $368,703 below the heterogeneous loop's $452,208); the user gets that plan too (cheapestProved).
  const best = cheaperLoop(loop, homogeneousLoop);
  const heterogeneous = best.holds ? best.plan : undefined;
  const homogeneous = homogeneousLoop.holds ? homogeneousLoop.plan : undefined;
  return {
    heterogeneous: best.plan,
    homogeneous: homogeneousLoop.plan,
    homogeneousGpu: gpu?.id ?? first.homogeneousGpu,
    ...(best.check ? { heterogeneousCheck: best.check } : {}),
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
