/**
 * Solving the planning MILP shape by shape (shape-cases.ts): each shape's LP relaxation first (always HiGHS: it has
 * duals), then the MILPs cheapest LP bound first; a shape whose LP bound is no lower than the best plan found so far
 * cannot beat it, so its MILP is skipped. The answer is the cheapest verified plan over the shapes, ties to the shape
 * solved first. Pure: no I/O, the clock only through the options.
 */
import type { Demand } from '../demand/demand.js';
import type { ResolvedOptions } from '../options.js';
import { formulatePlan, type Formulation } from './formulate.js';
import { relaxModel } from './lp-model.js';
import { shapeCases, type FleetShape } from './shape-cases.js';
import { solveModel, type VerifiedSolution } from './solve.js';
import { tightenBounds } from './bounds.js';
import { verifySolution } from './verify.js';

/** One shape's formulation and LP relaxation. */
export interface ShapeSolve {
  readonly shape: FleetShape;
  readonly demand: Demand;
  readonly form: Formulation;
  readonly relaxed: VerifiedSolution;
  /** The LP relaxation's objective when its point passed verification (a lower bound on this shape's plans). */
  readonly lpBound?: number;
  /** The MILP's answer, when it was solved. */
  readonly solved?: VerifiedSolution;
}

export interface ShapesOutcome {
  /** Every shape, in the order their MILPs were considered. */
  readonly shapes: readonly ShapeSolve[];
  /** The shape whose verified plan is cheapest, if any. */
  readonly best?: ShapeSolve & { readonly solved: VerifiedSolution };
  /** The LP relaxation bound over all shapes (the smallest), when every shape's LP was verified or infeasible. */
  readonly lpRelaxationObjective?: number;
}

function verified(s: ShapeSolve): s is ShapeSolve & { solved: VerifiedSolution } {
  return s.solved !== undefined && s.solved.verification?.ok === true && verifySolution(s.form.model, s.solved.solution.values).ok;
}

/** Formulates, relaxes and solves every shape (see the file comment). */
export async function solveShapes(demand: Demand, options: ResolvedOptions): Promise<ShapesOutcome> {
  const solveOptions = { solver: options.solver, deadlineMs: options.deadlineMs, maxNodes: options.maxNodes, mipRelGap: options.mipRelGap, clockMs: options.clockMs };
  const cases = shapeCases(demand, options);
  const relaxedShapes: ShapeSolve[] = [];
  for (const c of cases.length > 0 ? cases : [{ shape: 'any' as const, demand }]) {
    const form = formulatePlan(c.demand, options);
    const relaxed = await solveModel(relaxModel(form.model), { ...solveOptions, solver: 'highs', relax: true });
    const lpBound = relaxed.verification?.ok === true ? relaxed.solution.objective : undefined;
    relaxedShapes.push({ shape: c.shape, demand: c.demand, form, relaxed, ...(lpBound !== undefined ? { lpBound } : {}) });
  }
  // Cheapest LP bound first (a shape without a verified bound last, an infeasible one not at all); ties keep case order.
  const rank = (s: ShapeSolve) => (s.lpBound ?? Infinity);
  const order = relaxedShapes.map((s, i) => [s, i] as const).filter(([s]) => s.relaxed.solution.status !== 'infeasible').sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j).map(([s]) => s);
  const shapes: ShapeSolve[] = [];
  let best: (ShapeSolve & { solved: VerifiedSolution }) | undefined;
  for (const s of order) {
    if (best && s.lpBound !== undefined && s.lpBound >= best.solved.solution.objective) {
      shapes.push(s);
      continue;
    }
    const model = s.lpBound !== undefined ? tightenBounds(s.form.model, s.relaxed.solution.values).model : s.form.model;
    const done: ShapeSolve = { ...s, solved: await solveModel(model, solveOptions) };
    shapes.push(done);
    if (verified(done) && (!best || done.solved.solution.objective < best.solved.solution.objective)) best = done;
  }
  // Shapes whose LP was infeasible come last, unsolved (they say why when no shape has a plan).
  for (const s of relaxedShapes) if (!shapes.includes(s) && s.relaxed.solution.status === 'infeasible') shapes.push(s);
  const bounds = relaxedShapes.map((s) => (s.relaxed.solution.status === 'infeasible' ? Infinity : s.lpBound));
  const lpRelaxationObjective = bounds.every((b) => b !== undefined) && bounds.some((b) => Number.isFinite(b)) ? Math.min(...(bounds as number[])) : undefined;
  return { shapes, ...(best ? { best } : {}), ...(lpRelaxationObjective !== undefined ? { lpRelaxationObjective } : {}) };
}
