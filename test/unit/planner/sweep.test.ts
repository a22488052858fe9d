import { describe, expect, it } from 'vitest';
import { bestHomogeneous, compareTiers, sweepCostEnergy } from '../../../planner/sweep/tiers.js';
import { planFleet } from '../../../planner/milp/plan.js';
import type { PlanRequest } from '../../../planner/types.js';
import { DATACENTER, LLAMA_8B, makeClass, makeGpu, makeMix, makeSlo, syntheticPerfFor } from './synthetic.js';

const request: PlanRequest = {
  mix: makeMix([makeClass('agent', { arrivalRatePerSecond: 6 }), makeClass('chat', { arrivalRatePerSecond: 3, turns: { kind: 'fixed', value: 2 } })]),
  slo: makeSlo(60, 60),
  datacenter: { ...DATACENTER, electricityUsdPerKwh: 0.3 },
  gpus: [makeGpu('h100'), makeGpu('a100', { memoryBandwidthBytesPerSecond: 2.0e12, bf16FlopsPerSecond: 312e12, tdpWatts: 400, idleWatts: 60, capexUsd: 15_000 })],
  llm: LLAMA_8B,
  perfModelFor: syntheticPerfFor,
};
const options = { tpDegrees: [1, 2], mipRelGap: 1e-9 };

describe('sweeps', () => {
  it('sweepCostEnergy() returns a front: cheapest first, each later point strictly less energy per token', async () => {
    const front = await sweepCostEnergy(request, options, 5);
    expect(front.length).toBeGreaterThanOrEqual(1);
    const cheapest = await planFleet(request, { ...options, objective: 'tco' });
    const greenest = await planFleet(request, { ...options, objective: 'energy' });
    if (!cheapest.ok || !greenest.ok) throw new Error('no plan');
    expect(front[0].tcoUsd).toBeCloseTo(cheapest.plan.cost.tcoUsd, 3);
    for (let i = 1; i < front.length; i++) {
      expect(front[i].tcoUsd).toBeGreaterThanOrEqual(front[i - 1].tcoUsd);
      expect(front[i].jPerOutputToken).toBeLessThan(front[i - 1].jPerOutputToken);
    }
    expect(front.at(-1)!.averagePowerWatts).toBeCloseTo(greenest.plan.energy.averagePowerWatts, 3);
  });

  it('compareTiers(): the unrestricted plan is never dearer than the best single-GPU-type plan', async () => {
    const tiers = await compareTiers(request, options);
    expect(tiers.heterogeneous).toBeDefined();
    expect(tiers.homogeneous).toBeDefined();
    expect(['h100', 'a100']).toContain(tiers.homogeneousGpu);
    expect(new Set(tiers.homogeneous!.instances.map((i) => i.gpu)).size).toBe(1);
    expect(tiers.homogeneous!.instances.every((i) => i.powerCapWatts === undefined)).toBe(true);
    expect(tiers.heterogeneous!.objectiveValue).toBeLessThanOrEqual(tiers.homogeneous!.objectiveValue * (1 + 1e-9));
    expect(tiers.deltaTcoUsd).toBeCloseTo(tiers.heterogeneous!.cost.tcoUsd - tiers.homogeneous!.cost.tcoUsd, 6);
  });

  it('bestHomogeneous() picks the same GPU type, at the same cost, when later types are solved only below the best so far', async () => {
    // Four types in both orders, so the winner is sometimes found first and sometimes last.
    const gpus = [...request.gpus, makeGpu('l40s', { memoryBandwidthBytesPerSecond: 0.86e12, bf16FlopsPerSecond: 362e12, tdpWatts: 350, idleWatts: 40, capexUsd: 9_000 }), makeGpu('h200', { capexUsd: 32_000 })];
    for (const order of [gpus, [...gpus].reverse()]) {
      const r = { ...request, gpus: order };
      const all = await bestHomogeneous(r, options);
      const pruned = await bestHomogeneous(r, options, { belowBest: true });
      expect(pruned.homogeneousGpu).toBe(all.homogeneousGpu);
      expect(pruned.homogeneous!.objectiveValue).toBeCloseTo(all.homogeneous!.objectiveValue, 6);
    }
  });
});
