/**
 * Independent verification of a solver's answer: every bound, every row and integrality recomputed from the model,
 * with tolerances scaled to the row's size. javascript-lp-solver has been measured returning fractional "integer"
 * points with `feasible: true` (LIBS.md), and rounds its output to 1e-9, so nothing is accepted unchecked.
 */
import { evaluateObjective, type LpModel } from './lp-model.js';

export interface Violation {
  readonly kind: 'bound' | 'row' | 'integrality' | 'not-finite';
  readonly name: string;
  /** How far outside, in the row's or variable's own unit. */
  readonly amount: number;
}

export interface Verification {
  readonly ok: boolean;
  readonly violations: readonly Violation[];
  /** Objective recomputed from the point (offset included). */
  readonly objective: number;
}

export interface VerifyOptions {
  /** Relative feasibility tolerance (scaled by max(1, |bound|, Σ|coef·x|)). Default 1e-6. */
  readonly feasibilityTolerance?: number;
  /** Absolute integrality tolerance. Default 1e-6. */
  readonly integralityTolerance?: number;
  /** Skip integrality (checking an LP relaxation's point). */
  readonly relaxed?: boolean;
}

/** Checks `values` against the model; violations are listed, worst first. */
export function verifySolution(model: LpModel, values: readonly number[], options: VerifyOptions = {}): Verification {
  const tol = options.feasibilityTolerance ?? 1e-6;
  const intTol = options.integralityTolerance ?? 1e-6;
  const violations: Violation[] = [];
  if (values.length !== model.variables.length) {
    return { ok: false, violations: [{ kind: 'not-finite', name: 'length', amount: Math.abs(values.length - model.variables.length) }], objective: NaN };
  }
  model.variables.forEach((v, i) => {
    const x = values[i];
    if (!Number.isFinite(x)) {
      violations.push({ kind: 'not-finite', name: v.name, amount: Infinity });
      return;
    }
    const scale = Math.max(1, Math.abs(x));
    if (x < v.lower - tol * scale) violations.push({ kind: 'bound', name: v.name, amount: v.lower - x });
    if (x > v.upper + tol * scale) violations.push({ kind: 'bound', name: v.name, amount: x - v.upper });
    if (v.integer && !options.relaxed && Math.abs(x - Math.round(x)) > intTol) {
      violations.push({ kind: 'integrality', name: v.name, amount: Math.abs(x - Math.round(x)) });
    }
  });
  for (const row of model.rows) {
    let activity = 0;
    let magnitude = 0;
    for (const t of row.terms) {
      activity += t.coef * values[t.index];
      magnitude += Math.abs(t.coef * values[t.index]);
    }
    const bound = Math.max(Number.isFinite(row.lower) ? Math.abs(row.lower) : 0, Number.isFinite(row.upper) ? Math.abs(row.upper) : 0);
    const scale = Math.max(1, magnitude, bound);
    if (activity < row.lower - tol * scale) violations.push({ kind: 'row', name: row.name, amount: row.lower - activity });
    if (activity > row.upper + tol * scale) violations.push({ kind: 'row', name: row.name, amount: activity - row.upper });
  }
  violations.sort((a, b) => b.amount - a.amount);
  return { ok: violations.length === 0, violations, objective: evaluateObjective(model, values) };
}

/** Rounds integer variables that are within tolerance of an integer (removes solver noise such as 2.9999999997). */
export function snapIntegers(model: LpModel, values: readonly number[], tolerance = 1e-6): number[] {
  return values.map((x, i) => (model.variables[i].integer && Math.abs(x - Math.round(x)) <= tolerance ? Math.round(x) : x));
}
