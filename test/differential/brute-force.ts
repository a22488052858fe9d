/**
 * A brute-force MILP oracle: enumerate every integer assignment inside the variables' bounds (depth-first, pruned
 * only by "the integer part alone already costs more than the bound"), solve the continuous rest as an LP with
 * HiGHS, keep the best. Assumes continuous objective coefficients ≥ 0 (true of the planner's models).
 */
import type { LpModel } from '../../planner/milp/lp-model.js';
import { solveWithHighs } from '../../planner/milp/solvers/highs.js';
import { verifySolution } from '../../planner/milp/verify.js';

export interface BruteForceResult {
  readonly objective: number; // Infinity when infeasible
  readonly leaves: number;
}

/** Number of integer assignments in the box. */
export function boxSize(model: LpModel): number {
  return model.variables.reduce((acc, v) => (v.integer ? acc * (v.upper - v.lower + 1) : acc), 1);
}

/** Enumerates; `bound` (e.g. another solver's optimum + tolerance) prunes leaves whose integer cost exceeds it. */
export async function bruteForce(model: LpModel, bound = Infinity): Promise<BruteForceResult> {
  const ints = model.variables.map((v, i) => ({ v, i })).filter((x) => x.v.integer);
  if (model.variables.some((v) => !v.integer && v.objective < 0)) throw new Error('brute force needs non-negative continuous costs');
  let best = Infinity;
  let leaves = 0;
  const assign = new Array<number>(ints.length).fill(0);
  const visit = async (k: number, partial: number): Promise<void> => {
    if (partial + model.objectiveOffset > Math.min(best, bound) + 1e-9 * Math.max(1, Math.abs(best === Infinity ? bound : best))) return;
    if (k === ints.length) {
      leaves++;
      const fixed: LpModel = {
        ...model,
        variables: model.variables.map((v, i) => {
          const at = ints.findIndex((x) => x.i === i);
          return at >= 0 ? { ...v, lower: assign[at], upper: assign[at], integer: false } : v;
        }),
      };
      const sol = await solveWithHighs(fixed, { deadlineMs: 10_000, relax: true });
      if (sol.status === 'optimal' && verifySolution(model, sol.values).ok) best = Math.min(best, sol.objective);
      return;
    }
    const { v } = ints[k];
    for (let x = v.lower; x <= v.upper; x++) {
      assign[k] = x;
      await visit(k + 1, partial + v.objective * x);
    }
  };
  await visit(0, 0);
  return { objective: best, leaves };
}
