/**
 * Fitting multipliers on physical terms with whole groups held out: every group (a model shape, a TP degree) is left
 * out once, the others fit, and the left-out rows are predicted. The reported error is on rows the fit never saw.
 */
import { meanAbsolutePercentageError, solveLeastSquares } from '../least-squares.js';
import { evaluateLinear } from '../features.js';

export interface GroupFit {
  /** Multipliers fitted on every row (what is shipped). */
  readonly coefficients: readonly number[];
  readonly rows: number;
  /** Pooled MAPE of each row predicted by the fit that left its group out (fraction). */
  readonly heldOutMape: number;
  /** The worst group's held-out MAPE. */
  readonly worstGroupMape: number;
  readonly groups: number;
}

/** Relative, non-negative least squares of `targets` on `terms`, leave-one-group-out error. */
export function fitWithGroupHoldout<T>(items: readonly T[], terms: (item: T) => number[], target: (item: T) => number, group: (item: T) => string): GroupFit {
  if (items.length === 0) throw new Error('no rows to fit');
  const fit = (rows: readonly T[]) => solveLeastSquares(rows.map(terms), rows.map(target), { nonNegative: 'all' });
  const keys = [...new Set(items.map(group))].sort();
  const predicted: number[] = [];
  const measured: number[] = [];
  let worst = 0;
  if (keys.length > 1) {
    for (const key of keys) {
      const train = items.filter((r) => group(r) !== key);
      const test = items.filter((r) => group(r) === key);
      const c = fit(train);
      const p = test.map((r) => evaluateLinear(c, terms(r)));
      const m = test.map(target);
      predicted.push(...p);
      measured.push(...m);
      worst = Math.max(worst, meanAbsolutePercentageError(p, m));
    }
  }
  return {
    coefficients: fit(items),
    rows: items.length,
    heldOutMape: predicted.length > 0 ? meanAbsolutePercentageError(predicted, measured) : Number.NaN,
    worstGroupMape: keys.length > 1 ? worst : Number.NaN,
    groups: keys.length,
  };
}
