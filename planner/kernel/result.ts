/**
 * The run's JSON (DESIGN.md's metric names are the contract). Every number is rounded to 9 significant digits so
 * outputs are stable byte for byte and readable; `wall_s` is added by the caller, which owns the clock.
 * Energy covers the window [warm-up, end of run] for every instance (idle included); utilisation and KV occupancy the
 * loaded window [warm-up, end of arrivals] (metrics.ts says why); token counts
 * (tokens_per_j, output_tokens_per_j, energy_per_conversation_j) cover the conversations that arrived after the
 * warm-up and finished. Conversations still in flight from the warm-up are served in the window too, so short runs
 * slightly overstate energy per token; run long enough that the warm-up is a small share.
 */
import type { Fleet } from '../../catalogs/types.js';
import type { FleetSetup } from './fleet-setup.js';
import { quantile, summarize, type Histogram, type Summary } from './histogram.js';
import type { MetricsCollector } from './metrics.js';
import { readSeries } from './series.js';
import { checkTarget, type SloTargetCheck } from './slo.js';
import type { ResolvedOptions } from './types.js';

export interface PoolResult {
  readonly gpu: string;
  readonly llm: string;
  readonly tp: number;
  /** Expert-parallel degree; present only when > 1 (a dense LLM's instances are ep 1). */
  readonly ep?: number;
  /** Weight/GEMM and KV formats the pool ran in (the LLM's own unless the fleet says otherwise). */
  readonly precision: string;
  readonly kv_dtype: string;
  readonly role: string;
  /** The role this run gave it ('prefill' or 'decode' for disaggregated policies, 'colocated' otherwise). */
  readonly served_as: string;
  readonly count: number;
  /** Busy share of the pool's instances over the loaded window [warm-up, end of arrivals]. */
  readonly utilization: number;
  readonly kv_occupancy: { readonly mean: number; readonly p95: number } | null;
  /** KV cache tokens one instance holds (the perf model's pool: the backend's memory rule with `--backend`; null for prefillers, which keep no cache between requests). */
  readonly kv_capacity_tokens: number | null;
  readonly energy_j: number;
}

export interface SimulationResult {
  readonly policy: string;
  readonly seed: number;
  readonly mode: 'fast' | 'reference';
  readonly warmup_s: number;
  readonly conversations: number;
  readonly turns: number;
  readonly output_tokens: number;
  readonly rejected: number;
  readonly counts: {
    readonly arrived: number;
    readonly measured: number;
    readonly finished: number;
    readonly in_flight: number;
    readonly admission_waiting: number;
    readonly rejected: number;
    readonly max_in_flight: number;
    readonly output_tokens_requested: number;
    readonly output_tokens_emitted: number;
  };
  readonly ttfet_s: Summary;
  readonly ttft_s: Summary;
  readonly tbt_ms: Summary;
  readonly last_turn_tbt_ms: Summary;
  /** Arrival → last output token of the last turn. */
  readonly e2e_s: Summary;
  readonly slowdown: { readonly ttfet: Summary; readonly ttft: Summary; readonly tbt: Summary; readonly last_turn_tbt: Summary; readonly e2e: Summary };
  /** Geometric means of the per-conversation slowdowns (the paper reports them beside p95); 0 when none. */
  readonly slowdown_geomean: { readonly ttfet: number; readonly last_turn_tbt: number; readonly e2e: number };
  /** Pool-mean KV occupancy over the measured window (decode-side pools only), in at most ~400 bins. */
  readonly series: ReadonlyArray<{ readonly pool: string; readonly t_s: readonly number[]; readonly kv_occupancy: readonly number[] }>;
  /** Empirical CDFs `[value, cumulative share]` at 1% steps (reports draw them). */
  readonly cdf: { readonly ttfet_s: ReadonlyArray<readonly [number, number]>; readonly tbt_ms: ReadonlyArray<readonly [number, number]> };
  readonly slo_attainment: number | null;
  readonly slo: { readonly id: string; readonly required_attainment: number; readonly targets: readonly SloTargetCheck[]; readonly met: boolean } | null;
  readonly energy_j: number;
  readonly tokens_per_j: number;
  readonly output_tokens_per_j: number;
  readonly energy_per_conversation_j: number;
  readonly kv_transfers: number;
  readonly kv_transfer_bytes: number;
  readonly preemptions: number;
  readonly pools: readonly PoolResult[];
  readonly events: number;
  readonly sim_time_s: number;
  readonly measured_window_s: number;
  readonly stopped_at_horizon: boolean;
  wall_s?: number;
}

/** Rounds to 9 significant digits (stable JSON); non-finite values become 0 so the JSON stays valid. */
export function roundFigure(x: number): number {
  if (!Number.isFinite(x)) return 0;
  return x === 0 ? 0 : Number(x.toPrecision(9));
}

function roundSummary(s: Summary): Summary {
  return { mean: roundFigure(s.mean), p50: roundFigure(s.p50), p90: roundFigure(s.p90), p95: roundFigure(s.p95), p99: roundFigure(s.p99), max: roundFigure(s.max) };
}

function occupancyOf(h: Histogram): { mean: number; p95: number } | null {
  if (h.count === 0) return null;
  return { mean: roundFigure(h.sum / h.count), p95: roundFigure(quantile(h, 0.95)) };
}

function geomean(logSum: number, count: number): number {
  return count > 0 ? roundFigure(Math.exp(logSum / count)) : 0;
}

/** 99 quantiles (1%…99%) plus the maximum, deduplicated by value; empty when nothing was recorded. */
function cdfOf(h: Histogram, scale: number): Array<[number, number]> {
  if (h.count === 0) return [];
  const points: Array<[number, number]> = [];
  for (let i = 1; i <= 100; i++) {
    const raw = roundFigure((i === 100 ? h.max : quantile(h, i / 100)) * scale);
    // A bucket midpoint can sit above the exact maximum; the curve must not step back.
    const v = points.length > 0 ? Math.max(raw, points[points.length - 1][0]) : raw;
    if (points.length > 0 && points[points.length - 1][0] === v) points[points.length - 1][1] = i / 100;
    else points.push([v, i / 100]);
  }
  return points;
}

export interface ResultInputs {
  readonly fleet: Fleet;
  readonly options: ResolvedOptions;
  readonly setup: FleetSetup;
  readonly metrics: MetricsCollector;
  readonly simEndSeconds: number;
  readonly inFlight: number;
  readonly admissionWaiting: number;
  readonly stoppedAtHorizon: boolean;
}

/** Assembles the result object. */
export function buildResult(r: ResultInputs): SimulationResult {
  const { metrics: m, options: o, setup } = r;
  const window = Math.max(0, r.simEndSeconds - m.warmupSeconds);
  const poolEnergy = new Float64Array(r.fleet.instances.length);
  const poolBusy = new Float64Array(r.fleet.instances.length);
  // Utilisation is read over the loaded window (metrics.ts): from the warm-up to the end of arrivals or of the run.
  const loadedWindow = Math.max(0, Math.min(r.simEndSeconds, m.loadEndSeconds) - m.warmupSeconds);
  for (const a of m.instances) {
    const busy = Math.min(a.busySeconds, window);
    poolEnergy[a.poolIndex] += a.busyJoules + a.idleWatts * (window - busy);
    poolBusy[a.poolIndex] += Math.min(a.loadedBusySeconds, loadedWindow);
  }
  let energy = 0;
  for (const e of poolEnergy) energy += e;
  const pools: PoolResult[] = r.fleet.instances.map((pool, i) => {
    const servedAs = setup.prefillers.some((p) => p.poolIndex === i) ? 'prefill' : o.policy === 'colocated' ? 'colocated' : 'decode';
    return {
      gpu: pool.gpu,
      llm: pool.llm,
      tp: pool.tp,
      ...(setup.models[i].ep > 1 ? { ep: setup.models[i].ep } : {}),
      precision: setup.models[i].precision,
      kv_dtype: setup.models[i].kvDtype,
      role: pool.role,
      served_as: servedAs,
      count: pool.count,
      utilization: roundFigure(loadedWindow > 0 && pool.count > 0 ? poolBusy[i] / (loadedWindow * pool.count) : 0),
      kv_occupancy: servedAs === 'prefill' ? null : occupancyOf(m.occupancy[i]),
      kv_capacity_tokens: servedAs === 'prefill' ? null : Math.floor(setup.models[i].kvCapacityTokens),
      energy_j: roundFigure(poolEnergy[i]),
    };
  });
  const slo = o.slo;
  const checks = slo === undefined ? [] : slo.targets.map((t) => {
    switch (t.metric) {
      case 'ttfet_s':
        return checkTarget(t, m.ttfet, m.slowdownTtfet, 1);
      case 'ttft_s':
        return checkTarget(t, m.ttft, m.slowdownTtft, 1);
      case 'tbt_ms':
        return checkTarget(t, m.tbt, m.slowdownTbt, 1000);
      case 'last_turn_tbt_ms':
        return checkTarget(t, m.lastTurnTbt, m.slowdownLastTurnTbt, 1000);
    }
  });
  const attainment = slo === undefined ? null : m.measuredFinished > 0 ? m.sloMet / m.measuredFinished : 0;
  return {
    policy: o.policy,
    seed: o.seed,
    mode: o.mode,
    warmup_s: m.warmupSeconds,
    conversations: m.measuredFinished,
    turns: m.measuredTurns,
    output_tokens: m.measuredOutputTokens,
    rejected: m.rejected,
    counts: {
      arrived: m.arrived,
      measured: m.measuredArrived,
      finished: m.finished,
      in_flight: r.inFlight,
      admission_waiting: r.admissionWaiting,
      rejected: m.rejected,
      max_in_flight: m.maxInFlight,
      output_tokens_requested: m.requestedOutputTokens,
      output_tokens_emitted: m.emittedOutputTokens,
    },
    ttfet_s: roundSummary(summarize(m.ttfet)),
    ttft_s: roundSummary(summarize(m.ttft)),
    tbt_ms: roundSummary(summarize(m.tbt, 1000)),
    last_turn_tbt_ms: roundSummary(summarize(m.lastTurnTbt, 1000)),
    e2e_s: roundSummary(summarize(m.e2e)),
    slowdown: {
      ttfet: roundSummary(summarize(m.slowdownTtfet)),
      ttft: roundSummary(summarize(m.slowdownTtft)),
      tbt: roundSummary(summarize(m.slowdownTbt)),
      last_turn_tbt: roundSummary(summarize(m.slowdownLastTurnTbt)),
      e2e: roundSummary(summarize(m.slowdownE2e)),
    },
    slowdown_geomean: {
      ttfet: geomean(m.logSlowdown.ttfet, m.logSlowdown.ttfetCount),
      last_turn_tbt: geomean(m.logSlowdown.lastTurnTbt, m.logSlowdown.lastTurnTbtCount),
      e2e: geomean(m.logSlowdown.e2e, m.logSlowdown.e2eCount),
    },
    cdf: { ttfet_s: cdfOf(m.ttfet, 1), tbt_ms: cdfOf(m.tbt, 1000) },
    series: pools.flatMap((p, i) => {
      if (p.served_as === 'prefill') return [];
      const s = readSeries(m.occupancySeries[i], roundFigure);
      return s.t_s.length === 0 ? [] : [{ pool: `${p.gpu} ${p.served_as} ×${p.count} (pool ${i + 1})`, t_s: s.t_s, kv_occupancy: s.values }];
    }),
    slo_attainment: attainment === null ? null : roundFigure(attainment),
    slo: slo === undefined ? null : {
      id: slo.id,
      required_attainment: slo.attainment,
      targets: checks.map((c) => ({ ...c, value: roundFigure(c.value) })),
      met: checks.every((c) => c.met) && (attainment ?? 0) >= slo.attainment,
    },
    energy_j: roundFigure(energy),
    tokens_per_j: roundFigure(energy > 0 ? m.measuredPaperTokens / energy : 0),
    output_tokens_per_j: roundFigure(energy > 0 ? m.measuredOutputTokens / energy : 0),
    energy_per_conversation_j: roundFigure(m.measuredFinished > 0 ? energy / m.measuredFinished : 0),
    kv_transfers: m.kvTransfers,
    kv_transfer_bytes: roundFigure(m.kvTransferBytes),
    preemptions: m.preemptionsTotal,
    pools,
    events: m.events,
    sim_time_s: roundFigure(r.simEndSeconds),
    measured_window_s: roundFigure(window),
    stopped_at_horizon: r.stoppedAtHorizon,
  };
}
