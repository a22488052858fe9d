/**
 * "Holds" means at every check seed (DESIGN.md, "What makes a plan right"): a fleet that holds at one seed and not at
 * another is not done, or TRIM tunes the plan to one seed's luck and `validate` on a fresh seed disagrees. The robust
 * checker runs the kernel at each seed in turn and stops at the first miss (a refutation needs one seed; a proof
 * needs all), so a removal TRIM puts back usually costs one run. Runs are remembered per (fleet, seed): the loop
 * re-checks a fleet it has seen (a what-if's previous plan, a TRIM attempt equal to a cheaper-search answer) for free.
 */
import type { Fleet } from '../../catalogs/types.js';
import type { CheckOptions, CheckPlan, CheckResult, SeedVerdict } from './check-result.js';

export interface RobustCheckResult extends CheckResult {
  readonly seeds: readonly SeedVerdict[];
  /** The smallest margin over every seed run; negative when a seed missed. */
  readonly margin: number;
}

/**
 * How far a check is from its nearest SLO, as a share: (target − observed) / target for each percentile target,
 * (observed − required) / required for joint attainment; the smallest of them. 0.12 = every target met with at least
 * 12% to spare; negative = missed by that share.
 */
export function checkMargin(check: CheckResult): number {
  let margin = Infinity;
  for (const v of check.slos) if (v.target > 0) margin = Math.min(margin, (v.target - v.observed) / v.target);
  if (check.attainment && check.attainment.required > 0) margin = Math.min(margin, (check.attainment.observed - check.attainment.required) / check.attainment.required);
  for (const p of check.saturated ?? []) margin = Math.min(margin, (p.limit - p.utilization) / p.limit);
  return Number.isFinite(margin) ? margin : check.holds ? 0 : -1;
}

/** The seeds a plan is checked at: `seed`, `seed + 1`, … (`count` of them, at least one). */
export function checkSeeds(seed: number, count: number): number[] {
  return Array.from({ length: Math.max(1, Math.floor(count)) }, (_, i) => seed + i);
}

function fleetKey(fleet: Fleet): string {
  return JSON.stringify(fleet);
}

export interface RobustCheckOptions {
  /**
   * Seeds run at once (default 1): with `checkAt` on worker threads (threaded-check.ts), seed i + 1 starts while seed
   * i runs. The results are still read in seed order, so the verdict, the seed returned and the margin are the same
   * as one at a time. A full check (one whose figures the caller reads: a search round, a proof) hands every later
   * seed to `checkAt` at once, which queues them (threaded-check.ts: piscina's queue), so a thread that frees up starts
   * the next seed without waiting for this thread, which may be busy with a MILP for seconds. A run started for a seed
   * after a miss is dropped (its thread freed, a queued one never started): a missing seed ends the check either way.
   */
  readonly concurrency?: number;
}

/**
 * A CheckPlan that holds only when `checkAt` holds at every seed. Returns the first missing seed's result, or (when
 * all hold) the result of the seed with the smallest margin, each with every seed run and the overall margin.
 */
export function createRobustChecker<R extends CheckResult>(checkAt: (fleet: Fleet, seed: number, check?: CheckOptions) => Promise<R>, seeds: readonly number[], options: RobustCheckOptions = {}): (fleet: Fleet, check?: CheckOptions) => Promise<R & RobustCheckResult> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  if (seeds.length === 0) throw new Error('createRobustChecker needs at least one seed');
  const memo = new Map<string, { readonly result: Promise<R>; readonly dropped?: AbortController }>();
  // A run that may stop at a certain miss is remembered apart from a full one; a full run answers both.
  const run = (fleet: Fleet, seed: number, check: CheckOptions, speculative: boolean): Promise<R> => {
    const full = `${seed}:full:${fleetKey(fleet)}`;
    const key = check.mayStopAtMiss ? `${seed}:refute:${fleetKey(fleet)}` : full;
    let entry = memo.get(full) ?? memo.get(key);
    if (!entry) {
      // A later seed started ahead of time is dropped (its thread freed) once an earlier seed misses.
      const dropped = speculative ? new AbortController() : undefined;
      const result = checkAt(fleet, seed, dropped ? { ...check, signal: dropped.signal } : check);
      entry = { result, ...(dropped ? { dropped } : {}) };
      memo.set(key, entry);
      // A failed run (an interrupt, a dropped speculation) is not remembered.
      const stored = entry;
      result.catch(() => {
        if (memo.get(key) === stored) memo.delete(key);
      });
    }
    return entry.result;
  };
  /** A run's result; a speculation dropped under another caller's feet is run again. */
  const settled = async (fleet: Fleet, seed: number, check: CheckOptions): Promise<R> => {
    for (;;) {
      const full = `${seed}:full:${fleetKey(fleet)}`;
      const entry = memo.get(full) ?? memo.get(check.mayStopAtMiss ? `${seed}:refute:${fleetKey(fleet)}` : full);
      try {
        return await run(fleet, seed, check, false);
      } catch (error) {
        if (entry?.dropped?.signal.aborted) continue;
        throw error;
      }
    }
  };
  const dropLaterSeeds = (fleet: Fleet, after: number) => {
    for (const seed of seeds.slice(after + 1)) for (const kind of ['refute', 'full']) memo.get(`${seed}:${kind}:${fleetKey(fleet)}`)?.dropped?.abort();
  };
  // Per fleet, the first seed index known to miss: no later seed of that fleet is ever read, so none is started.
  const firstMiss = new Map<string, number>();
  const missedAt = (fleet: Fleet, index: number) => {
    const key = fleetKey(fleet);
    firstMiss.set(key, Math.min(firstMiss.get(key) ?? Infinity, index));
    dropLaterSeeds(fleet, index);
  };
  /**
   * A later seed started ahead of time runs as a refutation: it may stop once its miss is certain. A seed is only read
   * when every earlier seed held, and a miss ends the check, so a run started ahead that misses is read at most once
   * — and most are never read (an earlier seed misses: a search round's common case). Stopping at the certain miss
   * saves the rest of that run, and the seeds after it are dropped at once (the check's answer is then decided by the
   * seeds before it). A run ahead that went the whole way (it held, or missed without stopping) is the full run.
   */
  const runAhead = (fleet: Fleet, k: number): void => {
    const key = fleetKey(fleet);
    if ((firstMiss.get(key) ?? Infinity) < k) return;
    void run(fleet, seeds[k], { mayStopAtMiss: true }, true).then((r) => {
      if (!r.holds) missedAt(fleet, k);
    }, () => {});
  };
  /** Seed `seed`'s result for `check`: a full check takes the run started ahead when it went the whole way. */
  const resultAt = async (fleet: Fleet, seed: number, check: CheckOptions): Promise<R> => {
    const key = fleetKey(fleet);
    const ahead = !check.mayStopAtMiss && !memo.has(`${seed}:full:${key}`) ? memo.get(`${seed}:refute:${key}`) : undefined;
    if (ahead) {
      const r = await ahead.result.catch(() => undefined);
      if (r && !r.stoppedEarly) return r;
    }
    return settled(fleet, seed, check);
  };
  return async (fleet, check = {}) => {
    const verdicts: SeedVerdict[] = [];
    let worst: R | undefined;
    let worstMargin = Infinity;
    for (const [i, seed] of seeds.entries()) {
      const pending = resultAt(fleet, seed, check);
      // Beside the first seed: the candidate the caller checks next if this one misses (a thread spent on another
      // fleet, not on a later seed that a miss would waste); else the next seeds (a refutation: up to `concurrency`
      // in flight; a full check: all of them, queued). Either way the memo makes each run once, and results are read
      // in order.
      const ahead = check.mayStopAtMiss ? concurrency : seeds.length;
      if (i === 0 && check.runAhead === false) {
        // The caller uses the spare thread meanwhile.
      } else if (i === 0 && check.next && concurrency > 1) void run(check.next, seeds[0], { mayStopAtMiss: true }, false).catch(() => {});
      else if (concurrency > 1) for (let k = i + 1; k < Math.min(seeds.length, i + ahead); k++) runAhead(fleet, k);
      const result = await pending;
      if (!result.holds) missedAt(fleet, i);
      const margin = checkMargin(result);
      verdicts.push({ seed, holds: result.holds, margin });
      if (!result.holds) return { ...result, seeds: verdicts, margin: Math.min(margin, worstMargin) };
      if (margin < worstMargin || worst === undefined) {
        worst = result;
        worstMargin = margin;
      }
    }
    return { ...worst!, seeds: verdicts, margin: worstMargin };
  };
}

/** The robust checker as a plain CheckPlan (for callers that need no more than CheckResult). */
export function robustCheckPlan(checkAt: (fleet: Fleet, seed: number) => Promise<CheckResult>, seeds: readonly number[]): CheckPlan {
  return createRobustChecker(checkAt, seeds);
}
