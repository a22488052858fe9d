/**
 * The fleet's shape as separate MILPs. Under a disaggregating check policy a plan either disaggregates (prefill and
 * decode pools) or is all colocated (colocated and decode pools; fleet-shape-rows.ts). In one MILP that choice is a
 * binary d with rows n ≤ U·d and n ≤ U·(1 − d), whose LP relaxation is weak: d = 0.4 lets both shapes in at once,
 * and the branch-and-bound root spends its time there. Fixing d gives two MILPs, each without the binary and its rows
 * and each with the other shape's pools left out; the model's optimum is the smaller of their optima, and a shape
 * whose LP relaxation is no cheaper than a plan already found needs no MILP at all (plan.ts). Measured on the
 * catalog-wide model (bench/planner.ts, 4,860 columns): the one MILP 11 s CPU; the disaggregated shape 3.4 s and the
 * colocated one settled by its LP bound (2.37 M vs the plan's 2.20 M).
 */
import type { Demand } from '../demand/demand.js';
import { CHECK_POLICY, type ResolvedOptions } from '../options.js';
import { colocatedPrefillsTurnOne } from '../kernel/colocated.js';
import type { Role } from '../../catalogs/types.js';

export type FleetShape = 'disaggregated' | 'colocated' | 'any';

export interface ShapeCase {
  readonly shape: FleetShape;
  /** The demand with the other shape's pools left out (the whole demand for 'any'). */
  readonly demand: Demand;
}

/** The demand restricted to pools of the given roles (entries, facts and pools filtered alike). */
function withRoles(demand: Demand, roles: readonly Role[]): Demand {
  const kept = demand.pools.flatMap((pool, j) => (roles.includes(pool.role) ? [j] : []));
  return { ...demand, pools: kept.map((j) => demand.pools[j]), facts: kept.map((j) => demand.facts[j]), entries: demand.entries.map((row) => kept.map((j) => row[j])) };
}

function serves(demand: Demand, role: Role): boolean {
  return demand.pools.some((pool, j) => pool.role === role && demand.entries.some((row) => row[j].eligible));
}

/**
 * The shapes to solve: both when prefill and colocated pools are on offer under a policy that runs colocated
 * instances as decoders only (else the one model, 'any'). A shape that leaves out a pool the options fix at a positive
 * count is dropped: it has no fleet with that count.
 */
export function shapeCases(demand: Demand, options: Pick<ResolvedOptions, 'fixedCounts'>): ShapeCase[] {
  if (colocatedPrefillsTurnOne(CHECK_POLICY) || !serves(demand, 'prefill') || !serves(demand, 'colocated')) return [{ shape: 'any', demand }];
  const cases: ShapeCase[] = [
    { shape: 'disaggregated', demand: withRoles(demand, ['prefill', 'decode']) },
    { shape: 'colocated', demand: withRoles(demand, ['colocated', 'decode']) },
  ];
  const fixed = Object.entries(options.fixedCounts ?? {}).flatMap(([key, n]) => (n > 0 ? [key] : []));
  return cases.filter((c) => fixed.every((key) => c.demand.pools.some((p) => p.key === key) || !demand.pools.some((p) => p.key === key)));
}
