/**
 * Pool swaps: the cheapest proved fleet with every instance of one pool moved to a cheaper pool of the same role (another
 * GPU type, TP degree or power cap). The MILP's TTFET budgets still split the slack using the fastest candidate pools
 * (demand/floors.ts), so it can call a fleet infeasible that the kernel proves: on the differential test
 * (test/differential/planner-vs-kernel.test.ts) 3 of 20 small instances had a cheaper fleet one swap away. TRIM only
 * removes instances; swaps let the loop reach those fleets. Each is checked in the kernel like any other fleet; the
 * check stops at the first seed that misses.
 */
import { enumeratePools } from '../demand/pools.js';
import { resolveOptions } from '../options.js';
import type { Plan, PlannedPool, PlanOptions, PlanRequest } from '../types.js';
import { computeInstanceSaving } from './trim.js';

/** Every candidate pool as a PlannedPool of one instance (with its layout and formats, as plan-result.ts writes them). */
export function candidatePools(request: PlanRequest, options: PlanOptions): PlannedPool[] {
  const resolved = resolveOptions(options, request.datacenter.powerCapWatts);
  return enumeratePools(request.gpus, request.llm, request.perfModelFor, resolved, request.serving).pools.map((p) => ({ gpu: p.gpu.id, llm: request.llm.id, tp: p.tp, ...(p.ep > 1 ? { ep: p.ep } : {}), precision: p.precision, kvDtype: p.kvDtype, role: p.role, count: 1, powerCapWatts: p.powerCapWatts, poolKey: p.key }));
}

/** `plan` with every instance of `from` moved to `to` (same count); figures adjusted by the two pools' per-instance shares. */
export function swapPool(request: PlanRequest, plan: Plan, from: PlannedPool, to: PlannedPool): Plan {
  const a = computeInstanceSaving(request, plan, from);
  const b = computeInstanceSaving(request, plan, to);
  const n = from.count;
  const merged = plan.instances.some((i) => i.poolKey === to.poolKey);
  const instances = plan.instances
    .map((i) => (i.poolKey === to.poolKey ? { ...i, count: i.count + n } : i))
    .filter((i) => i.poolKey !== from.poolKey)
    .concat(merged ? [] : [{ ...to, count: n }]);
  return {
    ...plan,
    instances,
    objectiveValue: plan.objectiveValue - n * (a.objective - b.objective),
    cost: {
      ...plan.cost,
      capexUsd: plan.cost.capexUsd - n * (a.capexUsd - b.capexUsd),
      rentUsdPerHour: plan.cost.rentUsdPerHour - n * (a.rentUsdPerHour - b.rentUsdPerHour),
      tcoUsd: plan.cost.tcoUsd - n * (a.tcoUsd - b.tcoUsd),
      energyUsd: plan.cost.energyUsd - n * (a.energyUsd - b.energyUsd),
    },
    powerWatts: plan.powerWatts - n * (a.peakWatts - b.peakWatts),
    energy: { ...plan.energy, averagePowerWatts: plan.energy.averagePowerWatts - n * (a.idleWatts - b.idleWatts) },
    notes: [...plan.notes, `${n}× ${from.poolKey} swapped for ${to.poolKey} after the MILP found no cheaper fleet; busy energy and routing are the plan's before the swap`],
  };
}

/** Single-pool swaps of `plan` that cost less, cheapest first. */
export function cheaperSwaps(request: PlanRequest, plan: Plan, candidates: readonly PlannedPool[]): Plan[] {
  const out: Plan[] = [];
  for (const from of plan.instances) {
    const unitFrom = computeInstanceSaving(request, plan, from).objective;
    for (const to of candidates) {
      if (to.role !== from.role || to.poolKey === from.poolKey) continue;
      if (computeInstanceSaving(request, plan, to).objective >= unitFrom) continue;
      out.push(swapPool(request, plan, from, to));
    }
  }
  return out.sort((x, y) => x.objectiveValue - y.objectiveValue);
}
