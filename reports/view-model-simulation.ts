/**
 * View-model parts for one simulation result: latency table and CDFs, energy and counts, pools, time series.
 * Used on its own (simulation reports) and as the "check" inside plan and validation reports. Pure.
 */
import type { CdfChart, ChartSeries, LineChart } from './charts/types.js';
import { formatBytes, formatCount, formatJoules, formatNumber, formatSeconds, formatShare, formatWithUnit } from './format.js';
import type { LatencySummary, PoolSeries, SimulationResult } from './result-types.js';
import {
  chartBlock, column, fact, factsBlock, numberCell, paragraphsBlock, readArray, readNumber, readRecord, readString,
  section, table, tableBlock, textCell,
} from './view-model-blocks.js';
import type { Block, Fact, Section } from './view-model-types.js';
import { describePrecision } from './view-model-fleet.js';

/** The four latency metrics of DESIGN.md, with the words and unit a reader needs. */
export const LATENCY_METRICS = [
  { key: 'ttfet_s', label: 'TTFET', unit: 's', words: 'arrival → first token of the last turn' },
  { key: 'ttft_s', label: 'TTFT (turns ≥ 2)', unit: 's', words: 'tool done → first token' },
  { key: 'tbt_ms', label: 'TBT', unit: 'ms', words: 'gap between output tokens' },
  { key: 'last_turn_tbt_ms', label: 'Last-turn TBT', unit: 'ms', words: 'gaps in the final answer' },
] as const;

const STATS = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'] as const;

/** A latency value in its metric's unit (seconds are shown with a fitting prefix, TBT in ms). */
export function formatLatency(unit: 's' | 'ms', value: unknown): string {
  return unit === 's' ? formatSeconds(value) : formatWithUnit(value, 'ms');
}

function readSummary(sim: SimulationResult, key: string): LatencySummary | undefined {
  return readRecord((sim as unknown as Record<string, unknown>)[key]) as LatencySummary | undefined;
}

/** The latency table: one row per metric, one column per statistic. */
export function buildLatencyTable(sim: SimulationResult, id: string): Block {
  const rows = LATENCY_METRICS.map((m) => {
    const summary = readSummary(sim, m.key);
    return [textCell(m.label, { strong: true }), textCell(m.words), ...STATS.map((s) => numberCell(formatLatency(m.unit, summary?.[s])))];
  });
  return tableBlock(table(id, 'Latency over all measured conversations', [column('metric'), column('what it measures'), ...STATS.map((s) => column(s, true))], rows));
}

const SLOWDOWN_METRICS = [
  { key: 'ttfet', label: 'TTFET' }, { key: 'ttft', label: 'TTFT (turns ≥ 2)' }, { key: 'tbt', label: 'TBT' },
  { key: 'last_turn_tbt', label: 'Last-turn TBT' }, { key: 'e2e', label: 'End to end' },
] as const;

/**
 * The slowdown table: each conversation's latency over its standalone latency (alone on the same GPU), the
 * normalisation the paper's SLOs use; null when the result carries no slowdown summaries.
 */
export function buildSlowdownTable(sim: SimulationResult, id: string): Block | null {
  const slowdown = readRecord(sim.slowdown);
  const geomean = readRecord(sim.slowdown_geomean);
  if (!slowdown) return null;
  const present = SLOWDOWN_METRICS.filter((m) => readRecord(slowdown[m.key]) !== undefined);
  if (present.length === 0) return null;
  const rows = present.map((m) => {
    const summary = readRecord(slowdown[m.key]);
    return [textCell(m.label, { strong: true }), numberCell(formatFactor(geomean?.[m.key])), ...STATS.map((st) => numberCell(formatFactor(summary?.[st])))];
  });
  const note = '1× is as fast as running alone on the same GPU; slowdown SLOs (such as paper-5x) bound a percentile of it.';
  return tableBlock(table(id, 'Slowdown against standalone latency (×)', [column('metric'), column('geomean', true), ...STATS.map((st) => column(st, true))], rows, note));
}

function formatFactor(value: unknown): string {
  return readNumber(value) === undefined ? '—' : `${formatNumber(value)}×`;
}

/**
 * CDF points for one metric: the result's own `cdf` points when present, else the summary percentiles (a coarse
 * step curve, and the caller says so).
 */
export function readCdfPoints(sim: SimulationResult, key: string): { readonly points: Array<readonly [number, number]>; readonly fromSummary: boolean } {
  const given = readArray(readRecord(sim.cdf)?.[key]).filter(
    (p): p is [number, number] => Array.isArray(p) && readNumber(p[0]) !== undefined && readNumber(p[1]) !== undefined,
  );
  if (given.length > 0) return { points: given.map(([x, p]) => [x, p] as const), fromSummary: false };
  const summary = readSummary(sim, key);
  const levels = [['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99], ['max', 1]] as const;
  const points = levels.flatMap(([stat, p]) => (readNumber(summary?.[stat]) === undefined ? [] : [[summary![stat] as number, p] as const]));
  return { points, fromSummary: true };
}

/** TTFET and TBT CDF charts over one or more named runs (one series per run). */
export function buildCdfCharts(runs: ReadonlyArray<{ readonly name: string; readonly sim: SimulationResult }>, idPrefix: string): CdfChart[] {
  const specs = [
    { key: 'ttfet_s', title: 'TTFET distribution', xLabel: 'TTFET (s)', what: 'time from a conversation’s arrival to the first token of its last turn' },
    { key: 'tbt_ms', title: 'TBT distribution', xLabel: 'time between tokens (ms)', what: 'gaps between consecutive output tokens' },
  ] as const;
  return specs.flatMap((spec) => {
    const read = runs.map((run) => ({ run, cdf: readCdfPoints(run.sim, spec.key) }));
    const series: ChartSeries[] = read.filter((r) => r.cdf.points.length > 0).map((r) => ({ name: r.run.name, points: r.cdf.points }));
    if (series.length === 0) return [];
    const coarse = read.some((r) => r.cdf.points.length > 0 && r.cdf.fromSummary);
    const description = `Cumulative share of ${spec.what}${coarse ? ', drawn from the summary percentiles (p50, p90, p95, p99, max) because the result carries no CDF points' : ''}.`;
    return [{ type: 'cdf', id: `${idPrefix}-${spec.key.replace(/_/g, '-')}-cdf`, title: spec.title, description, xLabel: spec.xLabel, series }];
  });
}

/** Each pool's time series, whether the result keys them by pool name or lists them. */
export function readPoolSeries(sim: SimulationResult): Array<{ readonly name: string; readonly series: PoolSeries }> {
  if (Array.isArray(sim.series)) {
    return (sim.series as readonly PoolSeries[]).map((s, i) => ({ name: readString(s.pool) ?? readString(s.name) ?? `pool ${i + 1}`, series: s }));
  }
  const record = readRecord(sim.series);
  if (!record) return [];
  return Object.keys(record).sort().map((name) => ({ name, series: (readRecord(record[name]) ?? {}) as PoolSeries }));
}

function seriesPoints(t: readonly unknown[], values: readonly unknown[]): Array<readonly [number, number]> {
  const n = Math.min(t.length, values.length);
  const points: Array<readonly [number, number]> = [];
  for (let i = 0; i < n; i++) points.push([readNumber(t[i]) ?? NaN, readNumber(values[i]) ?? NaN]);
  return points;
}

/** KV occupancy and utilisation over time, one line per pool; none when the result has no series. */
export function buildSeriesCharts(sim: SimulationResult, idPrefix: string): LineChart[] {
  const pools = readPoolSeries(sim);
  const charts: LineChart[] = [];
  for (const [key, title, yLabel] of [['kv_occupancy', 'KV occupancy over time', 'KV occupancy (share of capacity)'], ['utilization', 'Utilisation over time', 'utilisation (busy share)']] as const) {
    const series = pools
      .map((p) => ({ name: p.name, points: seriesPoints(readArray(p.series.t_s), readArray(p.series[key])) }))
      .filter((s) => s.points.length > 0);
    if (series.length === 0) continue;
    charts.push({ type: 'line', id: `${idPrefix}-${key.replace(/_/g, '-')}-time`, title, description: `${yLabel} of each pool against simulated time.`, xLabel: 'simulated time (s)', yLabel, yDomain: [0, 1], yAsShare: true, series });
  }
  return charts;
}

/** Energy, throughput and size figures of a run. */
export function buildRunFacts(sim: SimulationResult): Fact[] {
  return [
    fact('SLO attainment', formatShare(sim.slo_attainment), 'share of conversations that met every SLO'),
    fact('Energy', formatJoules(sim.energy_j), 'all GPUs, idle included, measured window'),
    fact('Tokens per joule', formatNumber(sim.tokens_per_j), 'full-context input + output tokens, as the paper counts'),
    fact('Output tokens per joule', formatNumber(sim.output_tokens_per_j), null),
    fact('Energy per conversation', formatJoules(sim.energy_per_conversation_j), null),
    fact('KV transfers', formatCount(sim.kv_transfers), formatBytes(sim.kv_transfer_bytes)),
    fact('Preemptions', formatCount(sim.preemptions), null),
    fact('Conversations measured', formatCount(sim.conversations), `${formatCount(sim.turns)} turns, ${formatCount(sim.output_tokens)} output tokens`),
    fact('Conversations arrived', formatCount(readRecord(sim.counts)?.['arrived']), readRecord(sim.counts) ? `${formatCount(readRecord(sim.counts)?.['finished'])} finished, ${formatCount(readRecord(sim.counts)?.['rejected'])} rejected, at most ${formatCount(readRecord(sim.counts)?.['max_in_flight'])} in flight` : null),
    fact('Simulated time', formatSeconds(sim.sim_time_s), `warm-up of ${formatSeconds(sim.warmup_s)} excluded from all statistics${readNumber(sim.measured_window_s) === undefined ? '' : `; measured window ${formatSeconds(sim.measured_window_s)}`}${sim.stopped_at_horizon === true ? '; stopped at the horizon with conversations still in flight' : ''}`),
    fact('Kernel events', formatCount(sim.events), readNumber(sim.wall_s) === undefined ? null : `simulated in ${formatSeconds(sim.wall_s)} wall time`),
  ];
}

/** The pools table: who served, how busy, how full. */
export function buildPoolTable(sim: SimulationResult, id: string): Block | null {
  const pools = readArray(sim.pools).map((p) => readRecord(p) ?? {});
  if (pools.length === 0) return null;
  const withEp = pools.some((p) => (readNumber(p['ep']) ?? 1) > 1);
  const withPrecision = pools.some((p) => readString(p['precision']) !== undefined);
  const rows = pools.map((p, i) => {
    const kv = readRecord(p['kv_occupancy']);
    const role = readString(p['role']) ?? '—';
    const servedAs = readString(p['served_as']);
    // Prefill pools hold KV only until it is sent to a decoder, so the producer records no occupancy for them.
    const noKv = kv === undefined && role === 'prefill' ? 'not held' : '—';
    return [
      textCell(readString(p['name']) ?? `pool ${i + 1}`, { strong: true }), textCell(readString(p['gpu']) ?? '—'),
      textCell(servedAs !== undefined && servedAs !== role ? `${role} (served as ${servedAs})` : role),
      numberCell(formatCount(p['tp'] ?? 1)), ...(withEp ? [numberCell(formatCount(p['ep'] ?? 1))] : []),
      ...(!withPrecision ? [] : [textCell(describePrecision({ ...(readString(p['precision']) ? { precision: readString(p['precision']) } : {}), ...(readString(p['kv_dtype']) ? { kv_dtype: readString(p['kv_dtype']) } : {}) }))]),
      numberCell(formatCount(p['count'])), numberCell(formatShare(p['utilization'])),
      numberCell(kv ? formatShare(kv['mean']) : noKv), numberCell(kv ? formatShare(kv['p95']) : noKv), numberCell(formatJoules(p['energy_j'])),
    ];
  });
  const columns = [column('pool'), column('GPU'), column('role'), column('TP', true), ...(withEp ? [column('EP', true)] : []), ...(withPrecision ? [column('precision')] : []), column('instances', true), column('utilisation', true), column('KV mean', true), column('KV p95', true), column('energy', true)];
  return tableBlock(table(id, 'Pools: busy share, KV occupancy (share of KV capacity) and energy over the measured window', columns, rows));
}

/**
 * The sections that show one run in full.
 *
 * @param idPrefix keeps element ids unique when a report holds several runs
 * @param heading e.g. "Simulation" or "The kernel's check"
 */
export function buildSimulationSections(sim: SimulationResult, idPrefix: string, heading: string): Section[] {
  const policy = readString(sim.policy) ?? 'an unnamed policy';
  const seed = readNumber(sim.seed ?? sim.inputs?.seed);
  const intro = `Policy ${policy}${seed === undefined ? '' : `, seed ${seed}`}; statistics exclude a warm-up of ${formatSeconds(sim.warmup_s)}.`;
  const slowdown = buildSlowdownTable(sim, `${idPrefix}-slowdown`);
  const latency: Block[] = [paragraphsBlock([intro]), buildLatencyTable(sim, `${idPrefix}-latency`), ...(slowdown ? [slowdown] : []), ...buildCdfCharts([{ name: policy, sim }], idPrefix).map(chartBlock)];
  const pools = buildPoolTable(sim, `${idPrefix}-pools`);
  const poolBlocks = [...(pools ? [pools] : []), ...buildSeriesCharts(sim, idPrefix).map(chartBlock)];
  return [
    section(`${idPrefix}-latency`, `${heading}: latency`, latency),
    section(`${idPrefix}-energy`, `${heading}: energy and throughput`, [factsBlock(buildRunFacts(sim))]),
    ...(poolBlocks.length > 0 ? [section(`${idPrefix}-pools`, `${heading}: pools`, poolBlocks)] : []),
  ];
}
