/**
 * plan → check → cut → TRIM → cheaper? Each plan is checked by an injected `checkPlan(fleet)` (the kernel under
 * `conserve` at every check seed in production, check/robust-check.ts; a fake in tests).
 *
 * 1. Search: solve, check. A miss refutes the fleet: it and every fleet with no more instances of any pool are cut
 *    away (milp/fleet-shape-rows.ts), so every round asks about a new fleet; capacity cuts on the role behind the miss
 *    (cuts.ts) steer the next solve towards one that holds.
 * 2. TRIM the first fleet that holds (trim.ts); each removal that misses refutes that smaller fleet too.
 * 3. Cheaper: solve again with only the refuted-fleet cuts (the capacity cuts were guesses, not proofs) and the
 *    objective strictly below the cheapest proved fleet (this loop's, or one the caller proved with the same checker:
 *    `provedElsewhere`); check, TRIM what holds; until no cheaper plan remains in the planner's formulation or the
 *    round budget is spent.
 * Every fleet that held is kept; the cheapest is returned. A previous plan given as `candidate` (a what-if's plan
 * before the change, a sweep's neighbouring scenario) is checked first, so an answer never gets dearer than a fleet
 * already known to hold.
 */
import { planToFleet, type FleetOptions } from './fleet.js';
import { planFleet } from '../milp/plan.js';
import { trimPlan } from './trim.js';
import { cutsForMisses } from './cuts.js';
import { candidatePools, cheaperSwaps } from './swap.js';
import { describeSaturation } from './saturation.js';
import { isDominatedBy } from '../milp/fleet-shape-rows.js';
import type { CheckPlan, CheckResult } from './check-result.js';
import type { Plan, PlanCut, PlanOptions, PlanOutcome, PlanRequest } from '../types.js';

export type { CheckPlan, CheckResult, PoolObservation, SloVerdict } from './check-result.js';
export { cutsForMisses, roleScope } from './cuts.js';

export type RoundPhase = 'candidate' | 'search' | 'trim' | 'cheaper' | 'swap';

export interface Round {
  readonly index: number;
  /** Cuts in force for this round's solve. */
  readonly cuts: readonly PlanCut[];
  readonly outcome: PlanOutcome;
  readonly check?: CheckResult;
  /** A TRIM attempt: `count` instances taken from `poolKey`, and whether the smaller plan held. */
  readonly trim?: { readonly poolKey: string; readonly count: number; readonly kept: boolean };
  /** Which step of the loop asked for this check (absent on old results: search). */
  readonly phase?: RoundPhase;
}

/** What TRIM did, over every fleet it trimmed. */
export interface TrimSummary {
  readonly attempts: number;
  readonly removed: readonly string[];
  readonly maxChecks: number;
  /** True when the budget of kernel checks stopped TRIM with untried removals left. */
  readonly budgetExhausted: boolean;
  /** Objective saved by the removals (objective unit). */
  readonly objectiveSaved: number;
}

export interface LoopResult {
  readonly holds: boolean;
  readonly rounds: readonly Round[];
  /** The cheapest plan that held; else the last plan solved; undefined when even the first solve found none. */
  readonly plan?: Plan;
  readonly check?: CheckResult;
  readonly stoppedBecause: 'holds' | 'no-plan' | 'no-cut' | 'max-rounds';
  readonly reason?: string;
  /** Present when TRIM ran (a plan held and trimming was asked for). */
  readonly trim?: TrimSummary;
  /** Fleets the kernel proved (held) and refuted (missed) over the whole loop. */
  readonly proved?: number;
  readonly refuted?: number;
  /** Why the search for a cheaper fleet stopped: none left in the formulation, or its round budget. */
  readonly cheaper?: { readonly rounds: number; readonly exhausted: boolean };
}

export interface LoopOptions extends PlanOptions {
  /** Plan → check rounds before a fleet holds (default 8). */
  readonly maxRounds?: number;
  /** After a plan holds, remove instances while it still holds, with at most `maxChecks` checks per proved fleet. Off when absent. */
  readonly trim?: { readonly maxChecks: number };
  /** Solves for a fleet cheaper than the cheapest proved one (default 3; 0 turns the search off). */
  readonly cheaperRounds?: number;
  /** Kernel checks for single-pool swaps when the MILP has no cheaper fleet (default 4; swap.ts). */
  readonly swapChecks?: number;
  /** A plan known from elsewhere (the previous plan, a neighbouring scenario's): checked first. */
  readonly candidate?: Plan;
  /**
   * The objective of a fleet proved elsewhere with the same checker at the same seeds, in the same objective unit (the
   * `plan` command's single-GPU-type loop): the caller returns the cheaper of the two, so the search for a cheaper
   * fleet (step 3) looks below it. Awaited once, before that search; undefined when nothing held there.
   */
  readonly provedElsewhere?: Promise<number | undefined>;
  readonly fleet?: FleetOptions;
  /**
   * The checker runs on other threads (check/threaded-check.ts): while the kernel checks a candidate of the cheaper
   * search, the next round's solve runs on this thread as if the candidate missed (the common case), and is used only
   * when it did (see `solveAhead`). Off by default: with a checker on this thread the two would take turns.
   */
  readonly solveBesideChecks?: boolean;
}

function describeMisses(check: CheckResult | undefined): string {
  if (!check) return 'an SLO';
  const misses = check.slos.filter((v) => !v.holds).map((v) => `p${v.percentile} ${v.metric} ${v.observed.toPrecision(4)} > ${v.target}`);
  const early = check.stoppedEarly;
  if (check.attainment && !check.attainment.holds) {
    misses.push(early
      ? `slo_attainment ≤ ${check.attainment.observed.toPrecision(4)} < ${check.attainment.required} (${early.failedConversations} of at most ${early.measuredConversations} measured conversations were certain to miss an SLO by ${early.atSeconds.toFixed(0)} s; run stopped there)`
      : `slo_attainment ${check.attainment.observed.toPrecision(4)} < ${check.attainment.required}`);
  }
  misses.push(...describeSaturation(check.saturated ?? []));
  return misses.length > 0 ? misses.join(', ') : 'an SLO';
}

/** Instances per pool key. */
export function fleetCounts(plan: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of plan.instances) if (i.count > 0) out[i.poolKey] = (out[i.poolKey] ?? 0) + i.count;
  return out;
}

function refutedCut(plan: Plan, check: CheckResult): PlanCut {
  return { kind: 'refuted-fleet', counts: fleetCounts(plan), why: `the kernel refuted ${plan.instances.map((i) => `${i.count}× ${i.poolKey}`).join(' + ')}: ${describeMisses(check)}` };
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

/**
 * A known plan's figures under this request (a cheaper GPU, less traffic, a looser SLO): the same fleet, its routing
 * and objective re-solved with the counts fixed. Undefined when the planner's formulation cannot serve the request
 * with that fleet (more traffic, a tighter SLO, a pool no longer offered): then it is no candidate — its objective
 * would be the old scenario's, and those are the directions in which the answer may rightly get dearer.
 */
async function recost(request: PlanRequest, plan: Plan, options: LoopOptions): Promise<Plan | undefined> {
  const counts = fleetCounts(plan);
  const outcome = await planFleet(request, { ...options, cuts: [], fixedCounts: counts });
  if (outcome.ok && sameCounts(fleetCounts(outcome.plan), counts)) return { ...outcome.plan, notes: [...outcome.plan.notes, 'the previous plan, re-costed for this scenario'] };
  return undefined;
}

/** How the loop turns a plan into the fleet it checks (links from the GPUs' inter-node bandwidth). */
export function fleetOptionsFor(request: PlanRequest, options: LoopOptions = {}): FleetOptions {
  return {
    datacenter: request.datacenter,
    ...(options.link ? { link: options.link } : {}),
    interNodeBandwidthBytesPerSecond: Object.fromEntries(request.gpus.map((g) => [g.id, g.interNodeBandwidthBytesPerSecond])),
    ...options.fleet,
  };
}

/** A cheaper-search solve started ahead: its inputs (the cuts' counts and factors, the bound) and its outcome. */
interface SolveAhead {
  readonly key: string;
  readonly outcome: Promise<PlanOutcome>;
}

/**
 * What a solve depends on: the objective bound and each cut without its `why` (words for the user; the MILP reads a
 * refuted fleet's counts and a capacity cut's pool, family and factor). planFleet is a pure function of its request and
 * options, so a solve with the same key gives the same outcome.
 */
function solveKey(cuts: readonly PlanCut[], below: number): string {
  return JSON.stringify([below, cuts.map((c) => Object.entries(c).filter(([k]) => k !== 'why'))]);
}

/**
 * Starts the solve the cheaper search does next should `candidate` miss: the same cuts plus its refuted-fleet cut, below
 * the same bound (a miss proves nothing new, so the bound stays). Called right after the candidate's check went to the
 * checker's threads, so the kernel and this thread's MILP run side by side.
 */
function solveAhead(request: PlanRequest, options: LoopOptions, cuts: readonly PlanCut[], below: number, candidate: Plan): SolveAhead {
  const assumed: PlanCut[] = [...cuts, { kind: 'refuted-fleet', counts: fleetCounts(candidate), why: 'solved ahead, as if the kernel refuted it' }];
  const outcome = planFleet(request, { ...options, cuts: assumed, objectiveBelow: below });
  outcome.catch(() => {}); // awaited (and its error raised) only when used
  return { key: solveKey(assumed, below), outcome };
}

interface Proved {
  readonly plan: Plan;
  readonly check: CheckResult;
  /** When TRIM made this plan: what it removed from the fleet it started from, and the objective that saved. */
  readonly trimmed?: { readonly removed: readonly string[]; readonly objectiveSaved: number };
}

/** Runs the loop. */
export async function planAndCheck(request: PlanRequest, checkPlan: CheckPlan, options: LoopOptions = {}): Promise<LoopResult> {
  const maxRounds = options.maxRounds ?? 8;
  const fleetOptions = fleetOptionsFor(request, options);
  const rounds: Round[] = [];
  const proved: Proved[] = [];
  const refuted: PlanCut[] = [];
  let steering: PlanCut[] = [...(options.cuts ?? [])];
  let trimAttempts = 0;
  let trimBudgetExhausted = false;
  let last: Proved | undefined;
  const check = (plan: Plan) => checkPlan(planToFleet(plan, fleetOptions));
  // Checks whose miss only refutes the fleet (its figures feed no capacity cut): they may stop once the miss is
  // certain (check/early-miss.ts). A fleet that holds is checked in full either way.
  const refute = (plan: Plan, next?: Plan, runAhead?: false) => checkPlan(planToFleet(plan, fleetOptions), { mayStopAtMiss: true, ...(next ? { next: planToFleet(next, fleetOptions) } : {}), ...(runAhead === false ? { runAhead } : {}) });
  const cheapest = (): Proved | undefined => proved.reduce<Proved | undefined>((a, b) => (!a || b.plan.objectiveValue < a.plan.objectiveValue ? b : a), undefined);

  /** TRIMs a proved fleet; holding removals are proved, missing ones refuted. */
  const trimAndKeep = async (held: Proved, cuts: readonly PlanCut[]): Promise<void> => {
    if (!options.trim || options.trim.maxChecks <= 0) return;
    const trimmed = await trimPlan(request, held.plan, held.check, refute, options.trim.maxChecks);
    for (const a of trimmed.attempts) {
      rounds.push({ index: rounds.length, cuts, outcome: { ok: true, plan: a.plan }, check: a.check, trim: { poolKey: a.poolKey, count: a.count, kept: a.kept }, phase: 'trim' });
      if (!a.kept) refuted.push(refutedCut(a.plan, a.check));
    }
    if (trimmed.removed.length > 0) proved.push({ plan: trimmed.plan, check: trimmed.check, trimmed: { removed: trimmed.removed, objectiveSaved: trimmed.objectiveSaved } });
    trimAttempts += trimmed.attempts.length;
    trimBudgetExhausted ||= trimmed.budgetExhausted;
  };

  const candidate = options.candidate ? await recost(request, options.candidate, options) : undefined;
  if (candidate) {
    const c = await refute(candidate);
    rounds.push({ index: rounds.length, cuts: [], outcome: { ok: true, plan: candidate }, check: c, phase: 'candidate' });
    if (c.holds) proved.push({ plan: candidate, check: c });
    else refuted.push(refutedCut(candidate, c));
  }

  // 1. Search for a fleet that holds (skipped when the candidate held: step 3 looks below it).
  let stopped: { because: LoopResult['stoppedBecause']; reason?: string } | undefined;
  for (let index = 0; proved.length === 0 && index < maxRounds; index++) {
    const cuts = [...steering, ...refuted];
    const outcome = await planFleet(request, { ...options, cuts });
    if (!outcome.ok) {
      rounds.push({ index: rounds.length, cuts, outcome, phase: 'search' });
      stopped = { because: 'no-plan', reason: last ? `after ${index} round(s) of tightening no plan remains: ${outcome.reason}` : outcome.reason };
      break;
    }
    const plan = outcome.plan;
    const result = await check(plan);
    rounds.push({ index: rounds.length, cuts, outcome: { ok: true, plan }, check: result, phase: 'search' });
    last = { plan, check: result };
    if (result.holds) {
      proved.push(last);
      break;
    }
    refuted.push(refutedCut(plan, result));
    steering = [...steering, ...cutsForMisses(plan, result)];
  }
  if (proved.length === 0) {
    if (!stopped) stopped = { because: 'max-rounds', reason: `stopped at the round limit (${maxRounds} rounds); the last plan still misses ${describeMisses(last?.check)}` };
    return { holds: false, rounds, plan: last?.plan, check: last?.check, stoppedBecause: stopped.because, reason: stopped.reason, proved: 0, refuted: refuted.length };
  }

  // 2. TRIM the fleet that held.
  await trimAndKeep(cheapest()!, [...steering, ...refuted]);

  // 3. Cheaper fleets, with only what the kernel refuted cut away; when the MILP has none, single-pool swaps (swap.ts).
  const cheaperRounds = options.cheaperRounds ?? 3;
  let swapChecks = cheaperRounds > 0 ? (options.swapChecks ?? 4) : 0;
  const candidates = swapChecks > 0 ? candidatePools(request, options) : [];
  const refutedCounts = () => refuted.flatMap((c) => (c.kind === 'refuted-fleet' ? [c.counts] : []));
  let used = 0;
  let exhausted = false;
  // A fleet at or above a bound proved elsewhere cannot be the caller's answer: below the bound the MILP's relaxation
  // often proves "none cheaper" at once, where proving it below this loop's own best is a full branch and bound (the
  // README command: 0.2 s instead of 9 s of HiGHS).
  const elsewhere = cheaperRounds > 0 && options.provedElsewhere ? await options.provedElsewhere : undefined;
  let ahead: SolveAhead | undefined;
  while (used < cheaperRounds) {
    const best = cheapest()!;
    const below = elsewhere !== undefined ? Math.min(elsewhere, best.plan.objectiveValue) : best.plan.objectiveValue;
    const cuts = [...(options.cuts ?? []), ...refuted];
    const outcome = await (ahead?.key === solveKey(cuts, below) ? ahead.outcome : planFleet(request, { ...options, cuts, objectiveBelow: below }));
    ahead = undefined;
    used++;
    let next: Plan | undefined = outcome.ok ? outcome.plan : undefined;
    let phase: RoundPhase = 'cheaper';
    let result: CheckResult | undefined;
    if (next && options.solveBesideChecks && used < cheaperRounds) {
      // The check goes to the checker's threads first (nothing started beside its first seed: this thread's solve takes
      // that core), then the next round's solve runs here meanwhile.
      const checking = refute(next, undefined, false);
      ahead = solveAhead(request, options, cuts, below, next);
      result = await checking;
    } else if (next) result = await refute(next);
    else {
      // No cheaper fleet in the formulation: try the kernel on single-pool swaps of the cheapest proved fleet.
      const known = refutedCounts();
      const swaps = cheaperSwaps(request, best.plan, candidates).filter((swap) => swap.objectiveValue < below && !known.some((r) => isDominatedBy(fleetCounts(swap), r)));
      for (const [k, swap] of swaps.entries()) {
        if (swapChecks <= 0) break;
        swapChecks--;
        // The next swap (if this one misses and the budget allows) is screened beside it.
        const r = await refute(swap, swapChecks > 0 ? swaps[k + 1] : undefined);
        rounds.push({ index: rounds.length, cuts, outcome: { ok: true, plan: swap }, check: r, phase: 'swap' });
        if (r.holds) {
          next = swap;
          result = r;
          phase = 'swap';
          break;
        }
        refuted.push(refutedCut(swap, r));
      }
      if (!next || !result) break;
    }
    if (phase === 'cheaper') rounds.push({ index: rounds.length, cuts, outcome: { ok: true, plan: next }, check: result, phase });
    if (!result!.holds) {
      refuted.push(refutedCut(next, result!));
      continue;
    }
    proved.push({ plan: next, check: result! });
    await trimAndKeep({ plan: next, check: result! }, cuts);
  }
  if (used >= cheaperRounds && cheaperRounds > 0) exhausted = true;

  const best = cheapest()!;
  const trim = options.trim && options.trim.maxChecks > 0
    ? { attempts: trimAttempts, removed: best.trimmed?.removed ?? [], maxChecks: options.trim.maxChecks, budgetExhausted: trimBudgetExhausted, objectiveSaved: best.trimmed?.objectiveSaved ?? 0 }
    : undefined;
  return {
    holds: true,
    rounds,
    plan: best.plan,
    check: best.check,
    stoppedBecause: 'holds',
    ...(trim ? { trim } : {}),
    proved: proved.length,
    refuted: refuted.length,
    cheaper: { rounds: used, exhausted },
  };
}
