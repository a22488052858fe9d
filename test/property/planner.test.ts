import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deriveDemand } from '../../planner/demand/demand.js';
import { resolveOptions } from '../../planner/options.js';
import { planFleet } from '../../planner/milp/plan.js';
import { enumeratePools } from '../../planner/demand/pools.js';
import type { PlanOutcome, Plan } from '../../planner/types.js';
import { randomInstance, type RandomInstance } from '../unit/planner/random-instance.js';

const SEED = Number(process.env.FC_SEED ?? 20261125);
console.log(`planner properties: fast-check seed ${SEED} (set FC_SEED to replay)`);

const objectiveOf = (o: PlanOutcome): number => (o.ok ? o.plan.objectiveValue : Infinity);

/** Every constraint recomputed from the demand table (not from the LP model): returns the violations. */
function violations(inst: RandomInstance, plan: Plan): string[] {
  const options = resolveOptions(inst.options, inst.request.datacenter.powerCapWatts);
  const { pools } = enumeratePools(inst.request.gpus, inst.request.llm, inst.request.perfModelFor, options);
  const demand = deriveDemand(inst.request, pools, options);
  const out: string[] = [];
  const count = new Map(plan.instances.map((i) => [i.poolKey, i.count]));
  demand.profiles.forEach((p, c) => {
    const shares = plan.routing[p.id] ?? {};
    let pre = 0;
    let dec = 0;
    for (const [key, x] of Object.entries(shares)) {
      const j = pools.findIndex((q) => q.key === key);
      if (j < 0 || !demand.entries[c][j].eligible) out.push(`${p.id} routed to ineligible ${key}`);
      if (!count.get(key)) out.push(`${p.id} routed to ${key}, which has no instances`);
      if (pools[j].role !== 'decode') pre += x;
      if (pools[j].role !== 'prefill') dec += x;
    }
    if (Math.abs(pre - 1) > 1e-6 || Math.abs(dec - 1) > 1e-6) out.push(`${p.id} routed ${pre} / ${dec}`);
  });
  let peak = 0;
  pools.forEach((pool, j) => {
    const n = count.get(pool.key) ?? 0;
    peak += n * demand.facts[j].peakWatts;
    const load = { prefill: 0, decode: 0, kv: 0, bytes: 0 };
    for (const op of plan.operatingPoints) {
      if (op.poolKey !== pool.key) continue;
      const c = demand.profiles.findIndex((p) => p.id === op.classId);
      const point = demand.entries[c][j].points.find((q) => q.batch === op.batch && q.prefillAllowanceSeconds === op.prefillAllowanceSeconds);
      if (!point) {
        out.push(`${op.classId} on ${pool.key} at batch ${op.batch}: no such operating point`);
        continue;
      }
      const rate = demand.profiles[c].ratePerSecond * op.share;
      load.prefill += rate * point.prefillLoad;
      load.decode += rate * point.decodeLoad;
      load.kv += rate * point.kvLoad;
      load.bytes += rate * point.transferBytes;
    }
    const tol = 1e-6 * Math.max(1, n);
    const time = pool.role === 'colocated' ? load.prefill + load.decode : Math.max(load.prefill, load.decode);
    if (time > n + tol) out.push(`${pool.key}: time load ${time} > ${n}`);
    if (load.kv > n + tol) out.push(`${pool.key}: KV load ${load.kv} > ${n}`);
    if (load.bytes > options.linkUtilisation * demand.facts[j].linkBytesPerSecond * n * (1 + 1e-6) + 1e-6) out.push(`${pool.key}: link over`);
  });
  if (options.powerCapWatts !== undefined && peak > options.powerCapWatts * (1 + 1e-6)) out.push(`power ${peak} > ${options.powerCapWatts}`);
  if (options.budgetUsd !== undefined && plan.cost.tcoUsd > options.budgetUsd * (1 + 1e-6)) out.push(`TCO ${plan.cost.tcoUsd} > budget ${options.budgetUsd}`);
  for (const [gpu, limit] of Object.entries(options.availabilityGpus)) {
    const used = plan.instances.filter((i) => i.gpu === gpu).reduce((a, i) => a + i.count * i.tp, 0);
    if (used > limit) out.push(`${gpu}: ${used} GPUs > ${limit}`);
  }
  if (options.objective === 'tco' && Math.abs(plan.cost.tcoUsd - plan.objectiveValue) > 1e-6 * plan.objectiveValue) out.push(`TCO ${plan.cost.tcoUsd} ≠ objective ${plan.objectiveValue}`);
  return out;
}

const seeds = fc.integer({ min: 1, max: 1_000_000 });

// Each property plans 80–120 instances; with the pairing rows (milp/pairing-rows.ts) a disaggregated model is one
// block, not two, and a shared 2-core machine takes 60–230 s for the file.
const PROPERTY_TIMEOUT_MS = 400_000;

describe('planner properties', () => {
  it('every returned plan satisfies its constraints recomputed from the demand table; LP relaxation ≤ MILP', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, fc.constantFrom('jslp' as const, 'highs' as const), async (seed, solver) => {
        const inst = randomInstance(seed);
        const out = await planFleet(inst.request, { ...inst.options, solver, explain: true });
        if (!out.ok) return;
        expect(violations(inst, out.plan)).toEqual([]);
        expect(out.plan.lpRelaxationObjective).toBeLessThanOrEqual(out.plan.objectiveValue * (1 + 1e-6) + 1e-9);
      }),
      { seed: SEED, numRuns: 60 },
    );
   }, PROPERTY_TIMEOUT_MS);

  it('more traffic never yields a cheaper plan', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, fc.double({ min: 1, max: 3, noNaN: true }), async (seed, factor) => {
        const base = randomInstance(seed, 1);
        const more = randomInstance(seed, factor);
        const a = await planFleet(base.request, { ...base.options, solver: 'highs', mipRelGap: 1e-9 });
        const b = await planFleet(more.request, { ...more.options, solver: 'highs', mipRelGap: 1e-9 });
        expect(objectiveOf(b)).toBeGreaterThanOrEqual(objectiveOf(a) * (1 - 1e-6));
      }),
      { seed: SEED, numRuns: 40 },
    );
   }, PROPERTY_TIMEOUT_MS);

  it('a looser SLO never yields a dearer plan', async () => {
    await fc.assert(
      fc.asyncProperty(seeds, fc.double({ min: 1, max: 3, noNaN: true }), async (seed, factor) => {
        const tight = randomInstance(seed);
        const slo = tight.request.slo;
        const loose = {
          ...tight,
          request: { ...tight.request, slo: { ...slo, targets: slo.targets.map((t) => (t.kind === 'absolute' ? { ...t, maxValue: t.maxValue * factor } : t)) } },
        };
        const a = await planFleet(tight.request, { ...tight.options, solver: 'highs', mipRelGap: 1e-9 });
        const b = await planFleet(loose.request, { ...loose.options, solver: 'highs', mipRelGap: 1e-9 });
        expect(objectiveOf(b)).toBeLessThanOrEqual(objectiveOf(a) * (1 + 1e-6));
      }),
      { seed: SEED, numRuns: 40 },
    );
   }, PROPERTY_TIMEOUT_MS);
});
