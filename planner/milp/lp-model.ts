/**
 * A solver-neutral linear model: variables with bounds, integrality and an objective coefficient; rows
 * `lower ≤ Σ coef·x ≤ upper`. Both solver backends translate this one structure, and `verify.ts` checks any answer
 * against it, so no solver is trusted about its own feasibility.
 */

/** One decision variable (always minimised; `upper` may be Infinity). */
export interface LpVariable {
  readonly name: string;
  readonly lower: number;
  readonly upper: number;
  readonly integer: boolean;
  readonly objective: number;
}

/** One sparse term of a row. */
export interface LpTerm {
  readonly index: number;
  readonly coef: number;
}

/** A row `lower ≤ Σ terms ≤ upper`; -Infinity / Infinity for a missing side. */
export interface LpRow {
  readonly name: string;
  readonly terms: readonly LpTerm[];
  readonly lower: number;
  readonly upper: number;
}

/** A minimisation model. `objectiveOffset` is added to the objective value (constant terms). */
export interface LpModel {
  readonly variables: readonly LpVariable[];
  readonly rows: readonly LpRow[];
  readonly objectiveOffset: number;
}

/**
 * `work-limit`: stopped at the deterministic node budget (`maxNodes`) with a point that may not be optimal — the same
 * point on any machine. `time-limit`: stopped by the wall-clock safety net (`deadlineMs`) — machine-dependent.
 */
export type LpStatus = 'optimal' | 'infeasible' | 'unbounded' | 'work-limit' | 'time-limit' | 'error';

/** What a backend returns; `values` is empty unless a primal point exists. */
export interface LpSolution {
  readonly status: LpStatus;
  readonly values: readonly number[];
  /** Objective including the offset; NaN when there is no point. */
  readonly objective: number;
  /** Row duals (∂objective/∂row bound) when the backend has them for a pure LP. */
  readonly rowDuals?: readonly number[];
  readonly solver: 'jslp' | 'highs';
  /** Wall seconds when the caller injected a clock, else the solver's own run time when it reports one. */
  readonly wallSeconds?: number;
  readonly message?: string;
}

export interface LpSolveOptions {
  /**
   * Wall-clock safety net; a backend stops (or is stopped) after it and reports `time-limit`. What a MILP answers must
   * not depend on it (a loaded machine would get another plan): `maxNodes` is the limit meant to bind.
   */
  readonly deadlineMs: number;
  /**
   * Branch-and-bound nodes a MILP may explore (default DEFAULT_MAX_NODES): a count of work, so the answer is the same
   * on a fast machine and a loaded one. At the limit the best integer point found is returned as `work-limit`.
   */
  readonly maxNodes?: number;
  /** Relative MIP gap at which a MILP is accepted as optimal (HiGHS `mip_rel_gap`). Default 1e-9. */
  readonly mipRelGap?: number;
  /** Solve the LP relaxation (integrality dropped). */
  readonly relax?: boolean;
  /** Monotonic clock in milliseconds for measuring wall time (the core reads no clock by itself). */
  readonly clockMs?: () => number;
}

/**
 * Branch-and-bound nodes per MILP solve when the caller gives none. The catalog-wide model (1,186 columns × 695 rows,
 * bench/planner.ts) proves optimality in 35 HiGHS nodes; the budget leaves room for harder cells while bounding a
 * runaway search by work, not by the clock.
 */
export const DEFAULT_MAX_NODES = 5_000;

/** The interface both backends implement. */
export interface LpSolver {
  readonly name: 'jslp' | 'highs';
  solve(model: LpModel, options: LpSolveOptions): Promise<LpSolution>;
}

/** Builds a model incrementally by name. */
export class LpBuilder {
  private readonly vars: LpVariable[] = [];
  private readonly rowList: LpRow[] = [];
  private readonly byName = new Map<string, number>();
  offset = 0;

  /** Adds a variable and returns its index; names must be unique. */
  addVariable(v: LpVariable): number {
    if (this.byName.has(v.name)) throw new Error(`Duplicate LP variable "${v.name}"`);
    this.byName.set(v.name, this.vars.length);
    this.vars.push(v);
    return this.vars.length - 1;
  }

  /** Adds a row; zero coefficients are dropped and duplicate indices summed. */
  addRow(name: string, terms: readonly LpTerm[], lower: number, upper: number): void {
    const merged = new Map<number, number>();
    for (const t of terms) {
      if (!Number.isFinite(t.coef)) throw new Error(`Non-finite coefficient in LP row "${name}"`);
      merged.set(t.index, (merged.get(t.index) ?? 0) + t.coef);
    }
    const clean = [...merged].filter(([, c]) => c !== 0).map(([index, coef]) => ({ index, coef }));
    clean.sort((a, b) => a.index - b.index);
    this.rowList.push({ name, terms: clean, lower, upper });
  }

  indexOf(name: string): number | undefined {
    return this.byName.get(name);
  }

  build(): LpModel {
    return { variables: [...this.vars], rows: [...this.rowList], objectiveOffset: this.offset };
  }
}

/** The same model with integrality dropped (the LP relaxation). */
export function relaxModel(model: LpModel): LpModel {
  return { ...model, variables: model.variables.map((v) => ({ ...v, integer: false })) };
}

/** Objective value of a point (offset included). */
export function evaluateObjective(model: LpModel, values: readonly number[]): number {
  let sum = model.objectiveOffset;
  model.variables.forEach((v, i) => {
    sum += v.objective * values[i];
  });
  return sum;
}

/**
 * Decides models that need no solver: a row without terms whose bounds exclude 0 is infeasible, and a model
 * without variables is otherwise optimal at its offset. HiGHS reports such models as errors ("empty model").
 */
export function solveTrivially(model: LpModel, solver: 'jslp' | 'highs'): LpSolution | undefined {
  for (const row of model.rows) {
    if (row.terms.length === 0 && (row.lower > 0 || row.upper < 0)) return { status: 'infeasible', values: [], objective: NaN, solver, message: `empty row ${row.name}` };
  }
  if (model.variables.length === 0) return { status: 'optimal', values: [], objective: model.objectiveOffset, solver };
  return undefined;
}
