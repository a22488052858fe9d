/**
 * Fitting a serving calibration: coefficients on the step terms (step-terms.ts) such that `fleetplan benchmark` of
 * every measured run (planner/benchmark/measured-run.ts, on the kernel's engines) matches its TPOT and TTFT, in
 * relative error. The kernel's step accounting gives each run's mean TPOT and TTFT as term vectors; with a fixed
 * request count the benchmark's schedule does not depend on the coefficients, so both are exactly linear in them and
 * the fit is a linear least-squares problem on what the kernel itself charges. One model: the step coefficients are
 * fitted on the TPOT equations (every term a step pays), and TTFT adds only a per-request overhead (HTTP,
 * tokenisation, streaming: the `request_overhead` term, charged by the benchmark client) fitted on the TTFT equations
 * with those step coefficients held — a scope's `ttft` vector is its step coefficients plus that overhead, so a TTFT
 * error is the queue and protocol model's, never absorbed into a second set of step coefficients. Coefficients are fitted in a hierarchy
 * of scopes, each shrunk toward its parent: all runs (`*`) → a backend (CPU-side scheduler costs are software) → backend
 * × GPU (achieved kernel efficiency) → backend × GPU × precision. A run is predicted by the most specific scope that
 * was fitted on at least `minRuns` runs; a GPU or model never seen falls back to the scopes above it, which is what
 * the leave-one-GPU-out and leave-one-model-out protocols measure.
 */
import { solveLeastSquares } from '../least-squares.js';
import type { MeasuredRun } from './runs.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS, STEP_TERMS } from './step-terms.js';

/** Index of the per-request overhead among STEP_TERMS (the only term a step never pays). */
export const REQUEST_OVERHEAD_TERM = STEP_TERMS.indexOf('request_overhead');

export interface CalibrationRow {
  readonly run: MeasuredRun;
  /** Mean TTFT and TPOT of the run's benchmark as term vectors (the kernel's step accounting; TTFT's request_overhead term is one request's unit). */
  readonly terms: { readonly ttft: readonly number[]; readonly tpot: readonly number[] };
  /**
   * What the benchmark that charged these terms printed (mean TTFT and TPOT, ms), when it ran with the calibration
   * that predicts the row. Published predictions are these. With a client turnaround a request can arrive while an
   * iteration is in flight; the step accounting then stamps it at that iteration's start (planner/kernel/
   * step-accounting.ts), so coefficients × terms is the fit's linearisation, a little above what was printed.
   */
  readonly printed?: { readonly ttftMs: number; readonly tpotMs: number };
  /**
   * Seconds of the mean TTFT and TPOT no coefficient scales (an MoE step's kernel-table prompt work, charged as
   * measured: models/serving/moe-step-terms.ts); 0 when absent. The fit matches coefficients × terms + these.
   */
  readonly fixedSeconds?: { readonly ttft: number; readonly tpot: number };
}

const fixedOf = (r: CalibrationRow, metric: Metric) => r.fixedSeconds?.[metric] ?? 0;

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
  const root = fitScope('*', rows, ones, 0);
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
      fitted.set(key, fitScope(key, members, parent.ttft, shrink, parent));
    }
  }
  return [...fitted.values()];
}

/** One scope: step coefficients from the TPOT equations, then the request overhead from the TTFT equations. */
function fitScope(scope: string, rows: readonly CalibrationRow[], parentCoefficients: readonly number[], shrinkage: number, parent?: FittedScope): FittedScope {
  const stepParent = parentCoefficients.map((c, j) => (j === REQUEST_OVERHEAD_TERM ? 0 : parent ? parent.tpot[j] : c));
  const tpot = fitTowardParent(rows, 'tpot', stepParent, shrinkage).map((c, j) => (j === REQUEST_OVERHEAD_TERM ? 0 : c));
  const overhead = fitOverhead(rows, tpot, parentCoefficients[REQUEST_OVERHEAD_TERM], shrinkage);
  return { scope, runs: rows.length, tpot, ttft: tpot.map((c, j) => (j === REQUEST_OVERHEAD_TERM ? overhead : c)) };
}

/**
 * The request overhead o ≥ 0 (a multiplier m on the parent's): minimise Σ w (x·c + m·o_p·u − y)²/y² + shrinkage ·
 * (m − 1)², Huber-reweighted, with the step coefficients c held.
 */
function fitOverhead(rows: readonly CalibrationRow[], step: readonly number[], parentOverhead: number, shrinkage: number): number {
  const a = rows.map((r) => (r.terms.ttft[REQUEST_OVERHEAD_TERM] * parentOverhead) / r.run.ttftSeconds);
  const residual = rows.map((r) => 1 - (fixedOf(r, 'ttft') + r.terms.ttft.reduce((s, v, j) => s + (j === REQUEST_OVERHEAD_TERM ? 0 : v * step[j]), 0)) / r.run.ttftSeconds);
  let weights = rows.map(() => 1);
  let m = 1;
  for (let iteration = 0; iteration < IRLS_ITERATIONS; iteration++) {
    let num = shrinkage;
    let den = shrinkage;
    for (let i = 0; i < rows.length; i++) {
      num += weights[i] * a[i] * residual[i];
      den += weights[i] * a[i] * a[i];
    }
    m = den > 0 ? Math.max(0, num / den) : 1;
    weights = a.map((ai, i) => {
      const r = Math.abs(ai * m - residual[i]);
      return r <= HUBER_RELATIVE_ERROR ? 1 : HUBER_RELATIVE_ERROR / r;
    });
  }
  return m * parentOverhead;
}

/** The per-request overhead (seconds) a calibration charges a run of this backend × GPU × precision. */
export function requestOverheadSeconds(scopes: readonly FittedScope[], run: Pick<MeasuredRun, 'backend' | 'gpu' | 'precision'>): number {
  return scopeFor(scopes, run).ttft[REQUEST_OVERHEAD_TERM] * REQUEST_OVERHEAD_UNIT_SECONDS;
}

/**
 * Multipliers m ≥ 0 on the parent's coefficients: minimise Σ ((x·(m∘c) + f)/y − 1)² + shrinkage · Σ (m − 1)², f a
 * row's fixed seconds. A term the parent gave no weight stays at zero below it.
 */
function fitTowardParent(rows: readonly CalibrationRow[], metric: Metric, parent: readonly number[], shrinkage: number): number[] {
  const { x, y } = equations(rows, metric);
  const relative = x.map((row, i) => row.map((v, j) => (v * parent[j]) / y[i]));
  // What the coefficients must explain: 1 less the share the fixed seconds already take.
  const goal = rows.map((r, i) => 1 - fixedOf(r, metric) / y[i]);
  let weights = y.map(() => 1);
  let m = parent.map(() => 1);
  // Iteratively reweighted: a run predicted several times off (a queue the replay gets wrong) must not set every
  // coefficient; Huber weights cap each equation's pull beyond HUBER_RELATIVE_ERROR.
  for (let iteration = 0; iteration < IRLS_ITERATIONS; iteration++) {
    const design = relative.map((row, i) => row.map((v) => v * Math.sqrt(weights[i])));
    const targets = weights.map((w, i) => Math.sqrt(w) * goal[i]);
    if (shrinkage > 0) {
      const s = Math.sqrt(shrinkage);
      for (let j = 0; j < parent.length; j++) {
        design.push(parent.map((_, k) => (k === j ? s : 0)));
        targets.push(s);
      }
    }
    m = solveLeastSquares(design, targets, { relative: false, nonNegative: 'all' });
    weights = relative.map((row, i) => {
      const r = Math.abs(row.reduce((a, v, j) => a + v * m[j], 0) - goal[i]);
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

/**
 * Said beside a prediction whose scope is wider than backend × GPU (the calibration has no or too few runs of that GPU
 * on that backend: H200, B300, GB200, GB300 in the built-in one): its coefficients come from other GPUs' runs, so the
 * error to expect is the leave-one-GPU-out one, not the leave-one-model-out one.
 */
export function otherGpusNote(scope: FittedScope, backend: string, gpuId: string): string | undefined {
  if (scope.scope.split('/')[1] === gpuId) return undefined;
  return `no ${backend} × ${gpuId} scope in this calibration (no or too few runs): scope ${scope.scope} is fitted on other GPUs' runs, so expect the leave-one-GPU-out error`;
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
  return { ttftSeconds: dot(row.terms.ttft, s.ttft) + fixedOf(row, 'ttft'), tpotSeconds: dot(row.terms.tpot, s.tpot) + fixedOf(row, 'tpot'), scope: s.scope };
}

/** Coefficients by term name, for files and reports. */
export function namedCoefficients(c: readonly number[]): Record<string, number> {
  return Object.fromEntries(STEP_TERMS.map((n, j) => [n, c[j]]));
}
