/**
 * Rows about the fleet's shape rather than its capacity.
 *
 * One meaning of colocated (planner/kernel/colocated.ts): under a disaggregating policy the kernel runs a colocated
 * instance as a decoder only and sends every turn-1 prefill to the prefill pool, while the MILP's colocated pool
 * prefills its own conversations. So a plan either disaggregates (prefill + decode pools, no colocated) or is all
 * colocated (checked under the colocated policy): one binary `disaggregated` with n[prefill pool] ≤ U·d and
 * n[colocated pool] ≤ U·(1 − d). The plans the kernel then checks mean what the planner assumed.
 *
 * Refuted fleets: when the kernel refutes a fleet F, the loop cuts away F and every fleet with no more instances of
 * any pool than F (less capacity of every kind does not make a missed SLO hold). Binaries z_j for F's pools,
 * n_j ≥ (F_j + 1)·z_j, and one z_new for "some pool F does not have", Σ_{k ∉ F} n_k ≥ z_new; Σ z ≥ 1. Nothing else is
 * removed: every fleet that is larger than F in some pool stays reachable.
 *
 * A refuted fleet no larger in any pool than another refuted fleet (F ≤ G, TRIM's halving leaves chains of them: G
 * minus one instance missed after G minus two did) adds nothing: every count vector that is larger than G in some pool
 * is larger than F there too. Its binaries make branch and bound slower for no change in the feasible counts, so only
 * the maximal refuted fleets get rows (`maximalRefutedFleets`). The LP relaxation is unchanged as well: with z chosen
 * best, relaxed cut G reads Σ_{k∈G} n_k/(G_k+1) + min(1, Σ_{k∉G} n_k) ≥ 1, and each term of cut F's left side is at
 * least G's (n_k/(F_k+1) ≥ n_k/(G_k+1); a pool in G but not in F counts n_k ≥ n_k/(G_k+1) towards the min, and when
 * the min is below 1 it is the plain sum). test/unit/planner/refuted-maximal.test.ts solves random instances both ways.
 */
import type { LpBuilder, LpTerm } from './lp-model.js';
import type { Pool } from '../types.js';

export type ShapeRowFamily = 'shape' | 'refuted';

export interface ShapeRowMeta {
  readonly family: ShapeRowFamily;
  readonly scale: number;
  readonly unit: string;
}

/** A fleet the kernel refuted: instances per pool key. */
export type RefutedFleet = Readonly<Record<string, number>>;

/** Adds the disaggregated-or-colocated choice when both prefill and colocated pools are on offer. */
export function addColocatedShapeRows(b: LpBuilder, meta: { push(m: ShapeRowMeta): number }, pools: readonly Pool[], countIndex: readonly (number | undefined)[], upperOf: (index: number) => number): void {
  const prefill = pools.flatMap((p, j) => (p.role === 'prefill' && countIndex[j] !== undefined ? [countIndex[j]!] : []));
  const colocated = pools.flatMap((p, j) => (p.role === 'colocated' && countIndex[j] !== undefined ? [countIndex[j]!] : []));
  if (prefill.length === 0 || colocated.length === 0) return;
  const d = b.addVariable({ name: 'disaggregated', lower: 0, upper: 1, integer: true, objective: 0 });
  for (const n of prefill) {
    b.addRow(`shape[prefill needs disaggregated][${n}]`, [{ index: n, coef: 1 }, { index: d, coef: -upperOf(n) }], -Infinity, 0);
    meta.push({ family: 'shape', scale: 1, unit: 'instances' });
  }
  for (const n of colocated) {
    b.addRow(`shape[colocated excludes disaggregated][${n}]`, [{ index: n, coef: 1 }, { index: d, coef: upperOf(n) }], -Infinity, upperOf(n));
    meta.push({ family: 'shape', scale: 1, unit: 'instances' });
  }
}

/**
 * The refuted fleets not dominated by another (see the file comment), in their first-seen order; of equal fleets the
 * first stays.
 */
export function maximalRefutedFleets(refuted: readonly RefutedFleet[]): RefutedFleet[] {
  return refuted.filter((fleet, i) => !refuted.some((other, j) => j !== i && isDominatedBy(fleet, other) && (j < i || !isDominatedBy(other, fleet))));
}

/** Cuts away each refuted fleet and every fleet it dominates (see the file comment). */
export function addRefutedFleetRows(b: LpBuilder, meta: { push(m: ShapeRowMeta): number }, pools: readonly Pool[], countIndex: readonly (number | undefined)[], refuted: readonly RefutedFleet[]): void {
  refuted.forEach((fleet, r) => {
    const any: LpTerm[] = [];
    const outside: LpTerm[] = [];
    pools.forEach((pool, j) => {
      const n = countIndex[j];
      if (n === undefined) return;
      const had = fleet[pool.key] ?? 0;
      if (had === 0) {
        outside.push({ index: n, coef: 1 });
        return;
      }
      const z = b.addVariable({ name: `refuted[${r}].more[${pool.key}]`, lower: 0, upper: 1, integer: true, objective: 0 });
      b.addRow(`refuted[${r}][${pool.key}]`, [{ index: n, coef: 1 }, { index: z, coef: -(had + 1) }], 0, Infinity);
      meta.push({ family: 'refuted', scale: 1, unit: 'instances' });
      any.push({ index: z, coef: 1 });
    });
    if (outside.length > 0) {
      const z = b.addVariable({ name: `refuted[${r}].other`, lower: 0, upper: 1, integer: true, objective: 0 });
      b.addRow(`refuted[${r}][other pools]`, [...outside, { index: z, coef: -1 }], 0, Infinity);
      meta.push({ family: 'refuted', scale: 1, unit: 'instances' });
      any.push({ index: z, coef: 1 });
    }
    b.addRow(`refuted[${r}]`, any, 1, Infinity);
    meta.push({ family: 'refuted', scale: 1, unit: 'pools' });
  });
}

/** Whether a count vector is dominated by (no larger than) a refuted fleet in every pool. */
export function isDominatedBy(counts: RefutedFleet, refuted: RefutedFleet): boolean {
  return Object.entries(counts).every(([key, n]) => n <= (refuted[key] ?? 0));
}
