/**
 * Capacity rows implied by another row of the same pool, left out of the model HiGHS solves. Every pool's capacity row
 * reads Σ a_i·x_i ≤ f·n (load of the shares routed there against f instances' worth, formulate.ts): with x ≥ 0, a row
 * whose coefficients, divided by its f, are termwise no larger than another row's over the same count n holds
 * whenever that row does, for every real x ≥ 0 and n ≥ 0 — not only at integer points. The catalog-wide models have
 * many: a decode pool's KV-transfer row (ingress) is a fraction of its decode row, a prefill pool's egress row of its
 * prefill row, and often its KV row too (the README command's first MILP: 211 of 408 rows). So the feasible set, the LP
 * relaxation and the MILP's optimum are the same without them, and HiGHS's simplex and branch and bound work on a
 * smaller matrix (measured there: 0.6–0.7 s → 0.3–0.4 s per warm solve).
 *
 * The answer is still checked against the whole model (solve.ts verifies every point). Only MILPs are solved reduced
 * (solve.ts says why LP relaxations are not).
 */
import type { LpModel } from './lp-model.js';

interface CapacityRow {
  readonly row: number;
  readonly count: number;
  /** Share coefficients divided by the row's f, by variable index. */
  readonly load: ReadonlyMap<number, number>;
}

/** Row `r` as Σ a·x ≤ f·n (x continuous, lower bound ≥ 0, a ≥ 0; n the one integer, lower bound ≥ 0), else undefined. */
function capacityForm(model: LpModel, r: number): CapacityRow | undefined {
  const row = model.rows[r];
  if (row.upper !== 0 || row.lower !== -Infinity) return undefined;
  let count: number | undefined;
  let f = 0;
  const raw: Array<[number, number]> = [];
  for (const t of row.terms) {
    const v = model.variables[t.index];
    if (v.integer && t.coef < 0 && count === undefined) {
      count = t.index;
      f = -t.coef;
    } else if (!v.integer && t.coef > 0 && v.lower >= 0) raw.push([t.index, t.coef]);
    else return undefined;
  }
  if (count === undefined || model.variables[count].lower < 0) return undefined;
  return { row: r, count, load: new Map(raw.map(([i, a]) => [i, a / f])) };
}

/** Whether row `a` holds whenever row `b` does: same count, every load of a present in b and no larger. */
function impliedBy(a: CapacityRow, b: CapacityRow): boolean {
  if (a.count !== b.count) return false;
  for (const [i, load] of a.load) {
    const other = b.load.get(i);
    if (other === undefined || load > other) return false;
  }
  return true;
}

/**
 * The model without implied capacity rows, and the original index of each row kept (in order). Of two rows that imply
 * each other (equal after scaling) the first stays; a chain of implications ends at a kept row.
 */
export function withoutImpliedRows(model: LpModel): { readonly model: LpModel; readonly keptRows: readonly number[] } {
  const byCount = new Map<number, CapacityRow[]>();
  model.rows.forEach((_, r) => {
    const c = capacityForm(model, r);
    if (c) byCount.set(c.count, [...(byCount.get(c.count) ?? []), c]);
  });
  const dropped = new Set<number>();
  for (const rows of byCount.values()) {
    for (const a of rows) {
      if (rows.some((b) => b !== a && impliedBy(a, b) && (b.row < a.row || !impliedBy(b, a)))) dropped.add(a.row);
    }
  }
  if (dropped.size === 0) return { model, keptRows: model.rows.map((_, r) => r) };
  const keptRows = model.rows.flatMap((_, r) => (dropped.has(r) ? [] : [r]));
  return { model: { ...model, rows: keptRows.map((r) => model.rows[r]) }, keptRows };
}
