/**
 * What the diff table compares: a re-plan's result reduced to GPUs per pool, cost, energy and SLO margins, and the
 * table rows of the current step against the previous and the starting one. Pure; the CLI renders the rows.
 */
import { instanceGpus } from '../../catalogs/precision.js';
import type { SimulationResult } from '../kernel/index.js';
import type { ReplanResult } from './replan.js';

export interface Snapshot {
  readonly holds: boolean;
  /** Why there is no plan, when there is none. */
  readonly reason?: string;
  /** Instances per pool key (e.g. `h100-sxm/tp4/decode/tdp`). */
  readonly pools: Readonly<Record<string, number>>;
  readonly gpuCount: number;
  readonly tcoUsd?: number;
  readonly jPerOutputToken?: number;
  readonly powerKw?: number;
  /** Per SLO: (target − observed) / target for latencies, (observed − required) / required for attainment. */
  readonly margins: Readonly<Record<string, number>>;
}

function marginsOf(sim: SimulationResult | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of sim?.slo?.targets ?? []) out[`p${t.percentile} ${t.metric}${t.kind === 'slowdown' ? ' slowdown' : ''}`] = (t.bound - t.value) / t.bound;
  if (sim?.slo && sim.slo_attainment !== null) out.slo_attainment = (sim.slo_attainment - sim.slo.required_attainment) / sim.slo.required_attainment;
  return out;
}

/** The figures of one re-plan. */
export function snapshotOf(result: ReplanResult): Snapshot {
  const plan = result.loop.plan;
  if (!plan) return { holds: false, reason: result.loop.reason ?? 'no plan', pools: {}, gpuCount: 0, margins: {} };
  const pools: Record<string, number> = {};
  for (const i of plan.instances) pools[i.poolKey] = (pools[i.poolKey] ?? 0) + i.count;
  return {
    holds: result.loop.holds,
    pools,
    gpuCount: plan.instances.reduce((s, i) => s + i.count * instanceGpus(i), 0),
    tcoUsd: plan.cost.tcoUsd,
    jPerOutputToken: plan.energy.jPerOutputToken,
    powerKw: plan.powerWatts / 1000,
    margins: marginsOf(result.simulation),
  };
}

type Figure = (s: Snapshot) => number | undefined;

function fmt(value: number | undefined, kind: 'count' | 'usd' | 'j' | 'kw' | 'pct'): string {
  if (value === undefined) return '—';
  switch (kind) {
    case 'count': return String(value);
    case 'usd': return Math.round(value).toLocaleString('en-US');
    case 'j': return value.toFixed(3);
    case 'kw': return value.toFixed(1);
    case 'pct': return `${(value * 100).toFixed(1)}%`;
  }
}

function delta(now: number | undefined, then: number | undefined, kind: 'count' | 'usd' | 'j' | 'kw' | 'pct'): string {
  if (now === undefined || then === undefined) return now === then ? '' : 'n/a';
  const d = now - then;
  if (Math.abs(d) < 1e-9) return '=';
  const sign = d > 0 ? '+' : '−';
  if (kind === 'pct') return `${sign}${(Math.abs(d) * 100).toFixed(1)} pt`;
  const rel = then !== 0 ? ` (${sign}${((Math.abs(d) / Math.abs(then)) * 100).toFixed(1)}%)` : '';
  return `${sign}${fmt(Math.abs(d), kind)}${kind === 'count' ? '' : rel}`;
}

/** Header of the diff table. */
export const DIFF_HEAD = ['', 'start', 'previous', 'now', 'vs previous', 'vs start'] as const;

/**
 * Rows: one per pool in any of the three (GPUs of that pool: instances), then GPUs, TCO, J per output token,
 * peak power, one per SLO margin, and whether the plan holds.
 */
export function diffRows(start: Snapshot, previous: Snapshot, now: Snapshot): string[][] {
  const row = (label: string, figure: Figure, kind: 'count' | 'usd' | 'j' | 'kw' | 'pct'): string[] =>
    [label, fmt(figure(start), kind), fmt(figure(previous), kind), fmt(figure(now), kind), delta(figure(now), figure(previous), kind), delta(figure(now), figure(start), kind)];
  const poolKeys = [...new Set([...Object.keys(start.pools), ...Object.keys(previous.pools), ...Object.keys(now.pools)])].sort();
  const sloNames = [...new Set([...Object.keys(start.margins), ...Object.keys(previous.margins), ...Object.keys(now.margins)])];
  const has = (s: Snapshot) => s.tcoUsd !== undefined;
  return [
    ...poolKeys.map((k) => row(`instances ${k}`, (s) => (has(s) ? s.pools[k] ?? 0 : undefined), 'count')),
    row('GPUs', (s) => (has(s) ? s.gpuCount : undefined), 'count'),
    row('TCO USD', (s) => s.tcoUsd, 'usd'),
    row('J per output token', (s) => s.jPerOutputToken, 'j'),
    row('peak GPU power kW', (s) => s.powerKw, 'kw'),
    ...sloNames.map((n) => row(`margin ${n}`, (s) => s.margins[n], 'pct')),
    ['holds', ...[start, previous, now].map((s) => (s.tcoUsd === undefined ? 'no plan' : s.holds ? 'yes' : 'no')), '', ''],
  ];
}

/** A snapshot in the JSON contract's snake_case with units in the names. */
export function snapshotToJson(s: Snapshot) {
  return {
    holds: s.holds,
    ...(s.reason !== undefined ? { reason: s.reason } : {}),
    instances_per_pool: s.pools,
    gpus: s.gpuCount,
    ...(s.tcoUsd !== undefined ? { tco_usd: s.tcoUsd, j_per_output_token: s.jPerOutputToken, power_w: s.powerKw! * 1000 } : {}),
    slo_margins: s.margins,
  };
}
