/**
 * Reads the SLO set into the few numbers the formulation uses (seconds, percentile as a fraction).
 */
import type { SloMetric, SloSet, SloTarget } from '../../catalogs/types.js';

/** One latency bound; absolute in seconds, or a slowdown factor over standalone. */
export type Bound = { readonly kind: 'absolute'; readonly seconds: number } | { readonly kind: 'slowdown'; readonly factor: number };

export interface PlanTargets {
  readonly ttfet?: Bound;
  readonly ttfetPercentile: number;
  readonly ttft?: Bound;
  readonly ttftPercentile: number;
  /** The tighter of tbt_ms and last_turn_tbt_ms (the planner sizes every decode step for it). */
  readonly tbt?: Bound;
}

/** The percentile as a fraction: 95 → 0.95. */
export function percentileFraction(target: SloTarget): number {
  return target.percentile > 1 ? target.percentile / 100 : target.percentile;
}

/** Converts a target's bound to seconds (ms metrics are stored in ms, as the catalog's schema states). */
export function boundOf(target: SloTarget): Bound {
  if (target.kind === 'slowdown') return { kind: 'slowdown', factor: target.maxSlowdown };
  return { kind: 'absolute', seconds: target.metric.endsWith('_ms') ? target.maxValue / 1000 : target.maxValue };
}

function tighter(a: Bound | undefined, b: Bound): Bound {
  if (!a) return b;
  if (a.kind === 'absolute' && b.kind === 'absolute') return a.seconds <= b.seconds ? a : b;
  if (a.kind === 'slowdown' && b.kind === 'slowdown') return a.factor <= b.factor ? a : b;
  return a.kind === 'absolute' ? a : b; // mixed kinds: keep the absolute one, the kernel checks both
}

function pick(slo: SloSet, metrics: readonly SloMetric[]): { bound?: Bound; percentile: number } {
  let bound: Bound | undefined;
  let percentile = 0.5;
  for (const t of slo.targets) {
    if (!metrics.includes(t.metric)) continue;
    bound = tighter(bound, boundOf(t));
    percentile = Math.max(percentile, percentileFraction(t));
  }
  return { bound, percentile };
}

/** Extracts the planning targets from an SLO set. */
export function readTargets(slo: SloSet): PlanTargets {
  const ttfet = pick(slo, ['ttfet_s']);
  const ttft = pick(slo, ['ttft_s']);
  const tbt = pick(slo, ['tbt_ms', 'last_turn_tbt_ms']);
  return { ttfet: ttfet.bound, ttfetPercentile: ttfet.percentile, ttft: ttft.bound, ttftPercentile: ttft.percentile, tbt: tbt.bound };
}

/** Resolves a bound against a standalone latency (seconds). */
export function boundSeconds(bound: Bound | undefined, standaloneSeconds: number): number {
  if (!bound) return Infinity;
  return bound.kind === 'absolute' ? bound.seconds : bound.factor * standaloneSeconds;
}
