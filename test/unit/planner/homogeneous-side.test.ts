/**
 * The best single-GPU-type fleet is the cheapest one a type's loop proves, not the loop of the type whose first solve
 * was cheapest. Regression: `plan --llm kimi-k2 --gpus gb200,b300` reported "best homogeneous: b300, $740,261" beside
 * a plan of gb200 alone at $561,918, because b300's first solve was the cheaper one and only its loop ran.
 */
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../catalogs/types.js';
import { planAndCheck, type CheckResult } from '../../../planner/check/loop.js';
import { planFleet } from '../../../planner/milp/plan.js';
import { cheapestProved, finalTiers, startHomogeneousSide } from '../../../planner/sweep/final-tiers.js';
import { singleTypeRequest } from '../../../planner/sweep/tiers.js';
import type { PlanRequest } from '../../../planner/types.js';
import { DATACENTER, LLAMA_8B, makeClass, makeGpu, makeMix, makeSlo, syntheticPerfFor } from './synthetic.js';

const request: PlanRequest = {
  mix: makeMix([makeClass('agent', { arrivalRatePerSecond: 4 })]),
  slo: makeSlo(60, 60),
  datacenter: DATACENTER,
  // The same GPU at two prices: `cheap` wins every first solve.
  gpus: [makeGpu('cheap', { capexUsd: 20_000 }), makeGpu('steady', { capexUsd: 30_000 })],
  llm: LLAMA_8B,
  perfModelFor: syntheticPerfFor,
};
const options = { roles: ['prefill', 'decode'] as const, tpDegrees: [1], maxRounds: 16, mipRelGap: 1e-9 };

const decoders = (fleet: Fleet, gpu: string) => fleet.instances.filter((i) => i.role === 'decode' && i.gpu === gpu).reduce((a, i) => a + i.count, 0);

/** A fake kernel: a fleet with `cheap` decoders holds only with at least `needed` of them; `steady` fleets always hold. */
function checker(needed: number) {
  const seen: Fleet[] = [];
  const check = async (fleet: Fleet): Promise<CheckResult> => {
    seen.push(fleet);
    const uses = fleet.instances.some((i) => i.gpu === 'cheap');
    const holds = !uses || decoders(fleet, 'cheap') >= needed;
    const slos = [{ metric: 'tbt_ms' as const, percentile: 95, target: 60, observed: holds ? 50 : 90, holds }];
    return { holds, slos, pools: fleet.instances.map((i) => ({ gpu: i.gpu, tp: i.tp, role: i.role, utilization: i.role === 'decode' ? 0.9 : 0.5 })) };
  };
  return { check, seen };
}

async function firstSolve(gpu: string) {
  const out = await planFleet(singleTypeRequest(request, gpu), { ...options, powerCapFractions: { prefill: [1], decode: [1], colocated: [1] } });
  if (!out.ok) throw new Error(`no plan on ${gpu}`);
  return out.plan;
}

describe('startHomogeneousSide()', () => {
  it('loops the next GPU type when the first type\'s proved fleet is dearer than that type\'s first solve, and keeps the cheaper', async () => {
    const cheap = await firstSolve('cheap');
    const steady = await firstSolve('steady');
    expect(cheap.objectiveValue).toBeLessThan(steady.objectiveValue);
    // Enough `cheap` decoders to cost more than steady's whole first fleet.
    const needed = Math.ceil(steady.cost.tcoUsd / 20_000) + 1;
    const { check } = checker(needed);
    const cheapLoop = await planAndCheck(singleTypeRequest(request, 'cheap'), check, options);
    expect(cheapLoop.holds).toBe(true);
    expect(cheapLoop.plan!.objectiveValue).toBeGreaterThan(steady.objectiveValue);

    const side = await startHomogeneousSide(request, checker(needed).check, options);
    expect(side.first.homogeneousGpu).toBe('steady');
    expect(side.loop?.holds).toBe(true);
    expect(new Set(side.loop!.plan!.instances.map((i) => i.gpu))).toEqual(new Set(['steady']));
    expect(side.loop!.plan!.objectiveValue).toBeLessThan(cheapLoop.plan!.objectiveValue);
    expect(side.first.homogeneous?.instances.every((i) => i.gpu === 'steady')).toBe(true);
  });

  it('loops no other type when the first type\'s proved fleet is already below every other first solve', async () => {
    const { check, seen } = checker(0);
    const side = await startHomogeneousSide(request, check, options);
    expect(side.first.homogeneousGpu).toBe('cheap');
    expect(side.loop?.holds).toBe(true);
    expect(seen.some((f) => f.instances.some((i) => i.gpu === 'steady'))).toBe(false);
  });

  it('reports the cheaper single-type fleet as the best over all candidate pools too, and the plan is that fleet', async () => {
    const steady = await firstSolve('steady');
    const needed = Math.ceil(steady.cost.tcoUsd / 20_000) + 1;
    const { check } = checker(needed);
    // A loop that returned a dearer fleet than the single-type side proved (as the DeepSeek-V3 h200/b200/mi325x plan's did).
    const dearer = await planAndCheck(singleTypeRequest(request, 'cheap'), check, options);
    const side = await startHomogeneousSide(request, check, options);
    expect(side.loop!.plan!.objectiveValue).toBeLessThan(dearer.plan!.objectiveValue);
    const tiers = await finalTiers(request, dearer, check, options, Promise.resolve(side));
    expect(tiers.heterogeneous).toBe(side.loop!.plan);
    expect(tiers.homogeneous).toBe(side.loop!.plan);
    expect(tiers.deltaTcoUsd).toBe(0);
    expect(cheapestProved(dearer, tiers.homogeneousLoop).plan!.objectiveValue).toBe(tiers.heterogeneous!.objectiveValue);
  });
});
