/**
 * One entry point for solving: the model split into independent blocks (blocks.ts), each solved by the chosen
 * backend, then an independent check of its answer, then HiGHS when the answer cannot be trusted.
 * javascript-lp-solver's answer is re-solved with HiGHS when it is unverified, stopped at its node budget or the
 * wall-clock safety net, without an integral point, or claims infeasibility (its status has been wrong on small models, LIBS.md); a block larger than
 * javascript-lp-solver handles in reasonable time goes to HiGHS directly. Either is recorded so the plan can say
 * which solver produced it and why.
 */
import { settleFreeVariable, splitIntoBlocks } from './blocks.js';
import { solveTrivially, type LpModel, type LpSolution, type LpSolveOptions, type LpSolver, type LpStatus } from './lp-model.js';
import { jsLpSolver } from './solvers/jslp.js';
import { highsSolver } from './solvers/highs.js';
import { snapIntegers, verifySolution, type Verification } from './verify.js';
import { withoutImpliedRows } from './implied-rows.js';

export type SolverName = 'jslp' | 'highs';

/** What the plan reports about how it was solved. */
export interface SolverInfo {
  /** The backend asked for. */
  readonly requested: SolverName;
  /** The backend whose answer was used (HiGHS when it solved any block). */
  readonly used: SolverName;
  /** Why the requested backend's answer was replaced, when it was (one clause per block). */
  readonly fallbackReason?: string;
  readonly status: LpSolution['status'];
  readonly wallSeconds?: number;
  readonly variables: number;
  readonly rows: number;
  /** Independent blocks the model was solved as (1 when it does not split). */
  readonly blocks: number;
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
  /** Blocks above this many variables × rows skip javascript-lp-solver (default `JSLP_BLOCK_SIZE_LIMIT`). */
  readonly jslpSizeLimit?: number;
}

/**
 * Variables × rows above which a block goes straight to HiGHS when javascript-lp-solver was asked for. Its dense
 * tableau and plain branch-and-bound fall off a cliff (bench/planner.ts and subsets of the catalog, llama-3.1-70b, 4 classes): 486 × 97
 * (47k) 0.5–0.7 s and 510 × 110 (56k) 0.8 s, but 759 × 140 (106k) 18.6 s and 1,592 × 324 (516k) 60 s, where HiGHS
 * takes 3.4–4.1 s on each.
 */
export const JSLP_BLOCK_SIZE_LIMIT = 60_000;

function pointCheck(model: LpModel, sol: LpSolution, relax: boolean): { values: number[]; verification: Verification } | undefined {
  if (sol.values.length === 0) return undefined;
  const values = relax ? [...sol.values] : snapIntegers(model, sol.values);
  return { values, verification: verifySolution(model, values, { relaxed: relax }) };
}

function untrustedReason(sol: LpSolution, check: ReturnType<typeof pointCheck>): string | undefined {
  if (sol.status === 'work-limit') return sol.message ? `node limit (${sol.message})` : 'node limit';
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

interface BlockOutcome {
  readonly solution: LpSolution;
  readonly used: SolverName;
  readonly fallbackReason?: string;
}

type Backends = Record<SolverName, LpSolver>;

/**
 * HiGHS on a MILP block without its implied capacity rows (implied-rows.ts: the same feasible set and optimum, a
 * smaller matrix for every node's LP); the point is the block's (same variables). LP relaxations keep every row: their
 * optimal vertex feeds bound tightening and their duals the explanation, and among tied vertices the reduced LP may
 * pick another (they take a tenth of the MILP's time anyway).
 */
async function solveWithHighsPresolved(model: LpModel, options: SolveModelOptions, highs: LpSolver): Promise<LpSolution> {
  return highs.solve(options.relax === true ? model : withoutImpliedRows(model).model, options);
}

/** One block: the requested backend (unless the block is too large for it), verified, else HiGHS. */
async function solveBlock(model: LpModel, options: SolveModelOptions, requested: SolverName, backends: Backends): Promise<BlockOutcome> {
  const relax = options.relax === true;
  const size = model.variables.length * Math.max(1, model.rows.length);
  const limit = options.jslpSizeLimit ?? JSLP_BLOCK_SIZE_LIMIT;
  let reason: string | undefined;
  if (requested === 'jslp' && size > limit) {
    reason = `jslp skipped: ${model.variables.length} variables × ${model.rows.length} rows is above its size limit (${limit.toLocaleString('en-US')})`;
  } else {
    const first = requested === 'highs' ? await solveWithHighsPresolved(model, options, backends.highs) : await backends.jslp.solve(model, options);
    const check = pointCheck(model, first, relax);
    reason = untrustedReason(first, check);
    if (requested === 'highs' || reason === undefined) {
      const solution = check ? { ...first, values: check.values, objective: check.verification.objective } : first;
      return { solution, used: requested };
    }
    reason = `jslp ${reason}`;
    const second = await solveWithHighsPresolved(model, options, backends.highs);
    const wallSeconds = first.wallSeconds !== undefined && second.wallSeconds !== undefined ? first.wallSeconds + second.wallSeconds : second.wallSeconds;
    return { solution: { ...second, wallSeconds }, used: 'highs', fallbackReason: reason };
  }
  return { solution: await solveWithHighsPresolved(model, options, backends.highs), used: 'highs', fallbackReason: reason };
}

const STATUS_RANK: Record<LpStatus, number> = { optimal: 0, 'work-limit': 1, 'time-limit': 2, error: 3, unbounded: 4, infeasible: 5 };

/** The worst status of the blocks decides the whole (one infeasible block makes the model infeasible). */
function combineStatus(statuses: readonly LpStatus[]): LpStatus {
  return statuses.reduce<LpStatus>((worst, s) => (STATUS_RANK[s] > STATUS_RANK[worst] ? s : worst), 'optimal');
}

/** Solves block by block, verifies, and falls back to HiGHS where the default backend's answer cannot be trusted. */
export async function solveModel(model: LpModel, options: SolveModelOptions): Promise<VerifiedSolution> {
  const requested = options.solver ?? 'highs';
  const relax = options.relax === true;
  const backends: Backends = { jslp: options.backends?.jslp ?? jsLpSolver, highs: options.backends?.highs ?? highsSolver };
  const size = { variables: model.variables.length, rows: model.rows.length };
  const trivial = solveTrivially(model, requested);
  if (trivial) return { solution: trivial, info: { requested, used: requested, status: trivial.status, ...size, blocks: 0 } };
  const { blocks, free } = splitIntoBlocks(model);
  const values = new Array<number>(model.variables.length).fill(0);
  const statuses: LpStatus[] = [];
  for (const i of free) {
    const x = settleFreeVariable(model.variables[i]);
    if (typeof x === 'number') values[i] = x;
    else statuses.push(x);
  }
  let rowDuals = relax ? new Array<number>(model.rows.length).fill(0) : undefined;
  const reasons: string[] = [];
  let used: SolverName = requested;
  let wallSeconds: number | undefined = 0;
  let hasPoint = true;
  const start = options.clockMs?.();
  for (const [k, block] of blocks.entries()) {
    // The deadline is for the whole model: later blocks get what the earlier ones left (at least 1 ms).
    const spentMs = start !== undefined && options.clockMs ? options.clockMs() - start : 0;
    const out = await solveBlock(block.model, { ...options, deadlineMs: Math.max(1, options.deadlineMs - spentMs) }, requested, backends);
    statuses.push(out.solution.status);
    if (out.used !== requested) used = out.used;
    if (out.fallbackReason) reasons.push(blocks.length > 1 ? `block ${k + 1} of ${blocks.length}: ${out.fallbackReason}` : out.fallbackReason);
    wallSeconds = wallSeconds !== undefined && out.solution.wallSeconds !== undefined ? wallSeconds + out.solution.wallSeconds : undefined;
    if (out.solution.values.length === 0) hasPoint = false;
    else block.variables.forEach((v, j) => (values[v] = out.solution.values[j]));
    const blockDuals = out.solution.rowDuals;
    if (rowDuals && blockDuals) block.rows.forEach((r, j) => (rowDuals![r] = blockDuals[j]));
    else rowDuals = undefined; // duals only when every block has them
  }
  const status = combineStatus(statuses);
  const info: SolverInfo = {
    requested,
    used,
    ...(reasons.length > 0 ? { fallbackReason: reasons.join('; ') } : {}),
    status,
    ...(wallSeconds !== undefined ? { wallSeconds } : {}),
    ...size,
    blocks: blocks.length,
  };
  if (!hasPoint || (status !== 'optimal' && status !== 'work-limit' && status !== 'time-limit')) {
    return { solution: { status, values: [], objective: NaN, solver: used, wallSeconds }, info };
  }
  const check = pointCheck(model, { status, values, objective: NaN, solver: used }, relax)!;
  const solution: LpSolution = { status, values: check.values, objective: check.verification.objective, solver: used, wallSeconds, ...(rowDuals ? { rowDuals } : {}) };
  return { solution, verification: check.verification, info };
}
