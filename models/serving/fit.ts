/**
 * Fitting a serving calibration: coefficients on the step terms (step-terms.ts) such that the closed-loop benchmark
 * replay of every measured run matches its TTFT and TPOT, in relative error. TPOT and TTFT get separate coefficient
 * sets: TPOT is the engine step itself (the set a PerfModel uses), while TTFT also carries the queueing, bursts and
 * HTTP path that the step-unit replay only approximates; one shared set let the TTFT equations drag the step's memory
 * term to zero (TPOT in-sample error 36% shared vs 17% alone on the staged runs). Coefficients are fitted in a hierarchy
 * of scopes, each shrunk toward its parent: all runs (`*`) → a backend (CPU-side scheduler costs are software) → backend
 * × GPU (achieved kernel efficiency) → backend × GPU × precision. A run is predicted by the most specific scope that
 * was fitted on at least `minRuns` runs; a GPU or model never seen falls back to the scopes above it, which is what
 * the leave-one-GPU-out and leave-one-model-out protocols measure.
 */
import { solveLeastSquares } from '../least-squares.js';
import type { MeasuredRun } from './runs.js';
import { STEP_TERMS } from './step-terms.js';

export interface CalibrationRow {
  readonly run: MeasuredRun;
  /** Mean TTFT and TPOT of the run as term vectors (closed-loop.ts). */
  readonly terms: { readonly ttft: readonly number[]; readonly tpot: readonly number[] };
}

export interface FittedScope {
  /** `*`, `vllm`, `vllm/h100-sxm`, `vllm/h100-sxm/fp8`. */
  readonly scope: string;
  readonly runs: number;
  /** In STEP_TERMS order: the engine step (TPOT equations). */
  readonly tpot: readonly number[];
  /** In STEP_TERMS order: time to first token (TTFT equations). */
  readonly ttft: readonly number[];
}

type Metric = 'ttft' | 'tpot';

export interface ServingFitOptions {
  /** Weight of the pull toward the parent scope, per coefficient, in units of one run's squared relative error. */
  readonly shrinkage?: number;
  /** Fewest runs a scope below `*` needs to get its own coefficients. */
  readonly minRuns?: number;
}

export const DEFAULT_SHRINKAGE = 1;
export const DEFAULT_MIN_RUNS = 4;

/** The scopes of a run, most general first. */
export function scopesOf(run: Pick<MeasuredRun, 'backend' | 'gpu' | 'precision'>): string[] {
  return ['*', run.backend, `${run.backend}/${run.gpu}`, `${run.backend}/${run.gpu}/${run.precision}`];
}

function equations(rows: readonly CalibrationRow[], metric: Metric): { x: number[][]; y: number[] } {
  return { x: rows.map((r) => [...r.terms[metric]]), y: rows.map((r) => (metric === 'ttft' ? r.run.ttftSeconds : r.run.tpotSeconds)) };
}

/** Fits every scope with enough runs; throws when there is no run at all. */
export function fitServingScopes(rows: readonly CalibrationRow[], options: ServingFitOptions = {}): FittedScope[] {
  if (rows.length === 0) throw new Error('a serving calibration needs at least one measured run');
  const shrink = options.shrinkage ?? DEFAULT_SHRINKAGE;
  const minRuns = options.minRuns ?? DEFAULT_MIN_RUNS;
  const ones = new Array<number>(STEP_TERMS.length).fill(1);
  const root: FittedScope = { scope: '*', runs: rows.length, tpot: fitTowardParent(rows, 'tpot', ones, 0), ttft: fitTowardParent(rows, 'ttft', ones, 0) };
  const fitted = new Map<string, FittedScope>([['*', root]]);
  for (let depth = 1; depth < 4; depth++) {
    const groups = new Map<string, CalibrationRow[]>();
    for (const r of rows) {
      const key = scopesOf(r.run)[depth];
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, members] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (members.length < minRuns) continue;
      const parent = mostSpecific(fitted, scopesOf(members[0].run).slice(0, depth));
      fitted.set(key, { scope: key, runs: members.length, tpot: fitTowardParent(members, 'tpot', parent.tpot, shrink), ttft: fitTowardParent(members, 'ttft', parent.ttft, shrink) });
    }
  }
  return [...fitted.values()];
}

/**
 * Multipliers m ≥ 0 on the parent's coefficients: minimise Σ (x·(m∘c)/y − 1)² + shrinkage · Σ (m − 1)². A term the
 * parent gave no weight stays at zero below it.
 */
function fitTowardParent(rows: readonly CalibrationRow[], metric: Metric, parent: readonly number[], shrinkage: number): number[] {
  const { x, y } = equations(rows, metric);
  const relative = x.map((row, i) => row.map((v, j) => (v * parent[j]) / y[i]));
  let weights = y.map(() => 1);
  let m = parent.map(() => 1);
  // Iteratively reweighted: a run predicted several times off (a queue the replay gets wrong) must not set every
  // coefficient; Huber weights cap each equation's pull beyond HUBER_RELATIVE_ERROR.
  for (let iteration = 0; iteration < IRLS_ITERATIONS; iteration++) {
    const design = relative.map((row, i) => row.map((v) => v * Math.sqrt(weights[i])));
    const targets = weights.map((w) => Math.sqrt(w));
    if (shrinkage > 0) {
      const s = Math.sqrt(shrinkage);
      for (let j = 0; j < parent.length; j++) {
        design.push(parent.map((_, k) => (k === j ? s : 0)));
        targets.push(s);
      }
    }
    m = solveLeastSquares(design, targets, { relative: false, nonNegative: 'all' });
    weights = relative.map((row) => {
      const r = Math.abs(row.reduce((a, v, j) => a + v * m[j], 0) - 1);
      return r <= HUBER_RELATIVE_ERROR ? 1 : HUBER_RELATIVE_ERROR / r;
    });
  }
  return parent.map((c, j) => c * m[j]);
}

/** Relative error beyond which an equation's weight falls as 1/error (Huber), and the reweighting rounds. */
export const HUBER_RELATIVE_ERROR = 0.2;
const IRLS_ITERATIONS = 8;

function mostSpecific(fitted: ReadonlyMap<string, FittedScope>, scopes: readonly string[]): FittedScope {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const f = fitted.get(scopes[i]);
    if (f) return f;
  }
  throw new Error('the root scope is always fitted');
}

/** The coefficients that apply to a run: its most specific fitted scope. */
export function scopeFor(scopes: readonly FittedScope[], run: Pick<MeasuredRun, 'backend' | 'gpu' | 'precision'>): FittedScope {
  return mostSpecific(new Map(scopes.map((s) => [s.scope, s])), scopesOf(run));
}

export interface RunPrediction {
  readonly ttftSeconds: number;
  readonly tpotSeconds: number;
  readonly scope: string;
}

export function predictRun(scopes: readonly FittedScope[], row: CalibrationRow): RunPrediction {
  const s = scopeFor(scopes, row.run);
  const dot = (t: readonly number[], c: readonly number[]) => t.reduce((a, v, j) => a + v * c[j], 0);
  return { ttftSeconds: dot(row.terms.ttft, s.ttft), tpotSeconds: dot(row.terms.tpot, s.tpot), scope: s.scope };
}

/** Coefficients by term name, for files and reports. */
export function namedCoefficients(c: readonly number[]): Record<string, number> {
  return Object.fromEntries(STEP_TERMS.map((n, j) => [n, c[j]]));
}
