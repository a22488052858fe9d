/**
 * HiGHS (WebAssembly, npm `highs`) behind `LpSolver`. The model is passed as CSC arrays through the persistent API,
 * never as LP text (malformed LP text is silently accepted: LIBS.md). Always `mip_max_nodes` (the limit meant to bind:
 * HiGHS is deterministic, so a node count gives the same answer on any machine), `time_limit` (the wall-clock safety
 * net), `mip_rel_gap`, `output_flag: false` and `HIGHS_MIP_HEURISTICS`; every native model is disposed in `finally`.
 */
import * as highsModule from 'highs';
import type { Highs } from 'highs';
import { DEFAULT_MAX_NODES, solveTrivially, type LpModel, type LpSolution, type LpSolveOptions, type LpSolver, type LpStatus } from '../lp-model.js';

type Loader = (options?: object) => Promise<Highs>;
// The .d.ts masquerades as CJS while the ESM default export is the real loader (LIBS.md): the `(m.default ?? m)` shim.
const loadHighs: Loader = ((highsModule as unknown as { default?: Loader }).default ?? (highsModule as unknown as Loader));

let runtime: Promise<Highs> | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * Instantiate this thread's HiGHS runtime from `module` (compiled once, possibly on another thread) instead of letting
 * the loader compile its own copy. V8 keeps a module's optimised (TurboFan-tiered) code with the module, so threads
 * that instantiate one module share it: a warm-up solve on a worker thread (bench/highs-warmup.ts) leaves this thread's
 * first real MILP running on optimised code. Results do not change (the same code, only compiled further). False when
 * this thread's runtime was already loaded (then the call does nothing).
 */
export function useHighsModule(module: Promise<WebAssembly.Module>): boolean {
  if (runtime) return false;
  compiled = module;
  return true;
}

/** Instantiates `module` through the Emscripten loader's `instantiateWasm` hook (highs 1.15.3 supports it). */
function loadFromModule(module: WebAssembly.Module): Promise<Highs> {
  // The loader awaits `receive` and has no failure callback: a failed instantiation rejects through the outer promise.
  return new Promise((resolve, reject) => {
    const instantiateWasm = (imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
      WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module), reject);
      return {};
    };
    loadHighs({ instantiateWasm }).then(resolve, reject);
  });
}

/** The shared HiGHS runtime, loaded once per thread (~40 ms), from the module given to `useHighsModule` if any. */
export function getHighs(): Promise<Highs> {
  // A module that failed to compile (an unreadable file, say) leaves the loader to compile its own, as without one.
  runtime ??= compiled ? compiled.then(loadFromModule, () => loadHighs()) : loadHighs();
  return runtime;
}

/**
 * HiGHS model status codes (types.d.ts ModelStatusCode) mapped to ours: 16 (the node limit; the only solution-count
 * limit we set) and 14 (iteration limit) are counts of work, 13 (time limit) and 17 (interrupted) are not.
 */
export function mapHighsStatus(code: number): LpStatus {
  if (code === 7) return 'optimal';
  if (code === 8) return 'infeasible';
  if (code === 9 || code === 10) return 'unbounded';
  if (code === 14 || code === 16) return 'work-limit';
  if (code === 13 || code === 17) return 'time-limit';
  return 'error';
}

/**
 * HiGHS's root reduced-cost heuristic is off. At the root it solves a sub-MIP with the columns of large reduced cost
 * fixed; on the catalog-wide models (3,200–3,400 columns, ~170 integer counts) that sub-MIP was the larger part of
 * the costliest MILPs' time, and the search reaches the same optima without it. Measured (bench/planner.ts --whole
 * --solves, 3 alternating pairs on/off, load 7–11 on 2 cores): the loop's six MILPs took 6.7–7.6 s of main-thread CPU
 * instead of 9.5–12.5 s, the whole run's main thread 11.4–12.6 s instead of 14.0–18.1 s (until the first kernel check
 * 4.7–5.4 s instead of 6.9–9.2 s), with the same loop (fleets, rounds, cuts, TRIM) and the same
 * $2,591,854.56 (its last float digit moved: the final plan's routing shares differ by ~1e-13); branch-and-bound took
 * 18–56 nodes where it took 9–29, far inside the node limit. The README command's MILPs return bit-identical points.
 * Every optimum is still proved (mip_rel_gap), but among tied optima HiGHS may return another: of 753 MILPs the
 * planner's tests solve, 6 returned another fleet of the same objective and 40 the same fleet routed otherwise; no
 * objective moved. Turning feasibility jump off as well saves ~15% more on these models but picks another tied
 * fleet on 41 of those 753, so it stays on.
 */
export const HIGHS_MIP_HEURISTICS: Readonly<Record<string, boolean>> = { mip_heuristic_run_root_reduced_cost: false };

/** What one HiGHS run was and did (a bench's per-solve breakdown; nothing the planner decides reads it). */
export interface HighsRunRecord {
  readonly columns: number;
  readonly rows: number;
  /** Integer columns (0 for an LP or a relaxation). */
  readonly integers: number;
  readonly status: LpStatus;
  /** Branch-and-bound nodes (0 for an LP). */
  readonly nodes: number;
  readonly simplexIterations: number;
  /** The model's row names (callers classify the solve by them: refuted-fleet cuts, an objective bound). */
  readonly rowNames: readonly string[];
  readonly columnNames: readonly string[];
}

/** Told around every HiGHS run on this thread: `before` just before the native run, `after` right after it. */
export interface HighsRunObserver {
  before(): void;
  after(record: HighsRunRecord): void;
}

let observer: HighsRunObserver | undefined;
let experimentalMipOptions: Readonly<Record<string, boolean | number | string>> = {};

/** Sets (or with undefined clears) this thread's observer of HiGHS runs; for measurement (bench/solve-trace.ts). */
export function observeHighsRuns(next: HighsRunObserver | undefined): void {
  observer = next;
}

/**
 * HiGHS options added to every MILP run on this thread, for measuring a setting in the whole loop
 * (`npx tsx bench/planner.ts --whole --highs-option NAME=VALUE`); `plan` never sets any. Empty clears them.
 */
export function setExperimentalMipOptions(next: Readonly<Record<string, boolean | number | string>>): void {
  experimentalMipOptions = next;
}

/** Converts the row list into compressed sparse columns. */
function toCsc(model: LpModel): { starts: number[]; indices: number[]; values: number[] } {
  const perColumn: Array<Array<[number, number]>> = model.variables.map(() => []);
  model.rows.forEach((row, r) => {
    for (const t of row.terms) perColumn[t.index].push([r, t.coef]);
  });
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const col of perColumn) {
    for (const [r, c] of col) {
      indices.push(r);
      values.push(c);
    }
    starts.push(indices.length);
  }
  return { starts, indices, values };
}

/** Solves with HiGHS; a MILP stopped at a limit still returns its incumbent (status `work-limit` or `time-limit`). */
export async function solveWithHighs(model: LpModel, options: LpSolveOptions): Promise<LpSolution> {
  const trivial = solveTrivially(model, 'highs');
  if (trivial) return trivial;
  const highs = await getHighs();
  const inf = highs.infinity;
  const relax = options.relax === true;
  const hasIntegers = !relax && model.variables.some((v) => v.integer);
  const native = highs.createModel({
    numCols: model.variables.length,
    numRows: model.rows.length,
    offset: model.objectiveOffset,
    colCost: model.variables.map((v) => v.objective),
    colLower: model.variables.map((v) => (Number.isFinite(v.lower) ? v.lower : -inf)),
    colUpper: model.variables.map((v) => (Number.isFinite(v.upper) ? v.upper : inf)),
    rowLower: model.rows.map((r) => (Number.isFinite(r.lower) ? r.lower : -inf)),
    rowUpper: model.rows.map((r) => (Number.isFinite(r.upper) ? r.upper : inf)),
    matrix: { format: 'csc', numRows: model.rows.length, numCols: model.variables.length, ...toCsc(model) },
    integrality: hasIntegers ? model.variables.map((v) => (v.integer ? 1 : 0)) : undefined,
  });
  const start = options.clockMs?.();
  try {
    native.options.set({
      output_flag: false,
      time_limit: Math.max(0.001, options.deadlineMs / 1000),
      mip_max_nodes: options.maxNodes ?? DEFAULT_MAX_NODES,
      mip_rel_gap: options.mipRelGap ?? 1e-9,
      ...(hasIntegers ? { ...HIGHS_MIP_HEURISTICS, ...experimentalMipOptions } : {}),
    });
    observer?.before();
    native.run();
    if (observer) {
      observer.after({
        columns: model.variables.length,
        rows: model.rows.length,
        integers: hasIntegers ? model.variables.filter((v) => v.integer).length : 0,
        status: mapHighsStatus(native.getModelStatus()),
        nodes: hasIntegers ? Number(native.info.get('mip_node_count')) : 0,
        simplexIterations: Number(native.info.get('simplex_iteration_count')),
        rowNames: model.rows.map((r) => r.name),
        columnNames: model.variables.map((v) => v.name),
      });
    }
    const status = mapHighsStatus(native.getModelStatus());
    const wallSeconds = start !== undefined && options.clockMs ? (options.clockMs() - start) / 1000 : native.getRunTime();
    const primal = Number(native.info.get('primal_solution_status'));
    if (primal !== 2 || (status !== 'optimal' && status !== 'work-limit' && status !== 'time-limit')) {
      return { status: status === 'optimal' ? 'error' : status, values: [], objective: NaN, solver: 'highs', wallSeconds };
    }
    const sol = native.getSolution();
    const rowDuals = hasIntegers ? undefined : Array.from(sol.rowDual);
    return { status, values: Array.from(sol.colValue), objective: native.getObjectiveValue(), rowDuals, solver: 'highs', wallSeconds };
  } finally {
    native.dispose();
  }
}

/** The HiGHS backend. */
export const highsSolver: LpSolver = { name: 'highs', solve: solveWithHighs };
