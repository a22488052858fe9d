/**
 * What a check of one fleet reports back to the loop and to TRIM (the kernel in production, a fake in tests). Its own
 * file so that the loop, TRIM and the kernel checker share it without importing one another.
 */
import type { Fleet, Role, SloMetric } from '../../catalogs/types.js';
import type { AttainmentContributor } from '../demand/attainment.js';

/** One SLO as the checker measured it (values in the metric's unit: s or ms). */
export interface SloVerdict {
  readonly metric: SloMetric;
  readonly percentile: number;
  readonly target: number;
  readonly observed: number;
  readonly holds: boolean;
}

/** A prefill pool measured busier than the limit a steady state allows. */
export interface SaturatedPool {
  readonly gpu: string;
  readonly tp: number;
  readonly ep?: number;
  readonly utilization: number;
  readonly limit: number;
}

/** What the checker saw per pool, when it reports it (used to pick the pool behind a miss). */
export interface PoolObservation {
  readonly gpu: string;
  readonly tp: number;
  /** Absent = 1. */
  readonly ep?: number;
  /** Absent = the planned pool's own (checks that do not say). */
  readonly precision?: string;
  readonly role: Role;
  readonly powerCapWatts?: number;
  readonly utilization?: number;
  readonly kvOccupancyP95?: number;
  readonly preemptions?: number;
}

export interface CheckResult {
  readonly holds: boolean;
  readonly slos: readonly SloVerdict[];
  /** Share of conversations meeting every SLO, when the checker measures it. */
  readonly attainment?: {
    readonly observed: number;
    readonly required: number;
    readonly holds: boolean;
    /** Targets read at the percentile joint attainment needs, worst first (attainment.ts), when measured. */
    readonly contributors?: readonly AttainmentContributor[];
  };
  /**
   * Prefill pools busier than the planner's utilisation limit over the loaded window (check/saturation.ts): their queue
   * has no steady state, so the fleet misses however its SLOs read over this run.
   */
  readonly saturated?: readonly SaturatedPool[];
  /** Conversations preempted for lack of KV memory, fleet-wide. */
  readonly preemptions?: number;
  readonly pools?: readonly PoolObservation[];
  /** Each check seed's verdict, when the result comes from the robust checker (robust-check.ts). */
  readonly seeds?: readonly SeedVerdict[];
  /** The smallest relative margin to an SLO over the seeds run (negative: missed by that share). */
  readonly margin?: number;
  /**
   * Present when the check stopped once its miss was certain (check/early-miss.ts): `attainment.observed` is then the
   * largest attainment the full run could have reached, and `slos` is empty (the percentiles were not measured).
   */
  readonly stoppedEarly?: { readonly atSeconds: number; readonly failedConversations: number; readonly measuredConversations: number };
}

/** How a check may be run. */
export interface CheckOptions {
  /**
   * The caller only needs to know whether the fleet misses (a TRIM removal, a cheaper candidate, a swap): the check
   * may stop once its miss is certain and report the evidence instead of the full run's figures. A fleet that holds
   * is always checked in full.
   */
  readonly mayStopAtMiss?: boolean;
  /**
   * The fleet the caller checks next if this one misses (TRIM's next removal, the next swap): a checker with threads to
   * spare screens it at the first seed beside this check's first seed, instead of starting this fleet's later seeds.
   */
  readonly next?: Fleet;
  /**
   * False when the caller keeps the spare thread busy itself while this check's first seed runs (the loop's next solve,
   * started as if this check misses): nothing is started beside the first seed. Later seeds still run side by side once
   * the first has held. The answer is the same either way.
   */
  readonly runAhead?: boolean;
  /** Drops the run (a speculative later seed no longer needed): its promise rejects. */
  readonly signal?: AbortSignal;
}

/** One check seed's verdict and its smallest relative margin to an SLO. */
export interface SeedVerdict {
  readonly seed: number;
  readonly holds: boolean;
  readonly margin: number;
}

export type CheckPlan = (fleet: Fleet, options?: CheckOptions) => Promise<CheckResult>;
