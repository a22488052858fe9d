/**
 * The serving calibration file (catalogs/schemas/calibration.schema.json): what `fleetplan calibrate` writes and
 * `--calibration FILE` reads. Pure: the CLI reads and hashes files; this builds the document from a fit and checks a
 * parsed one against the running fleetplan version and the catalog (a file from another version, or naming a GPU the
 * catalog lacks, is refused with one line per problem, never silently ignored).
 */
import type { InputIssue } from '../../catalogs/issues.js';
import type { GpuEfficiency } from '../coefficients.js';
import { BACKEND_POLICIES, MEASURED_RUN_REQUESTS_PER_CLIENT } from './backend-policy.js';
import { DEFAULT_FIXED_POINT_ROUNDS, DEFAULT_FIXED_POINT_TOLERANCE } from './fixed-point-fit.js';
import { DEFAULT_MIN_RUNS, DEFAULT_SHRINKAGE, HUBER_RELATIVE_ERROR, namedCoefficients, type FittedScope } from './fit.js';
import type { ErrorSummary, GroupErrors } from './holdout.js';
import { BACKENDS, type Backend, type RunFormat, type SkippedRuns } from './runs.js';
import { STEP_TERMS } from './step-terms.js';

export const CALIBRATION_FORMAT_VERSION = 1;

export const TERM_UNITS: Readonly<Record<string, string>> = {
  memory: 'multiplier on weight + KV read seconds at the kernel-level bandwidth',
  excess_compute: 'multiplier on GEMM seconds beyond the weight read, at the kernel-level FLOP rate of the precision for the step\'s token count and GEMM shapes (gpu_efficiencies.*.gemmGrids, else its single fraction)',
  prefill_attention: 'multiplier on causal attention FLOP seconds (bf16)',
  all_reduce: 'multiplier on all-reduce latency + bytes seconds (NCCL)',
  layer_kernels: 'latency-bound kernels per layer (multiplier on layers × the GPU kernel floor)',
  step_cpu: 'ms per engine step',
  sequence_cpu: 'µs per scheduled sequence per step',
  request_overhead: 'ms per request (HTTP, tokenisation, streaming; added to TTFT by the benchmark client, never charged by a step)',
};

export interface CalibrationInput {
  readonly file: string;
  readonly format: RunFormat;
  readonly sha256: string;
  readonly runs: number;
  readonly skipped: readonly SkippedRuns[];
}

export interface HeldOutReport {
  readonly ttft: ErrorSummary;
  readonly tpot: ErrorSummary;
  readonly groups: readonly GroupErrors[];
}

/** A calibration as held in memory (the file's content, coefficients as vectors in STEP_TERMS order). */
export interface ServingCalibration {
  readonly fleetplanVersion: string;
  readonly sourceHash: string;
  readonly inputs: readonly CalibrationInput[];
  readonly defaultBackend: Backend;
  readonly scopes: readonly FittedScope[];
  /** Mean client turnaround of a closed-loop benchmark (planner/benchmark/client-gap.ts), fitted with the scopes; absent: 0 (lockstep). */
  readonly clientGapSeconds?: number;
  readonly heldOut: { readonly lomo?: HeldOutReport; readonly logo?: HeldOutReport };
  readonly gpuEfficiencies: Readonly<Record<string, GpuEfficiency>>;
  readonly unexpressible: readonly { readonly reason: string; readonly count: number }[];
  /** How the fit's fixed point ended (models/serving/fixed-point-fit.ts): fits made, the residual one more refit would move a prediction by. */
  readonly fixedPoint?: { readonly rounds: number; readonly residual: number; readonly converged: boolean };
  /** Where it was read from (set by the loader), for provenance. */
  readonly file?: string;
}

const summaryJson = (s: ErrorSummary) => ({ n: s.n, median_abs: s.medianAbs, p90_abs: s.p90Abs, signed_median: s.signedMedian });

function heldOutJson(h: HeldOutReport | undefined) {
  if (!h) return undefined;
  return {
    ttft: summaryJson(h.ttft), tpot: summaryJson(h.tpot),
    groups: h.groups.map((g) => ({ ...g.key, ttft: summaryJson(g.ttft), tpot: summaryJson(g.tpot) })),
  };
}

/** The JSON document of a calibration (deterministic key order). */
export function calibrationDocument(c: ServingCalibration): Record<string, unknown> {
  return {
    kind: 'serving-calibration',
    format_version: CALIBRATION_FORMAT_VERSION,
    fleetplan_version: c.fleetplanVersion,
    source_hash: c.sourceHash,
    inputs: c.inputs.map((i) => ({ file: i.file, format: i.format, sha256: i.sha256, runs: i.runs, skipped: i.skipped.map((s) => ({ reason: s.reason, count: s.count })) })),
    terms: [...STEP_TERMS],
    term_units: TERM_UNITS,
    backend_policies: BACKEND_POLICIES,
    default_backend: c.defaultBackend,
    replay: { runs_on: 'fleetplan benchmark (the kernel\'s engines, step accounting)', requests_per_client: MEASURED_RUN_REQUESTS_PER_CLIENT, all_requests_measured: true },
    fit: {
      shrinkage: DEFAULT_SHRINKAGE, min_runs: DEFAULT_MIN_RUNS, huber_relative_error: HUBER_RELATIVE_ERROR,
      client_gap: 'closed-loop client turnaround (engine finish → the client\'s next arrival): exponential per request with mean client_gap_s, chosen on the training runs (models/serving/fixed-point-fit.ts)',
      ...(c.fixedPoint ? { fixed_point: { tolerance: DEFAULT_FIXED_POINT_TOLERANCE, max_rounds: DEFAULT_FIXED_POINT_ROUNDS, rounds: c.fixedPoint.rounds, residual: c.fixedPoint.residual, converged: c.fixedPoint.converged } } : {}),
    },
    gpu_efficiencies: c.gpuEfficiencies,
    unexpressible: c.unexpressible,
    client_gap_s: c.clientGapSeconds ?? 0,
    scopes: c.scopes.map((s) => ({ scope: s.scope, runs: s.runs, tpot: namedCoefficients(s.tpot), ttft: namedCoefficients(s.ttft) })),
    held_out: { lomo: heldOutJson(c.heldOut.lomo) ?? null, logo: heldOutJson(c.heldOut.logo) ?? null },
  };
}

type Doc = Record<string, unknown>;

/**
 * Checks a schema-valid document against this fleetplan and catalog and returns the calibration, or the problems
 * (one per line): another fleetplan version, other step terms, a GPU the catalog lacks.
 */
export function readCalibrationDocument(doc: Doc, file: string, version: string, hasGpu: (id: string) => boolean): { calibration?: ServingCalibration; issues: InputIssue[] } {
  const issues: InputIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ code: 'invalid_value', file, path, message });
  if (doc.fleetplan_version !== version) {
    issue('fleetplan_version', `found ${JSON.stringify(doc.fleetplan_version)}, expected ${JSON.stringify(version)} (a calibration is only valid for the fleetplan that fitted it: re-run fleetplan calibrate)`);
  }
  const terms = doc.terms as string[];
  if (terms.join(',') !== STEP_TERMS.join(',')) issue('terms', `found ${JSON.stringify(terms)}, expected ${JSON.stringify(STEP_TERMS)}`);
  const scopes = doc.scopes as Array<{ scope: string; runs: number; tpot: Record<string, number>; ttft: Record<string, number> }>;
  scopes.forEach((s, i) => {
    const gpu = s.scope.split('/')[1];
    if (gpu !== undefined && !hasGpu(gpu)) issue(`scopes[${i}].scope`, `found ${JSON.stringify(s.scope)}, expected a GPU the catalog has (${gpu} is not; add it with --catalog FILE)`);
    for (const metric of ['tpot', 'ttft'] as const) {
      const missing = STEP_TERMS.filter((t) => typeof s[metric][t] !== 'number');
      if (missing.length > 0) issue(`scopes[${i}].${metric}`, `found no ${missing.join(', ')}, expected a coefficient for every term`);
    }
  });
  if (!scopes.some((s) => s.scope === '*')) issue('scopes', 'found no "*" scope, expected the all-runs scope every prediction falls back to');
  const gap = doc.client_gap_s ?? 0;
  if (!(typeof gap === 'number' && gap >= 0 && Number.isFinite(gap))) issue('client_gap_s', `found ${JSON.stringify(gap)}, expected a number of seconds ≥ 0`);
  if (issues.length > 0) return { issues };
  const effs = (doc.gpu_efficiencies ?? {}) as Record<string, GpuEfficiency>;
  const held = doc.held_out as { lomo: unknown; logo: unknown };
  const readSummary = (x: { n: number; median_abs: number; p90_abs: number; signed_median: number }): ErrorSummary => ({ n: x.n, medianAbs: x.median_abs, p90Abs: x.p90_abs, signedMedian: x.signed_median });
  const readHeld = (h: unknown): HeldOutReport | undefined => {
    if (!h || typeof h !== 'object') return undefined;
    const o = h as { ttft: never; tpot: never };
    return { ttft: readSummary(o.ttft), tpot: readSummary(o.tpot), groups: [] };
  };
  const lomo = readHeld(held.lomo);
  const logo = readHeld(held.logo);
  const fp = (doc.fit as { fixed_point?: { rounds: number; residual: number; converged: boolean } } | undefined)?.fixed_point;
  return {
    issues,
    calibration: {
      fleetplanVersion: version, sourceHash: doc.source_hash as string, inputs: doc.inputs as CalibrationInput[],
      defaultBackend: (BACKENDS as readonly string[]).includes(doc.default_backend as string) ? doc.default_backend as Backend : 'vllm',
      scopes: scopes.map((s) => ({ scope: s.scope, runs: s.runs, tpot: STEP_TERMS.map((t) => s.tpot[t]), ttft: STEP_TERMS.map((t) => s.ttft[t]) })),
      clientGapSeconds: gap as number,
      heldOut: { ...(lomo ? { lomo } : {}), ...(logo ? { logo } : {}) },
      gpuEfficiencies: effs,
      unexpressible: (doc.unexpressible ?? []) as ServingCalibration['unexpressible'],
      ...(fp ? { fixedPoint: { rounds: fp.rounds, residual: fp.residual, converged: fp.converged } } : {}),
      file,
    },
  };
}
