/**
 * Dropping dominated pools (milp/dominance.ts) leaves the optimum unchanged: the MILP over every candidate and the
 * MILP over the survivors give the same objective (HiGHS to a 1e-9 gap on both), and precision copies are what it drops.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { deriveDemand } from '../../../planner/demand/demand.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';
import { enumeratePools } from '../../../planner/demand/pools.js';
import { dropDominatedPools } from '../../../planner/milp/dominance.js';
import { formulatePlan } from '../../../planner/milp/formulate.js';
import { solveModel } from '../../../planner/milp/solve.js';
import { resolveOptions } from '../../../planner/options.js';
import { solvedCounts } from './milp-helpers.js';

const catalog = loadBuiltinCatalog();

async function optimum(demand: Parameters<typeof formulatePlan>[0], options: ReturnType<typeof resolveOptions>): Promise<number> {
  const solved = await solveModel(formulatePlan(demand, options).model, { solver: 'highs', deadlineMs: 60_000, mipRelGap: 1e-9 });
  expect(solved.solution.status).toBe('optimal');
  return solved.solution.objective;
}

describe('dropDominatedPools', () => {
  it.each([
    ['llama-3.1-8b', ['h100-sxm', 'l40s'], 'coding-agent'],
    ['llama-3.1-70b', ['h100-sxm', 'b200'], 'coding-agent'],
    ['qwen3-0.6b', ['l40s', 'a40'], 'swe-agent-paper'],
  ] as const)('%s on %s: same optimum over fewer pools', async (llmId, gpuIds, mixId) => {
    const options = resolveOptions({ tpDegrees: [1, 2, 4] });
    const request = { mix: catalog.mixes.get(mixId)!, slo: catalog.slos.get('relaxed')!, datacenter: catalog.datacenters.get('default')! };
    const { pools } = enumeratePools(gpuIds.map((id) => catalog.gpus.get(id)!), catalog.llms.get(llmId)!, createPerfModelFor(), options);
    const demand = deriveDemand(request, pools, options);
    const pruned = dropDominatedPools(demand, options);
    expect(pruned.dropped.length).toBeGreaterThan(0);
    expect(pruned.demand.pools.length + pruned.dropped.length).toBe(pools.length);
    const full = await optimum(demand, options);
    // Relative: objectives are in dollars (~4e5), where HiGHS's own tolerances leave ~1e-5 of absolute noise.
    expect(Math.abs((await optimum(pruned.demand, options)) - full) / full).toBeLessThan(1e-9);
  }, 120_000);

  it('keeps a pool a cut names, even when dominated', () => {
    const options = resolveOptions({ tpDegrees: [1, 2] });
    const request = { mix: catalog.mixes.get('coding-agent')!, slo: catalog.slos.get('relaxed')!, datacenter: catalog.datacenters.get('default')! };
    const { pools } = enumeratePools([catalog.gpus.get('h100-sxm')!], catalog.llms.get('llama-3.1-8b')!, createPerfModelFor(), options);
    const demand = deriveDemand(request, pools, options);
    const victim = dropDominatedPools(demand, options).dropped[0];
    const withCut = resolveOptions({ tpDegrees: [1, 2], cuts: [{ kind: 'scale-capacity', poolKey: victim, family: 'decode', factor: 0.9, why: 'test' }] });
    expect(dropDominatedPools(demand, withCut).dropped).not.toContain(victim);
    const fixed = resolveOptions({ tpDegrees: [1, 2], fixedCounts: { [victim]: 2 } });
    expect(dropDominatedPools(demand, fixed).dropped).not.toContain(victim);
  });

  it('with refuted fleets in force: drops only where the cuts allow, and the optimum is unchanged', async () => {
    const base = resolveOptions({ tpDegrees: [1, 2, 4] });
    const request = { mix: catalog.mixes.get('coding-agent')!, slo: catalog.slos.get('relaxed')!, datacenter: catalog.datacenters.get('default')! };
    const { pools } = enumeratePools(['h100-sxm', 'l40s'].map((id) => catalog.gpus.get(id)!), catalog.llms.get('llama-3.1-8b')!, createPerfModelFor(), base);
    const demand = deriveDemand(request, pools, base);
    // Refute the optimum, then the next optimum, and a fleet made of a pool that dominance drops: each cut moves the
    // answer, and a dominator the refuted fleets hold more of than its victim must keep the victim.
    const cuts: Array<{ kind: 'refuted-fleet'; counts: Record<string, number>; why: string }> = [];
    const droppedWithout = dropDominatedPools(demand, base).dropped;
    cuts.push({ kind: 'refuted-fleet', counts: { [droppedWithout[0]]: 3 }, why: 'test' });
    for (let round = 0; round < 2; round++) {
      const options = resolveOptions({ tpDegrees: [1, 2, 4], cuts });
      const form = formulatePlan(demand, options);
      const solved = await solveModel(form.model, { solver: 'highs', deadlineMs: 60_000, mipRelGap: 1e-9 });
      cuts.push({ kind: 'refuted-fleet', counts: solvedCounts(form.countIndex, demand, solved.solution.values), why: 'test' });
    }
    const options = resolveOptions({ tpDegrees: [1, 2, 4], cuts });
    const pruned = dropDominatedPools(demand, options);
    expect(pruned.dropped.length).toBeGreaterThan(0);
    // Fewer than without cuts: pools the refuted fleets hold stay unless their dominator is held no more.
    expect(pruned.dropped.length).toBeLessThanOrEqual(droppedWithout.length);
    const full = await optimum(demand, options);
    expect(Math.abs((await optimum(pruned.demand, options)) - full) / full).toBeLessThan(1e-9);
  }, 120_000);
});
