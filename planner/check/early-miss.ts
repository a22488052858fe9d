/**
 * A kernel check stopped as soon as its miss is certain. A candidate the loop only needs refuted (a TRIM removal, a
 * cheaper fleet, a swap) often misses by far, and the rest of its run cannot change the verdict: the check ends there
 * and reports the miss with its evidence. Only refutations stop early; a fleet that holds, and every check whose
 * figures the loop reads (the search rounds' capacity cuts) or the user sees (the plan's own check), runs in full.
 *
 * The certainty argument (joint SLO attainment, the kernel's `slo.met`): the run measures M conversations at most —
 * those arriving in [warm-up, duration), counted from the workload before the run (a rejected or unfinished one is
 * never counted as finished). A finished conversation that missed an SLO stays missed. With F such conversations so
 * far, the final attainment S/x (x finished, S ≤ x − F met, x ≤ M) is at most (x − F)/x ≤ (M − F)/M, and rounding a
 * quotient is monotone, so once (M − F)/M < required the run's `met` is false whatever happens next. F also counts
 * conversations still in flight that are already certain to miss (a TTFET already past its bound, a later turn's TTFT
 * past its bound: the kernel's certainToMissSlo) when the run drains, i.e. every such conversation finishes in it and
 * is then counted as missed.
 */
import type { SloSet } from '../../catalogs/types.js';
import type { ConversationSpec, RunProgress } from '../kernel/index.js';

/** Why a stopped check is certain to miss. */
export interface CertainMiss {
  /** Simulated time at which the miss became certain. */
  readonly atSeconds: number;
  /** Measured conversations certain to miss an SLO (finished, or in flight), and the run's measured conversations at most. */
  readonly failedConversations: number;
  readonly measuredConversations: number;
  /** The largest joint attainment the run could still reach: (M − F)/M, below the required share. */
  readonly attainmentAtMost: number;
  readonly requiredAttainment: number;
}

/** Conversations of `workload` the run measures at most: arrivals in [warm-up, duration). */
export function measuredAtMost(workload: readonly ConversationSpec[], warmupSeconds: number, durationSeconds: number): number {
  let n = 0;
  for (const c of workload) if (c.arrivalSeconds >= warmupSeconds && c.arrivalSeconds < durationSeconds) n++;
  return n;
}

/** The evidence that the run's SLO verdict is already "misses", or undefined while it could still hold. */
export function certainMiss(progress: RunProgress, slo: SloSet, measuredConversations: number): CertainMiss | undefined {
  const required = slo.attainment;
  if (!(required > 0) || measuredConversations <= 0) return undefined;
  // In-flight conversations certain to miss count only when each of them will finish within the run.
  const failed = progress.measuredFinished - progress.sloMet + (progress.drains ? progress.inFlightCertainMisses : 0);
  const attainmentAtMost = (measuredConversations - failed) / measuredConversations;
  if (!(attainmentAtMost < required)) return undefined;
  return { atSeconds: progress.nowSeconds, failedConversations: failed, measuredConversations, attainmentAtMost, requiredAttainment: required };
}

/** The evidence in words (the loop's refuted-fleet cut and the round's miss). */
export function describeCertainMiss(m: CertainMiss): string {
  return `slo_attainment ≤ ${m.attainmentAtMost.toPrecision(4)} < ${m.requiredAttainment}: ${m.failedConversations} of at most ${m.measuredConversations} measured conversations were certain to miss an SLO by ${m.atSeconds.toFixed(0)} s (run stopped there)`;
}
