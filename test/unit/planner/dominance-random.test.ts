/**
 * Dominance pruning (milp/dominance.ts), across GPU types too, never changes the optimum: on seeded random instances
 * (random objectives, budgets, power caps, availability limits) the MILP over every candidate pool and the MILP over
 * the survivors agree on feasibility and objective (HiGHS to a 1e-9 gap), before and after refuted-fleet cuts of the
 * kind the kernel-check loop adds.
 */
import { describe, expect, it } from 'vitest';
import type { Demand } from '../../../planner/demand/demand.js';
import { dropDominatedPools } from '../../../planner/milp/dominance.js';
import { formulatePlan } from '../../../planner/milp/formulate.js';
import { solveModel } from '../../../planner/milp/solve.js';
import { resolveOptions, type ResolvedOptions } from '../../../planner/options.js';
import type { PlanCut } from '../../../planner/types.js';
import { randomDemand, sameObjective, solvedCounts } from './milp-helpers.js';

const INSTANCES = 40;

async function optimum(demand: Demand, options: ResolvedOptions): Promise<{ objective: number; counts: Record<string, number> }> {
  const form = formulatePlan(demand, options);
  const solved = await solveModel(form.model, { solver: 'highs', deadlineMs: 60_000, mipRelGap: 1e-9 });
  if (solved.solution.status === 'infeasible') return { objective: Infinity, counts: {} };
  expect(solved.solution.status).toBe('optimal');
  return { objective: solved.solution.objective, counts: solvedCounts(form.countIndex, demand, solved.solution.values) };
}

describe('dominance pruning on random instances', () => {
  it(`keeps the optimum on ${INSTANCES} instances, with and without refuted-fleet cuts`, async () => {
    const failures: string[] = [];
    let pruned = 0;
    let acrossTypes = 0;
    let withCuts = 0;
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const { request, options, demand } = randomDemand(seed);
      const cuts: PlanCut[] = [];
      // Round 0 as planned; rounds 1–2 with the previous answers refuted, as the loop refutes fleets the kernel missed.
      for (let round = 0; round < 3; round++) {
        const resolved = resolveOptions({ ...options, cuts }, request.datacenter.powerCapWatts);
        const survivors = dropDominatedPools(demand, resolved);
        const full = await optimum(demand, resolved);
        const kept = await optimum(survivors.demand, resolved);
        if (!sameObjective(full.objective, kept.objective)) failures.push(`seed ${seed} round ${round}: all pools ${full.objective}, survivors ${kept.objective} (${survivors.dropped.length} dropped)`);
        if (round === 0 && survivors.dropped.length > 0) pruned++;
        if (round > 0) withCuts++;
        // A drop only another GPU type (or GPU count) can explain: no survivor of the same GPUs and role.
        const keptShapes = new Set(survivors.demand.pools.map((p) => `${p.gpu.id}×${p.gpus}/${p.role}`));
        if (round === 0 && survivors.dropped.some((key) => { const p = demand.pools.find((q) => q.key === key)!; return !keptShapes.has(`${p.gpu.id}×${p.gpus}/${p.role}`); })) acrossTypes++;
        if (!Number.isFinite(full.objective) || Object.keys(full.counts).length === 0) break;
        cuts.push({ kind: 'refuted-fleet', counts: full.counts, why: 'test' });
      }
    }
    console.log(`dominance: ${pruned} of ${INSTANCES} instances pruned, ${acrossTypes} across GPU types or counts, ${withCuts} solves under refuted-fleet cuts`);
    expect(failures, failures.join('\n')).toEqual([]);
    expect(pruned).toBeGreaterThan(INSTANCES / 4);
    expect(acrossTypes).toBeGreaterThan(0);
    expect(withCuts).toBeGreaterThan(INSTANCES / 2);
  }, 300_000);
});
