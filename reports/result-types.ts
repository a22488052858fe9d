/**
 * The result JSON documents a report is made from, as the producers write them (snake_case, units in names).
 * Only `kind` and `format_version` are required everywhere; every other field is read defensively because the
 * report must render whatever a valid older or partial result holds, and say what it lacks rather than crash.
 */

/** The result kinds `fleetplan report` accepts, in the order its messages list them. */
export const RESULT_KINDS = ['plan', 'simulation', 'comparison', 'validation'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

/** The newest result format this code reads. A result with a higher number was written by a newer fleetplan. */
export const RESULT_FORMAT_VERSION = 1;

/** Latency summary of one metric, from the kernel's mergeable histogram. */
export interface LatencySummary {
  readonly mean?: number;
  readonly p50?: number;
  readonly p90?: number;
  readonly p95?: number;
  readonly p99?: number;
  readonly max?: number;
}

export interface PoolMetrics {
  readonly name?: string;
  readonly gpu?: string;
  readonly llm?: string;
  readonly tp?: number;
  readonly role?: string;
  readonly count?: number;
  readonly power_cap_w?: number;
  /** Busy share of the measured window, 0..1. */
  readonly utilization?: number;
  /** KV occupancy as a share of capacity, 0..1. */
  readonly kv_occupancy?: { readonly mean?: number; readonly p95?: number };
}

/** One pool's time series; arrays have equal lengths (time in seconds, shares 0..1). */
export interface PoolSeries {
  readonly pool?: string;
  readonly name?: string;
  readonly t_s?: readonly number[];
  readonly kv_occupancy?: readonly number[];
  readonly utilization?: readonly number[];
}

/** Empirical CDF points `[value, cumulative share]`. */
export type CdfPoints = ReadonlyArray<readonly [number, number]>;

/** A scenario grid: `values[row][column]`, rows along `y`, columns along `x`. */
export interface SweepGrid {
  readonly title?: string;
  readonly x: { readonly name: string; readonly unit?: string; readonly values: readonly (number | string)[] };
  readonly y: { readonly name: string; readonly unit?: string; readonly values: readonly (number | string)[] };
  readonly metric: { readonly name: string; readonly unit?: string; readonly lower_is_better?: boolean };
  readonly values: ReadonlyArray<ReadonlyArray<number | null>>;
}

/** What a run was given, echoed so the report can show it as given. */
export interface ResultInputs {
  readonly fleet?: unknown;
  readonly mix?: unknown;
  readonly slo?: unknown;
  readonly seed?: number;
  readonly version?: string;
  readonly catalog_hash?: string;
  readonly [key: string]: unknown;
}

export interface SimulationResult {
  readonly kind: 'simulation';
  readonly format_version: number;
  readonly policy?: string;
  readonly seed?: number;
  readonly warmup_s?: number;
  readonly ttfet_s?: LatencySummary;
  readonly ttft_s?: LatencySummary;
  readonly tbt_ms?: LatencySummary;
  readonly last_turn_tbt_ms?: LatencySummary;
  readonly e2e_s?: LatencySummary;
  /** Each conversation's latency over its standalone latency (same GPU, empty system), per metric without unit. */
  readonly slowdown?: Readonly<Record<string, LatencySummary>>;
  readonly slowdown_geomean?: Readonly<Record<string, number>>;
  /** The kernel's verdicts on the SLO set it was given. */
  readonly slo?: SimulationSloVerdicts;
  readonly counts?: Readonly<Record<string, number>>;
  readonly measured_window_s?: number;
  readonly stopped_at_horizon?: boolean;
  readonly mode?: string;
  readonly slo_attainment?: number;
  readonly energy_j?: number;
  readonly tokens_per_j?: number;
  readonly output_tokens_per_j?: number;
  readonly energy_per_conversation_j?: number;
  readonly kv_transfers?: number;
  readonly kv_transfer_bytes?: number;
  readonly preemptions?: number;
  readonly pools?: readonly PoolMetrics[];
  readonly conversations?: number;
  readonly turns?: number;
  readonly output_tokens?: number;
  readonly events?: number;
  readonly sim_time_s?: number;
  readonly wall_s?: number;
  readonly series?: Readonly<Record<string, PoolSeries>> | readonly PoolSeries[];
  readonly cdf?: { readonly ttfet_s?: CdfPoints; readonly tbt_ms?: CdfPoints; readonly [metric: string]: CdfPoints | undefined };
  readonly inputs?: ResultInputs;
}

/** One SLO target judged by the kernel: `bound` is seconds/ms for absolute targets, a factor for slowdown ones. */
export interface SimulationSloTarget {
  readonly metric?: string;
  readonly percentile?: number;
  readonly kind?: 'slowdown' | 'absolute' | string;
  readonly bound?: number;
  readonly value?: number;
  readonly met?: boolean;
}

export interface SimulationSloVerdicts {
  readonly id?: string;
  readonly required_attainment?: number;
  readonly targets?: readonly SimulationSloTarget[];
  /** Every target met and attainment reached. */
  readonly met?: boolean;
}

export interface ComparisonResult {
  readonly kind: 'comparison';
  readonly format_version: number;
  readonly policies?: readonly SimulationResult[];
  readonly scenario?: unknown;
  readonly workload?: string;
  readonly seed?: number;
  readonly sweep?: SweepGrid;
  readonly inputs?: ResultInputs;
}

export interface PlanInstance {
  readonly gpu: string;
  readonly llm?: string;
  readonly tp?: number;
  /** Expert-parallel degree; absent = 1. An instance is max(tp, ep) GPUs. */
  readonly ep?: number;
  readonly precision?: string;
  readonly kv_dtype?: string;
  readonly role: string;
  readonly count: number;
  readonly power_cap_w?: number;
}

export interface SloMiss {
  readonly slo?: string;
  readonly class?: string;
  readonly value?: number;
  readonly target?: number;
}

export interface PlanRound {
  readonly round?: number;
  readonly instances?: readonly PlanInstance[];
  readonly check?: { readonly holds?: boolean; readonly misses?: readonly SloMiss[] };
  /** The cut added after this round, in words or as a structured record. */
  readonly cut?: unknown;
}

export interface BindingConstraint {
  readonly constraint?: string;
  readonly pool?: string;
  readonly class?: string;
  readonly slack?: number;
  readonly dual?: number;
  readonly text?: string;
}

/** One side of the homogeneous vs heterogeneous comparison: a plan summary. */
export interface TierPlan {
  readonly instances?: readonly PlanInstance[];
  readonly tco_usd?: number;
  readonly cost_usd?: number;
  readonly cost?: { readonly tco_usd?: number };
  readonly energy_j_per_output_token?: number;
  readonly energy?: { readonly j_per_output_token?: number };
  readonly label?: string;
}

export interface TierComparison {
  readonly best_homogeneous?: TierPlan | null;
  readonly best_heterogeneous?: TierPlan | null;
  readonly delta_cost_usd?: number;
  readonly delta_energy_j?: number;
}

export interface ModelProvenance {
  readonly pool?: string;
  readonly kind?: string;
  readonly from?: string;
  readonly rows?: number;
  /** Held-out mean absolute percentage error as a share (0.05 = 5%). */
  readonly held_out_mape?: number | null;
}

export interface PlanResult extends TierComparison {
  readonly kind: 'plan';
  readonly format_version: number;
  readonly instances?: readonly PlanInstance[];
  readonly cost?: {
    readonly capex_usd?: number;
    readonly rent_usd_per_h?: number;
    readonly tco_usd?: number;
    readonly energy_usd?: number;
    readonly horizon_years?: number;
  };
  readonly power_w?: number;
  readonly energy?: { readonly energy_j_per_day?: number; readonly j_per_output_token?: number };
  readonly holds?: boolean;
  readonly objective?: string;
  readonly rounds?: readonly PlanRound[];
  readonly binding?: readonly BindingConstraint[];
  readonly pareto?: ReadonlyArray<{ readonly cost_usd: number; readonly energy_j_per_output_token: number; readonly label?: string }>;
  readonly sweep?: SweepGrid;
  readonly check?: SimulationResult;
  readonly model_provenance?: readonly ModelProvenance[];
  readonly inputs?: ResultInputs;
  readonly [key: string]: unknown;
}

export interface SloVerdict {
  readonly name?: string;
  readonly class?: string;
  readonly metric?: string;
  readonly percentile?: number;
  readonly value?: number;
  readonly target?: number;
  readonly pass?: boolean;
  readonly margin?: number;
}

export interface ValidationResult {
  readonly kind: 'validation';
  readonly format_version: number;
  readonly holds?: boolean;
  readonly slos?: readonly SloVerdict[];
  readonly check?: SimulationResult;
  readonly inputs?: ResultInputs;
}

export type AnyResult = PlanResult | SimulationResult | ComparisonResult | ValidationResult;
