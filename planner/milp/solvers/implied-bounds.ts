/**
 * Upper bounds a row already enforces. javascript-lp-solver has no variable bounds, so every finite bound becomes a
 * tableau row; the planner's routing shares carry `x ≤ 1` while their routing row says Σx = 1 over non-negative
 * shares, which makes those rows pure dead weight (hundreds on the catalog-wide model, and a dense tableau pays for
 * every one on every pivot: bench/planner.ts went from 1.2 s to 0.6 s without them).
 */
import type { LpModel } from '../lp-model.js';

/**
 * For each variable, whether some row with a finite upper side, only positive coefficients and only variables whose
 * lower bound is ≥ 0 already keeps it at or below its upper bound: a·x_j ≤ U − Σ_{k≠j} a_k·lower_k.
 */
export function findImpliedUpperBounds(model: LpModel): boolean[] {
  const implied = new Array<boolean>(model.variables.length).fill(false);
  for (const row of model.rows) {
    if (!Number.isFinite(row.upper) || row.terms.length === 0) continue;
    if (row.terms.some((t) => !(t.coef > 0) || !(model.variables[t.index].lower >= 0))) continue;
    let floorActivity = 0;
    for (const t of row.terms) floorActivity += t.coef * model.variables[t.index].lower;
    for (const t of row.terms) {
      const v = model.variables[t.index];
      if (implied[t.index] || !Number.isFinite(v.upper)) continue;
      const reach = (row.upper - (floorActivity - t.coef * v.lower)) / t.coef;
      // A tiny margin so a bound equal to the row's reach (x ≤ 1 under Σx = 1) counts as implied despite rounding.
      if (reach <= v.upper * (1 + 1e-12) + 1e-12) implied[t.index] = true;
    }
  }
  return implied;
}
