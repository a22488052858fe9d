/**
 * Which SLO keeps too few conversations meeting every target. `slo_attainment` is a joint share: a conversation
 * counts only when it meets all k targets, so each target's own per-conversation miss share must stay below about
 * (1 − attainment) / k (a union bound). The planner's percentiles (p95 each) do not promise that: three targets met
 * at p95 can leave 10–15% of conversations missing one of them. So when only attainment misses, each target is read
 * at the percentile that matches the joint requirement, and the one furthest over its bound is the one to cut.
 *
 * Per-conversation vs per-turn: TTFET has one value per conversation; TTFT is checked on a conversation's worst
 * later turn, so with m later turns the per-turn percentile must be q^(1/m); TBT is checked on a conversation's mean
 * gap, which the per-gap distribution overstates (so the estimate errs towards cutting decode capacity).
 */
import type { SloMetric } from '../../catalogs/types.js';

/** A metric's distribution summary as the kernel reports it (`{mean, p50, p90, p95, p99, max}`). */
export interface MetricSummary {
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** One SLO target with the distribution it is checked against (absolute values or slowdowns, as the target is). */
export interface TargetDistribution {
  readonly metric: SloMetric;
  readonly percentile: number;
  readonly bound: number;
  readonly summary: MetricSummary;
}

export interface AttainmentContributor {
  readonly metric: SloMetric;
  /** The percentile (0–100) the target was read at. */
  readonly percentile: number;
  /** The estimated value at that percentile, in the target's unit. */
  readonly value: number;
  readonly bound: number;
  /** value / bound: above 1, the target keeps conversations from meeting every SLO. */
  readonly ratio: number;
}

/** The value at quantile q (0–1), linear between the summary's points (p50, p90, p95, p99, max = q 1). */
export function interpolateQuantile(s: MetricSummary, q: number): number {
  const points: ReadonlyArray<readonly [number, number]> = [[0.5, s.p50], [0.9, s.p90], [0.95, s.p95], [0.99, s.p99], [1, s.max]];
  if (q <= 0.5) return s.p50;
  for (let i = 1; i < points.length; i++) {
    const [q1, v1] = points[i];
    const [q0, v0] = points[i - 1];
    if (q <= q1) return v0 + ((v1 - v0) * (q - q0)) / (q1 - q0);
  }
  return s.max;
}

/**
 * The per-target quantile (0–1) that keeps joint attainment ≥ `required` over `targets` targets, for a metric with
 * `valuesPerConversation` independent draws of which the worst counts (1 for TTFET, the later-turn count for TTFT).
 */
export function jointQuantile(required: number, targets: number, valuesPerConversation = 1): number {
  const perTarget = 1 - (1 - required) / Math.max(1, targets);
  return perTarget ** (1 / Math.max(1, valuesPerConversation));
}

/**
 * Ranks the targets by how far each is over its bound at the joint quantile, worst first.
 * `laterTurnsPerConversation` is the mean count of turns after the first (TTFT's draws per conversation).
 */
export function rankAttainmentContributors(targets: readonly TargetDistribution[], required: number, laterTurnsPerConversation: number): AttainmentContributor[] {
  const ranked = targets.map((t) => {
    const draws = t.metric === 'ttft_s' ? Math.max(1, laterTurnsPerConversation) : 1;
    const q = Math.max(t.percentile / 100, jointQuantile(required, targets.length, draws));
    const value = interpolateQuantile(t.summary, q);
    return { metric: t.metric, percentile: +(q * 100).toFixed(2), value, bound: t.bound, ratio: t.bound > 0 ? value / t.bound : Infinity };
  });
  return ranked.sort((a, b) => b.ratio - a.ratio);
}
