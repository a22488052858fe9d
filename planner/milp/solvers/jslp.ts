/**
 * javascript-lp-solver behind `LpSolver`. The library's only limit is a `timeout` it compares with `Date.now()` once
 * per branch-and-bound node, which would make the answer depend on machine speed. So while it runs, `Date.now` is a
 * node counter (one tick per call: one when the search starts, one per node): its `timeout` becomes a node budget,
 * the same on any machine. A search stopped there reports `work-limit` (solve.ts then asks HiGHS). The real clock is
 * only the safety net: models above a size bound run in a worker thread that is terminated at the wall-clock
 * deadline (a pure LP, or one slow node, can run far past any deadline: >45 s measured at 1000×500, LIBS.md); small
 * ones (where the measured cold solve is tens of milliseconds) run inline to avoid the ~40 ms worker start. When the
 * search stops early the library returns the fractional relaxation with `feasible: true`; we accept only
 * `isIntegral === true` and leave the constraint re-check to verify.ts.
 */
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import * as jslpModule from 'javascript-lp-solver';
import { DEFAULT_MAX_NODES, evaluateObjective, solveTrivially, type LpModel, type LpSolution, type LpSolveOptions, type LpSolver } from '../lp-model.js';
import { findImpliedUpperBounds } from './implied-bounds.js';

interface JsLpModel {
  optimize: string;
  opType: 'min';
  constraints: Record<string, { min?: number; max?: number }>;
  variables: Record<string, Record<string, number>>;
  ints: Record<string, 1>;
  options: { timeout: number; tolerance: number };
}
type JsLpResult = { feasible: boolean; bounded?: boolean; isIntegral?: boolean; result: number } & Record<string, unknown>;
type JsLpApi = { Solve(model: JsLpModel): unknown };

// The package's .d.ts masquerades as CJS while the ESM default is the real object (LIBS.md): `(m.default ?? m)`.
const jslp: JsLpApi = ((jslpModule as unknown as { default?: JsLpApi }).default ?? (jslpModule as unknown as JsLpApi));

/** Models with more variables × rows than this run in a killable worker (200×100 measured ≤ 0.5 s inline). */
export const INLINE_SIZE_LIMIT = 20_000;

/** The node budget for a solve: the caller's `maxNodes`, else DEFAULT_MAX_NODES. */
function nodeBudget(options: LpSolveOptions): number {
  return Math.max(1, Math.floor(options.maxNodes ?? DEFAULT_MAX_NODES));
}

/**
 * Runs `solve` with `Date.now` counting calls instead of reading the clock (see the file comment); returns the result
 * and whether the budget stopped the search (the counter reached the library's terminal time, `budget`).
 */
export function withNodeClock<T>(budget: number, solve: () => T): { result: T; stopped: boolean } {
  const realNow = Date.now;
  let ticks = 0;
  Date.now = () => ticks++;
  try {
    const result = solve();
    // The first call set the terminal time to `budget`; a call that returned ≥ budget ended the loop.
    return { result, stopped: ticks > budget };
  } finally {
    Date.now = realNow;
  }
}

/** Translates the neutral model; bounds become rows (the library has no variable bounds) unless a row implies them. */
export function toJsLpModel(model: LpModel, options: LpSolveOptions): JsLpModel {
  const constraints: JsLpModel['constraints'] = {};
  const variables: JsLpModel['variables'] = {};
  const ints: JsLpModel['ints'] = {};
  const implied = findImpliedUpperBounds(model);
  model.variables.forEach((v, i) => {
    const coefs: Record<string, number> = { obj: v.objective };
    if (v.lower > 0) {
      coefs[`l${i}`] = 1;
      constraints[`l${i}`] = { min: v.lower };
    }
    if (Number.isFinite(v.upper) && !implied[i]) {
      coefs[`u${i}`] = 1;
      constraints[`u${i}`] = { max: v.upper };
    }
    variables[`v${i}`] = coefs;
    if (v.integer && !options.relax) ints[`v${i}`] = 1;
  });
  model.rows.forEach((row, r) => {
    const bound: { min?: number; max?: number } = {};
    if (Number.isFinite(row.lower)) bound.min = row.lower;
    if (Number.isFinite(row.upper)) bound.max = row.upper;
    constraints[`r${r}`] = bound;
    for (const t of row.terms) variables[`v${t.index}`][`r${r}`] = t.coef;
  });
  // `timeout` is read against the node counter (withNodeClock), so it is a node budget.
  return { optimize: 'obj', opType: 'min', constraints, variables, ints, options: { timeout: nodeBudget(options), tolerance: 0 } };
}

// The worker counts nodes as withNodeClock does (its Date.now is its own).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const m = require(workerData.modulePath);
const solver = m.default ?? m;
let ticks = 0;
Date.now = () => ticks++;
const result = solver.Solve(workerData.model);
parentPort.postMessage({ result, stopped: ticks > workerData.model.options.timeout });
`;

/** Runs the solve in a worker, terminated at the wall-clock deadline (resolves undefined when stopped). */
function solveInWorker(model: JsLpModel, deadlineMs: number): Promise<{ result: JsLpResult; stopped: boolean } | undefined> {
  const modulePath = createRequire(import.meta.url).resolve('javascript-lp-solver');
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { model, modulePath } });
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve(undefined);
    }, deadlineMs);
    worker.once('message', (result: { result: JsLpResult; stopped: boolean }) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export interface JsLpOptions {
  /** 'auto' (inline below INLINE_SIZE_LIMIT), or force one placement (tests, bench). */
  readonly isolation?: 'auto' | 'inline' | 'worker';
}

/** Solves with javascript-lp-solver; see the file comment for where it runs and why. */
export async function solveWithJsLp(model: LpModel, options: LpSolveOptions, jsOptions: JsLpOptions = {}): Promise<LpSolution> {
  if (model.variables.some((v) => v.lower < 0)) {
    // Free or negative variables give wrong answers in this library (LIBS.md): refuse rather than guess.
    return { status: 'error', values: [], objective: NaN, solver: 'jslp', message: 'negative lower bound not supported' };
  }
  const trivial = solveTrivially(model, 'jslp');
  if (trivial) return trivial;
  const translated = toJsLpModel(model, options);
  const size = model.variables.length * Math.max(1, model.rows.length);
  const isolation = jsOptions.isolation ?? 'auto';
  const useWorker = isolation === 'worker' || (isolation === 'auto' && size > INLINE_SIZE_LIMIT);
  const start = options.clockMs?.();
  const out = useWorker ? await solveInWorker(translated, options.deadlineMs) : withNodeClock(translated.options.timeout, () => jslp.Solve(translated) as JsLpResult);
  const wallSeconds = start !== undefined && options.clockMs ? (options.clockMs() - start) / 1000 : undefined;
  if (out === undefined) return { status: 'time-limit', values: [], objective: NaN, solver: 'jslp', wallSeconds, message: 'worker stopped at the wall-clock deadline' };
  const raw = out.result;
  if (out.stopped && raw.isIntegral !== true) {
    return { status: 'work-limit', values: [], objective: NaN, solver: 'jslp', wallSeconds, message: `no integral point within ${translated.options.timeout} nodes` };
  }
  if (!raw.feasible) return { status: 'infeasible', values: [], objective: NaN, solver: 'jslp', wallSeconds };
  if (raw.bounded === false) return { status: 'unbounded', values: [], objective: NaN, solver: 'jslp', wallSeconds };
  const values = model.variables.map((_, i) => {
    const x = raw[`v${i}`];
    return typeof x === 'number' ? x : 0;
  });
  const isMilp = !options.relax && model.variables.some((v) => v.integer);
  if (isMilp && raw.isIntegral !== true) return { status: 'error', values: [], objective: NaN, solver: 'jslp', wallSeconds, message: 'no integral solution reported' };
  const status = out.stopped ? 'work-limit' : 'optimal';
  return { status, values, objective: evaluateObjective(model, values), solver: 'jslp', wallSeconds, ...(out.stopped ? { message: `node budget of ${translated.options.timeout} reached` } : {}) };
}

/** The javascript-lp-solver backend with automatic placement. */
export const jsLpSolver: LpSolver = { name: 'jslp', solve: (model, options) => solveWithJsLp(model, options) };
