/**
 * Issue 13, item 2: a pool's operating points depend only on that pool, the class and the SLO, never on which other
 * pools are candidates. The issue's example shape (llama-3.1-8b agent, a40 / l40s / a100-40gb): TTFET budgets used to
 * be split around the fastest prefill and decode paths over all candidates, so offering TP2–TP8 shrank a TP1
 * decoder's share of the target and a dearer plan won. Here the TP1-only demand must be a sub-table of the TP1–TP8
 * demand, and the MILP's optimum with more candidates no dearer.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, loadDocumentText, toMix, toSloSet } from '../../../catalogs/index.js';
import { deriveDemand } from '../../../planner/demand/demand.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';
import { enumeratePools } from '../../../planner/demand/pools.js';
import { planFleet } from '../../../planner/milp/plan.js';
import { resolveOptions } from '../../../planner/options.js';
import type { PlanOptions, PlanRequest } from '../../../planner/types.js';
import { ISSUE13_MIX_YAML as MIX, ISSUE13_SLO_YAML as SLO } from '../../helpers/issue13-shape.js';


const catalog = loadBuiltinCatalog();
const request: PlanRequest = {
  mix: toMix(loadDocumentText(MIX, 'mix.yaml').raw as never),
  slo: toSloSet(loadDocumentText(SLO, 'slo.yaml').raw as never),
  datacenter: catalog.datacenters.get('default')!,
  gpus: ['a40', 'l40s', 'a100-40gb'].map((id) => catalog.gpus.get(id)!),
  llm: catalog.llms.get('llama-3.1-8b')!,
  perfModelFor: createPerfModelFor(),
};

function demandFor(options: PlanOptions) {
  const resolved = resolveOptions(options, request.datacenter.powerCapWatts);
  const { pools } = enumeratePools(request.gpus, request.llm, request.perfModelFor, resolved);
  return deriveDemand(request, pools, resolved);
}

describe('budgets per pool, independent of the candidate set (issue 13, item 2)', () => {
  it('every TP1 pool offers the same operating points whether or not TP2–TP8 pools are candidates', () => {
    const tp1 = demandFor({ tpDegrees: [1] });
    const all = demandFor({ tpDegrees: [1, 2, 4, 8] });
    expect(all.pools.length).toBeGreaterThan(tp1.pools.length);
    let compared = 0;
    tp1.pools.forEach((pool, j) => {
      const k = all.pools.findIndex((p) => p.key === pool.key);
      expect(k, pool.key).toBeGreaterThanOrEqual(0);
      expect(all.entries[0][k], pool.key).toEqual(tp1.entries[0][j]);
      if (tp1.entries[0][j].eligible) compared++;
    });
    // The TP1 decoders and prefillers that serve the class are among them (the comparison is not vacuous).
    expect(compared).toBeGreaterThanOrEqual(4);
    expect(tp1.pools.some((p, j) => p.role === 'decode' && tp1.entries[0][j].eligible)).toBe(true);
    expect(tp1.pools.some((p, j) => p.role === 'prefill' && tp1.entries[0][j].eligible)).toBe(true);
  });

  it('adding TP2–TP8 candidates keeps the TP1 plan feasible and never makes the optimum dearer', async () => {
    const tp1 = await planFleet(request, { tpDegrees: [1], solver: 'highs', explain: false });
    const all = await planFleet(request, { tpDegrees: [1, 2, 4, 8], solver: 'highs', explain: false });
    if (!tp1.ok) throw new Error(tp1.reason);
    if (!all.ok) throw new Error(all.reason);
    expect(all.plan.objectiveValue).toBeLessThanOrEqual(tp1.plan.objectiveValue * (1 + 1e-6));
    // The TP1 plan itself is still a fleet of the larger formulation: fixing its counts there stays feasible.
    const fixedCounts = Object.fromEntries(tp1.plan.instances.map((i) => [i.poolKey, i.count]));
    const pinned = await planFleet(request, { tpDegrees: [1, 2, 4, 8], solver: 'highs', explain: false, fixedCounts });
    if (!pinned.ok) throw new Error(pinned.reason);
    expect(pinned.plan.objectiveValue).toBeCloseTo(tp1.plan.objectiveValue, 2);
  }, 120_000);

  it('a looser TTFET target (even by 1%) keeps every prefill point and lets every decoder point leave more', () => {
    const resolved = resolveOptions({ tpDegrees: [1, 2] }, request.datacenter.powerCapWatts);
    const { pools } = enumeratePools(request.gpus, request.llm, request.perfModelFor, resolved);
    const tight = deriveDemand(request, pools, resolved);
    const slo = { ...request.slo, targets: request.slo.targets.map((t) => (t.kind === 'absolute' && t.metric === 'ttfet_s' ? { ...t, maxValue: t.maxValue * 1.01 } : t)) };
    const loose = deriveDemand({ ...request, slo }, pools, resolved);
    let prefillPoints = 0;
    pools.forEach((pool, j) => {
      const a = tight.entries[0][j];
      const b = loose.entries[0][j];
      if (!a.eligible) return;
      expect(b.eligible, pool.key).toBe(true);
      for (const p of a.points) {
        if (pool.role === 'prefill') {
          prefillPoints++;
          expect(b.points, pool.key).toContainEqual(p);
        } else {
          const q = b.points.find((x) => x.batch === p.batch)!;
          expect(q.leavesPrefillSeconds ?? Infinity).toBeGreaterThanOrEqual(p.leavesPrefillSeconds ?? Infinity);
        }
      }
    });
    expect(prefillPoints).toBeGreaterThan(0);
  });
});
