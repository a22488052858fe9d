/**
 * What the MILP differentials on random instances share: a seeded instance taken to its demand table, the comparison
 * of two optima (equal feasibility, objectives within a relative tolerance), and the fleet a solution buys (the refuted
 * fleet the loop would cut if the kernel missed it).
 */
import { deriveDemand, type Demand } from '../../../planner/demand/demand.js';
import { enumeratePools } from '../../../planner/demand/pools.js';
import { resolveOptions, type ResolvedOptions } from '../../../planner/options.js';
import { randomInstance, type RandomInstance } from './random-instance.js';

/** randomInstance(seed) with its options resolved and its demand derived over every enumerated pool. */
export function randomDemand(seed: number): RandomInstance & { readonly base: ResolvedOptions; readonly demand: Demand } {
  const { request, options } = randomInstance(seed);
  const base = resolveOptions(options, request.datacenter.powerCapWatts);
  const demand = deriveDemand(request, enumeratePools(request.gpus, request.llm, request.perfModelFor, base).pools, base);
  return { request, options, base, demand };
}

/** Two optima agree: both infeasible (Infinity), or objectives within `tol` relative (absolute below 1). */
export const sameObjective = (a: number, b: number, tol = 1e-6): boolean =>
  a === Infinity || b === Infinity ? a === b : Math.abs(a - b) <= tol * Math.max(1, Math.abs(a));

/** The instances a solution buys, by pool key (pools with none left out). */
export function solvedCounts(countIndex: readonly (number | undefined)[], demand: Demand, values: readonly number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  countIndex.forEach((n, j) => {
    if (n !== undefined && Math.round(values[n]) > 0) counts[demand.pools[j].key] = Math.round(values[n]);
  });
  return counts;
}
