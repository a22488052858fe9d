/**
 * The production checker for the plan → check → tighten loop: the kernel under `conserve` on the mix (`colocated` for a
 * plan with no prefill/decode split), its SLO
 * verdicts turned into the loop's CheckResult. Pure (the kernel is): the caller supplies seed, duration and models.
 */
import type { Fleet, InstancePool, Mix, SloSet } from '../../catalogs/types.js';
import type { PerfModel } from '../../models/types.js';
import { generateConversations, simulateConversations, startSimulation, type KernelOptions, type SimulationResult } from '../kernel/index.js';
import type { CheckOptions, CheckPlan, CheckResult, SloVerdict } from './check-result.js';
import { certainMiss, measuredAtMost, type CertainMiss } from './early-miss.js';
import { rankAttainmentContributors, type MetricSummary } from '../demand/attainment.js';
import { effectivePolicy } from './check-policy.js';
import { CHECK_POLICY } from '../options.js';
import { saturatedPrefillPools } from './saturation.js';

export interface KernelCheckOptions {
  readonly mix: Mix;
  readonly slo: SloSet;
  readonly perfModelFor: (pool: InstancePool) => PerfModel;
  readonly seed: number;
  /** Simulated seconds of arrivals (the check: 20 minutes). */
  readonly durationSeconds: number;
  /** Excluded from statistics (default: a tenth of the duration, at most 60 s). */
  readonly warmupSeconds?: number;
  /** Other kernel settings (progress callback, mode, …). */
  readonly kernel?: Partial<Omit<KernelOptions, 'policy' | 'seed' | 'slo' | 'durationSeconds' | 'warmupSeconds'>>;
}

/** A check result that also carries the simulation it came from (for reports and `validate`). */
export interface KernelCheckResult extends CheckResult {
  readonly simulation: SimulationResult;
}

/** A check stopped once its miss was certain (early-miss.ts): no simulation, the evidence instead. */
export interface EarlyMissResult extends CheckResult {
  readonly holds: false;
  readonly stoppedEarly: CertainMiss;
}

export type KernelCheckOutcome = KernelCheckResult | EarlyMissResult;

function kernelOptionsFor(fleet: Fleet, options: KernelCheckOptions): KernelOptions {
  return {
    ...options.kernel,
    policy: effectivePolicy(fleet, CHECK_POLICY),
    seed: options.seed,
    slo: options.slo,
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds ?? Math.min(60, 0.1 * options.durationSeconds),
  };
}

/** Runs the kernel once on a fleet. */
export function simulateForCheck(fleet: Fleet, options: KernelCheckOptions): SimulationResult {
  return simulateConversations(fleet, generateConversations(options.mix, { seed: options.seed, durationSeconds: options.durationSeconds }), options.perfModelFor, kernelOptionsFor(fleet, options));
}

/** Events between two looks at whether the miss is certain (a look costs a few comparisons). */
const EARLY_MISS_SLICE_EVENTS = 2_000;

/**
 * Runs the kernel on a fleet, stopping as soon as its miss is certain (early-miss.ts; only with `stopAtMiss`) or as
 * soon as `dropped()` says the run is no longer wanted (a speculative seed after another seed missed: the worker
 * thread goes on to the next task instead of being torn down and restarted). A run that is not stopped is the same run
 * as simulateForCheck's, byte for byte (the same workload, the kernel advanced in slices).
 */
export function simulateUntilCertainMiss(fleet: Fleet, options: KernelCheckOptions, stop: { readonly stopAtMiss?: boolean; readonly dropped?: () => boolean } = { stopAtMiss: true }): { simulation: SimulationResult } | { miss: CertainMiss } | { dropped: true } {
  const kernelOptions = kernelOptionsFor(fleet, options);
  const workload = [...generateConversations(options.mix, { seed: options.seed, durationSeconds: options.durationSeconds })];
  const measured = measuredAtMost(workload, kernelOptions.warmupSeconds!, options.durationSeconds);
  const run = startSimulation(fleet, workload, options.perfModelFor, kernelOptions);
  while (!run.advance(EARLY_MISS_SLICE_EVENTS)) {
    if (stop.dropped?.()) return { dropped: true };
    const miss = stop.stopAtMiss ? certainMiss(run.progress(), options.slo, measured) : undefined;
    if (miss) return { miss };
  }
  return { simulation: run.finish() };
}

/** The kernel check of a fleet; with `mayStopAtMiss`, stopped once its miss is certain. */
export function checkFleet(fleet: Fleet, options: KernelCheckOptions, check: CheckOptions = {}): KernelCheckOutcome {
  if (!check.mayStopAtMiss) return toCheckResult(fleet, simulateForCheck(fleet, options));
  return checkFleetUnlessDropped(fleet, options, check, () => false)!;
}

/** checkFleet, or undefined as soon as `dropped()` returns true (asked between slices of the run). */
export function checkFleetUnlessDropped(fleet: Fleet, options: KernelCheckOptions, check: CheckOptions, dropped: () => boolean): KernelCheckOutcome | undefined {
  const outcome = simulateUntilCertainMiss(fleet, options, { stopAtMiss: check.mayStopAtMiss === true, dropped });
  if ('dropped' in outcome) return undefined;
  if ('simulation' in outcome) return toCheckResult(fleet, outcome.simulation);
  return earlyMissResult(outcome.miss);
}

/** The loop's view of a stopped check: a miss of joint attainment, read as an upper bound. */
export function earlyMissResult(miss: CertainMiss): EarlyMissResult {
  return { holds: false, slos: [], attainment: { observed: miss.attainmentAtMost, required: miss.requiredAttainment, holds: false }, stoppedEarly: miss };
}

const SLOWDOWN_KEY = { ttfet_s: 'ttfet', ttft_s: 'ttft', tbt_ms: 'tbt', last_turn_tbt_ms: 'last_turn_tbt' } as const;

/** Each target read at the percentile that joint attainment needs (see attainment.ts), worst first. */
function attainmentContributors(simulation: SimulationResult, required: number) {
  const targets = (simulation.slo?.targets ?? []).map((t) => {
    const summary: MetricSummary = t.kind === 'slowdown' ? simulation.slowdown[SLOWDOWN_KEY[t.metric]] : simulation[t.metric];
    return { metric: t.metric, percentile: t.percentile, bound: t.bound, summary };
  });
  const laterTurns = simulation.conversations > 0 ? simulation.turns / simulation.conversations - 1 : 1;
  return rankAttainmentContributors(targets, required, laterTurns);
}

/** The loop's view of a simulation: per-target verdicts, attainment, per-pool utilisation. */
export function toCheckResult(fleet: Fleet, simulation: SimulationResult): KernelCheckResult {
  const slos: SloVerdict[] = (simulation.slo?.targets ?? []).map((t) => ({ metric: t.metric, percentile: t.percentile, target: t.bound, observed: t.value, holds: t.met }));
  const required = simulation.slo?.required_attainment;
  const observed = simulation.slo_attainment;
  const attainment = required !== undefined && observed !== null ? { observed, required, holds: observed >= required } : undefined;
  // The kernel lists pools in the fleet's order; the cap comes from the fleet (the kernel's pool record has none).
  const pools = simulation.pools.map((p, i) => ({
    gpu: p.gpu,
    tp: p.tp,
    ep: p.ep ?? 1,
    precision: p.precision,
    role: fleet.instances[i]?.role ?? (p.role as InstancePool['role']),
    powerCapWatts: fleet.instances[i]?.powerCapWatts,
    utilization: p.utilization,
    kvOccupancyP95: p.kv_occupancy?.p95,
  }));
  const saturated = saturatedPrefillPools(simulation);
  const holds = (simulation.slo?.met ?? slos.every((s) => s.holds)) && saturated.length === 0;
  const contributors = attainment ? attainmentContributors(simulation, attainment.required) : [];
  return { holds, slos, ...(attainment ? { attainment: { ...attainment, ...(contributors.length > 0 ? { contributors } : {}) } } : {}), ...(saturated.length > 0 ? { saturated } : {}), preemptions: simulation.preemptions, pools, simulation };
}

/** A CheckPlan backed by the kernel. */
export function createKernelChecker(options: KernelCheckOptions): CheckPlan {
  return async (fleet, check) => checkFleet(fleet, options, check);
}
