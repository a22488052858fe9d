/**
 * Solving the fleet's shapes as separate MILPs (milp/solve-shapes.ts) gives the one MILP's optimum: on seeded random
 * instances offering prefill, decode and colocated pools, `planFleet` and the single model with the shape binary
 * (formulate.ts over every candidate pool, HiGHS to a 1e-9 gap) agree on feasibility and on the objective. The pairing
 * rows' flow form (milp/pairing-rows.ts) is checked against the nested sums it replaces on every answer.
 */
import { describe, expect, it } from 'vitest';
import { deriveDemand } from '../../../planner/demand/demand.js';
import { enumeratePools } from '../../../planner/demand/pools.js';
import { dropDominatedPools } from '../../../planner/milp/dominance.js';
import { formulatePlan } from '../../../planner/milp/formulate.js';
import { planFleet } from '../../../planner/milp/plan.js';
import { solveModel } from '../../../planner/milp/solve.js';
import { solveShapes } from '../../../planner/milp/solve-shapes.js';
import { resolveOptions } from '../../../planner/options.js';
import type { PlanOptions } from '../../../planner/types.js';
import { randomInstance } from './random-instance.js';

const INSTANCES = 40;

/** The largest shortfall of Hall's nested condition over every class and allowance level (≤ 0 when it holds). */
function nestedShortfall(outcome: Awaited<ReturnType<typeof solveShapes>>): number {
  const best = outcome.best!;
  const { demand, form } = best;
  const values = best.solved.solution.values;
  let worst = -Infinity;
  demand.profiles.forEach((_, c) => {
    const prefill: Array<[number, number]> = [];
    const decode: Array<[number, number]> = [];
    demand.pools.forEach((pool, j) => form.shareIndex[c][j].forEach((idx, k) => {
      const point = demand.entries[c][j].points[k];
      if (pool.role === 'prefill' && point.prefillAllowanceSeconds !== undefined) prefill.push([point.prefillAllowanceSeconds, values[idx]]);
      if (pool.role === 'decode' && point.leavesPrefillSeconds !== undefined) decode.push([point.leavesPrefillSeconds, values[idx]]);
    }));
    for (const [a] of prefill) {
      const need = prefill.filter(([x]) => x >= a).reduce((s, [, v]) => s + v, 0);
      const have = decode.filter(([x]) => x >= a).reduce((s, [, v]) => s + v, 0);
      worst = Math.max(worst, need - have);
    }
  });
  return worst;
}

describe('planning shape by shape', () => {
  it(`equals the one MILP with the shape binary on ${INSTANCES} random instances, and the flow rows keep Hall's condition`, async () => {
    const failures: string[] = [];
    const winners = { disaggregated: 0, colocated: 0, skipped: 0, infeasible: 0 };
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const { request, options: drawn } = randomInstance(seed);
      const options: PlanOptions = { ...drawn, roles: ['prefill', 'decode', 'colocated'], solver: 'highs', mipRelGap: 1e-9 };
      const resolved = resolveOptions(options, request.datacenter.powerCapWatts);
      const demand = deriveDemand(request, enumeratePools(request.gpus, request.llm, request.perfModelFor, resolved).pools, resolved);
      const one = await solveModel(formulatePlan(demand, resolved).model, { solver: 'highs', deadlineMs: 60_000, mipRelGap: 1e-9 });
      const planned = await planFleet(request, options);
      const oneObjective = one.solution.status === 'optimal' ? one.solution.objective : one.solution.status === 'infeasible' ? Infinity : NaN;
      const plannedObjective = planned.ok ? planned.plan.objectiveValue : Infinity;
      if (!Number.isFinite(oneObjective) || !Number.isFinite(plannedObjective)) {
        if (oneObjective !== plannedObjective) failures.push(`seed ${seed}: one MILP ${oneObjective} (${one.solution.status}), shapes ${plannedObjective}${planned.ok ? '' : ` (${planned.reason})`}`);
        winners.infeasible++;
        continue;
      }
      if (Math.abs(oneObjective - plannedObjective) > 1e-6 * Math.max(1, Math.abs(oneObjective))) failures.push(`seed ${seed}: one MILP ${oneObjective}, shapes ${plannedObjective}`);
      const shapes = await solveShapes(dropDominatedPools(demand, resolved).demand, resolved);
      const best = shapes.best!;
      winners[best.shape === 'colocated' ? 'colocated' : 'disaggregated']++;
      if (shapes.shapes.some((s) => s !== best && !s.solved && s.lpBound !== undefined)) winners.skipped++;
      const shortfall = nestedShortfall(shapes);
      if (shortfall > 1e-7) failures.push(`seed ${seed}: the answer breaks a nested pairing row by ${shortfall}`);
    }
    console.log(`shape split: ${JSON.stringify(winners)}`);
    expect(failures, failures.join('\n')).toEqual([]);
    // Both shapes win somewhere, some second shape is settled by its LP bound alone, and most instances have a plan.
    expect(winners.disaggregated).toBeGreaterThan(0);
    expect(winners.colocated).toBeGreaterThan(0);
    expect(winners.skipped).toBeGreaterThan(0);
    expect(winners.infeasible).toBeLessThan(INSTANCES / 2);
  }, 240_000);
});
