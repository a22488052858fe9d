/**
 * One entry point for solving: the chosen backend, then an independent check of its answer, then HiGHS when the
 * answer cannot be trusted. javascript-lp-solver's answer is re-solved with HiGHS when it is unverified, past its
 * deadline, without an integral point, or claims infeasibility (its status has been wrong on small models, LIBS.md);
 * the re-solve is recorded so the plan can say which solver produced it and why.
 */
import type { LpModel, LpSolution, LpSolveOptions, LpSolver } from './lp-model.js';
import { jsLpSolver } from './solvers/jslp.js';
import { highsSolver } from './solvers/highs.js';
import { snapIntegers, verifySolution, type Verification } from './verify.js';

export type SolverName = 'jslp' | 'highs';

/** What the plan reports about how it was solved. */
export interface SolverInfo {
  /** The backend asked for. */
  readonly requested: SolverName;
  /** The backend whose answer was used. */
  readonly used: SolverName;
  /** Why the requested backend's answer was replaced, when it was. */
  readonly fallbackReason?: string;
  readonly status: LpSolution['status'];
  readonly wallSeconds?: number;
  readonly variables: number;
  readonly rows: number;
}

export interface VerifiedSolution {
  readonly solution: LpSolution;
  /** Present when a point exists; `ok` says it passed the independent check. */
  readonly verification?: Verification;
  readonly info: SolverInfo;
}

export interface SolveModelOptions extends LpSolveOptions {
  readonly solver?: SolverName;
  /** Override the backends (tests inject failing solvers to exercise the fallback). */
  readonly backends?: Partial<Record<SolverName, LpSolver>>;
}

function pointCheck(model: LpModel, sol: LpSolution, relax: boolean): { values: number[]; verification: Verification } | undefined {
  if (sol.values.length === 0) return undefined;
  const values = relax ? [...sol.values] : snapIntegers(model, sol.values);
  return { values, verification: verifySolution(model, values, { relaxed: relax }) };
}

function untrustedReason(sol: LpSolution, check: ReturnType<typeof pointCheck>): string | undefined {
  if (sol.status === 'time-limit') return sol.message ? `time limit (${sol.message})` : 'time limit';
  if (sol.status === 'error') return `solver error${sol.message ? `: ${sol.message}` : ''}`;
  if (sol.status === 'infeasible') return 'reported infeasible (confirmed independently)';
  if (sol.status === 'unbounded') return 'reported unbounded (confirmed independently)';
  if (!check || !check.verification.ok) {
    const v = check?.verification.violations[0];
    return v ? `failed verification: ${v.kind} ${v.name} off by ${v.amount.toPrecision(3)}` : 'no point returned';
  }
  return undefined;
}

/** Solves, verifies, and falls back to HiGHS when the default backend's answer cannot be trusted. */
export async function solveModel(model: LpModel, options: SolveModelOptions): Promise<VerifiedSolution> {
  const requested = options.solver ?? 'highs';
  const relax = options.relax === true;
  const backends = { jslp: options.backends?.jslp ?? jsLpSolver, highs: options.backends?.highs ?? highsSolver };
  const size = { variables: model.variables.length, rows: model.rows.length };
  const first = await backends[requested].solve(model, options);
  const firstCheck = pointCheck(model, first, relax);
  const reason = untrustedReason(first, firstCheck);
  if (requested === 'highs' || reason === undefined) {
    const solution = firstCheck ? { ...first, values: firstCheck.values, objective: firstCheck.verification.objective } : first;
    const info: SolverInfo = { requested, used: requested, status: first.status, wallSeconds: first.wallSeconds, ...size };
    return { solution, verification: firstCheck?.verification, info };
  }
  const second = await backends.highs.solve(model, options);
  const secondCheck = pointCheck(model, second, relax);
  const solution = secondCheck ? { ...second, values: secondCheck.values, objective: secondCheck.verification.objective } : second;
  const wallSeconds = first.wallSeconds !== undefined && second.wallSeconds !== undefined ? first.wallSeconds + second.wallSeconds : second.wallSeconds;
  const info: SolverInfo = { requested, used: 'highs', fallbackReason: `jslp ${reason}`, status: second.status, wallSeconds, ...size };
  return { solution, verification: secondCheck?.verification, info };
}
