/**
 * Only maximal refuted fleets get rows (milp/fleet-shape-rows.ts): a refuted fleet no larger in any pool than another
 * refuted fleet cuts nothing away. Differential on seeded random instances: refuted fleets as the loop makes them
 * (the plan's answer, then TRIM-like removals from it — half a pool, then one instance, so the first is contained in
 * the second — and repeats) are formulated as before (every refuted fleet its rows, built here with the same row
 * builder) and as formulatePlan now does (maximal fleets only); the MILP optima (HiGHS to a 1e-9 gap) and the LP
 * relaxations' objectives must agree, and the pruned model must be smaller.
 */
import { describe, expect, it } from 'vitest';
import type { Demand } from '../../../planner/demand/demand.js';
import { formulatePlan } from '../../../planner/milp/formulate.js';
import { addRefutedFleetRows, maximalRefutedFleets, type RefutedFleet } from '../../../planner/milp/fleet-shape-rows.js';
import { LpBuilder, relaxModel, type LpModel } from '../../../planner/milp/lp-model.js';
import { solveModel } from '../../../planner/milp/solve.js';
import { resolveOptions, type ResolvedOptions } from '../../../planner/options.js';
import type { PlanCut } from '../../../planner/types.js';
import { randomDemand, sameObjective, solvedCounts } from './milp-helpers.js';

const INSTANCES = 30;

/** The model as formulated before the pruning: every refuted fleet's rows, appended in cut order. */
function unprunedModel(demand: Demand, options: ResolvedOptions, refuted: readonly RefutedFleet[]): LpModel {
  const base = formulatePlan(demand, { ...options, cuts: options.cuts.filter((c) => c.kind !== 'refuted-fleet') });
  const b = new LpBuilder();
  for (const v of base.model.variables) b.addVariable(v);
  for (const r of base.model.rows) b.addRow(r.name, r.terms, r.lower, r.upper);
  b.offset = base.model.objectiveOffset;
  addRefutedFleetRows(b, { push: () => 0 }, demand.pools, base.countIndex, refuted);
  return b.build();
}

async function solve(model: LpModel, relax: boolean): Promise<number> {
  const out = await solveModel(relax ? relaxModel(model) : model, { solver: 'highs', deadlineMs: 60_000, mipRelGap: 1e-9, ...(relax ? { relax: true } : {}) });
  if (out.solution.status === 'infeasible') return Infinity;
  expect(out.solution.status).toBe('optimal');
  return out.solution.objective;
}

describe('maximalRefutedFleets', () => {
  it('keeps the fleets no other refuted fleet contains, first of equals, in order', () => {
    const a = { p: 4, d: 2 };
    const aLess = { p: 2, d: 2 };
    const aOne = { p: 3, d: 2 };
    const other = { p: 1, d: 5 };
    const aAgain = { d: 2, p: 4 };
    expect(maximalRefutedFleets([aLess, a, aOne, other, aAgain])).toEqual([a, other]);
    // A fleet missing a pool another has is contained in it; a pool only it has keeps it.
    expect(maximalRefutedFleets([{ p: 4 }, { p: 4, d: 1 }, { q: 1 }])).toEqual([{ p: 4, d: 1 }, { q: 1 }]);
    expect(maximalRefutedFleets([])).toEqual([]);
  });
});

describe('maximal refuted fleets on random instances', () => {
  it(`keep the MILP optimum and the LP relaxation on ${INSTANCES} instances`, async () => {
    const failures: string[] = [];
    let rowsSaved = 0;
    let instancesWithChains = 0;
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const { request, options, base, demand } = randomDemand(seed);
      const first = formulatePlan(demand, base);
      const solved = await solveModel(first.model, { solver: 'highs', deadlineMs: 60_000, mipRelGap: 1e-9 });
      if (solved.solution.status !== 'optimal') continue;
      const counts = solvedCounts(first.countIndex, demand, solved.solution.values);
      // As the loop refutes: the answer, TRIM's removals (half a pool, then one instance: a chain), a repeat.
      const refuted: RefutedFleet[] = [counts];
      for (const [key, n] of Object.entries(counts)) {
        const half = Math.max(1, Math.floor(n / 2));
        refuted.push({ ...counts, [key]: n - half });
        if (half > 1) refuted.push({ ...counts, [key]: n - 1 });
      }
      refuted.push({ ...counts });
      const cuts: PlanCut[] = refuted.map((c) => ({ kind: 'refuted-fleet', counts: c, why: 'test' }));
      const resolved = resolveOptions({ ...options, cuts }, request.datacenter.powerCapWatts);
      const pruned = formulatePlan(demand, resolved).model;
      const full = unprunedModel(demand, resolved, refuted);
      expect(pruned.variables.length).toBeLessThan(full.variables.length);
      rowsSaved += full.rows.length - pruned.rows.length;
      if (maximalRefutedFleets(refuted).length < refuted.length - 1) instancesWithChains++;
      const [milpFull, milpPruned, lpFull, lpPruned] = [await solve(full, false), await solve(pruned, false), await solve(full, true), await solve(pruned, true)];
      if (!sameObjective(milpFull, milpPruned, 1e-6)) failures.push(`seed ${seed}: MILP every cut ${milpFull}, maximal cuts ${milpPruned}`);
      if (!sameObjective(lpFull, lpPruned, 1e-7)) failures.push(`seed ${seed}: LP relaxation every cut ${lpFull}, maximal cuts ${lpPruned}`);
    }
    console.log(`refuted-fleet rows: ${rowsSaved} rows saved; ${instancesWithChains} instances with a chain of contained fleets`);
    expect(instancesWithChains).toBeGreaterThan(5);
    expect(failures).toEqual([]);
  }, 300_000);
});
