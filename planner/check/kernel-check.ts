/**
 * The production checker for the plan → check → tighten loop: the kernel under `conserve` on the mix (`colocated` for a
 * plan with no prefill/decode split), its SLO
 * verdicts turned into the loop's CheckResult. Pure (the kernel is): the caller supplies seed, duration and models.
 */
import type { Fleet, InstancePool, Mix, SloSet } from '../../catalogs/types.js';
import type { PerfModel } from '../../models/types.js';
import { generateConversations, simulateConversations, type KernelOptions, type SimulationResult } from '../kernel/index.js';
import type { CheckPlan, CheckResult, SloVerdict } from './check-result.js';
import { rankAttainmentContributors, type MetricSummary } from '../demand/attainment.js';
import { effectivePolicy } from './check-policy.js';
import { CHECK_POLICY } from '../options.js';

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

/** Runs the kernel once on a fleet. */
export function simulateForCheck(fleet: Fleet, options: KernelCheckOptions): SimulationResult {
  const warmupSeconds = options.warmupSeconds ?? Math.min(60, 0.1 * options.durationSeconds);
  return simulateConversations(fleet, generateConversations(options.mix, { seed: options.seed, durationSeconds: options.durationSeconds }), options.perfModelFor, {
    ...options.kernel,
    policy: effectivePolicy(fleet, CHECK_POLICY),
    seed: options.seed,
    slo: options.slo,
    durationSeconds: options.durationSeconds,
    warmupSeconds,
  });
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
  const holds = simulation.slo?.met ?? slos.every((s) => s.holds);
  const contributors = attainment ? attainmentContributors(simulation, attainment.required) : [];
  return { holds, slos, ...(attainment ? { attainment: { ...attainment, ...(contributors.length > 0 ? { contributors } : {}) } } : {}), preemptions: simulation.preemptions, pools, simulation };
}

/** A CheckPlan backed by the kernel. */
export function createKernelChecker(options: KernelCheckOptions): CheckPlan {
  return async (fleet) => toCheckResult(fleet, simulateForCheck(fleet, options));
}
