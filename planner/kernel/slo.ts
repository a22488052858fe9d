/**
 * SLO checks. Per conversation (for `slo_attainment`): TTFET is its one value, TTFT its worst later turn, TBT its
 * mean gap over all turns and over the last turn; a slowdown target divides by the same conversation's standalone
 * value. Per run: each target's percentile over the measured distribution against its bound.
 */
import type { SloMetric, SloSet, SloTarget } from '../../catalogs/types.js';
import type { ConvState } from './conversation.js';
import { quantile, type Histogram } from './histogram.js';

function conversationValue(conv: ConvState, metric: SloMetric): { value: number; standalone: number } {
  const st = conv.standalone;
  switch (metric) {
    case 'ttfet_s':
      return { value: conv.ttfetSeconds, standalone: st.ttfetSeconds };
    case 'ttft_s':
      // maxTtftSlowdown is tracked turn by turn because each turn has its own standalone TTFT.
      return { value: conv.maxTtftSeconds, standalone: conv.maxTtftSlowdown > 0 ? conv.maxTtftSeconds / conv.maxTtftSlowdown : NaN };
    case 'tbt_ms':
      return { value: conv.tbtCount > 0 ? (conv.tbtSumSeconds / conv.tbtCount) * 1000 : NaN, standalone: st.meanTbtSeconds * 1000 };
    case 'last_turn_tbt_ms':
      return { value: conv.lastTurnTbtCount > 0 ? (conv.lastTurnTbtSumSeconds / conv.lastTurnTbtCount) * 1000 : NaN, standalone: st.lastTurnMeanTbtSeconds * 1000 };
  }
}

function meets(conv: ConvState, target: SloTarget): boolean {
  if (target.metric === 'ttft_s' && target.kind === 'slowdown') return conv.maxTtftSlowdown <= target.maxSlowdown;
  const { value, standalone } = conversationValue(conv, target.metric);
  if (Number.isNaN(value)) return true; // the metric does not exist for this conversation (no later turn, no gap)
  if (target.kind === 'absolute') return value <= target.maxValue;
  return value / standalone <= target.maxSlowdown;
}

/** Whether a finished conversation met every target of the set. */
export function meetsEverySlo(conv: ConvState, slo: SloSet): boolean {
  for (const t of slo.targets) if (!meets(conv, t)) return false;
  return true;
}

export interface SloTargetCheck {
  readonly metric: SloMetric;
  readonly percentile: number;
  readonly kind: 'absolute' | 'slowdown';
  readonly bound: number;
  readonly value: number;
  readonly met: boolean;
}

/** The run-level check of one target: the percentile of its distribution (ms already applied) against the bound. */
export function checkTarget(target: SloTarget, absolute: Histogram, slowdown: Histogram, scale: number): SloTargetCheck {
  const h = target.kind === 'absolute' ? absolute : slowdown;
  const raw = quantile(h, target.percentile / 100);
  const value = Number.isNaN(raw) ? 0 : target.kind === 'absolute' ? raw * scale : raw;
  const bound = target.kind === 'absolute' ? target.maxValue : target.maxSlowdown;
  return { metric: target.metric, percentile: target.percentile, kind: target.kind, bound, value, met: value <= bound };
}

/**
 * Whether a conversation not yet finished at `nowSeconds` is already certain to miss the set when it finishes: its
 * TTFET is out and late, or not out and already past the bound (it can only be later); or its worst later-turn TTFT
 * (which only grows) is past the bound. A TBT target is a mean that can still fall: never certain here.
 */
export function certainToMissSlo(conv: ConvState, slo: SloSet, nowSeconds: number): boolean {
  for (const t of slo.targets) {
    if (t.metric === 'ttfet_s') {
      const atLeast = Number.isNaN(conv.ttfetSeconds) ? nowSeconds - conv.spec.arrivalSeconds : conv.ttfetSeconds;
      if (t.kind === 'absolute' ? atLeast > t.maxValue : atLeast / conv.standalone.ttfetSeconds > t.maxSlowdown) return true;
    } else if (t.metric === 'ttft_s') {
      if (t.kind === 'absolute' ? conv.maxTtftSeconds > t.maxValue : conv.maxTtftSlowdown > t.maxSlowdown) return true;
    }
  }
  return false;
}
