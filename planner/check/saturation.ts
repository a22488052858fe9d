/**
 * A finite check cannot see an unstable queue: a prefiller offered more work than it serves builds a backlog that a
 * 20-minute run with a loose TTFET target absorbs. Seen: DeepSeek-V3 with one MI325X TP4·EP2 prefiller, busy 1.00 of
 * the loaded window, held at check seeds 1–3 and at `validate --duration-s 3600`, and missed TTFET at 7200 s (p95
 * slowdown 4.38 > 3, attainment 0.65). The planner never books a prefiller above MAX_UTILISATION (demand/queueing.ts:
 * arrival bursts are not Poisson-smooth); the check holds fleets to the same limit, so TRIM, swaps and the cheaper
 * search cannot prove what the planner's model says has no steady state. Decoders are not read: a decode engine is
 * busy whenever it holds a batch, so its utilisation says nothing about its queue.
 */
import type { SimulationResult } from '../kernel/index.js';
import { MAX_UTILISATION } from '../demand/queueing.js';
import type { SaturatedPool } from './check-result.js';

/** The prefill pools of a run busier than MAX_UTILISATION over the loaded window (warm-up to the end of arrivals). */
export function saturatedPrefillPools(simulation: Pick<SimulationResult, 'pools'>): SaturatedPool[] {
  return simulation.pools
    .filter((p) => p.served_as === 'prefill' && p.count > 0 && p.utilization > MAX_UTILISATION)
    .map((p) => ({ gpu: p.gpu, tp: p.tp, ...(p.ep !== undefined && p.ep > 1 ? { ep: p.ep } : {}), utilization: p.utilization, limit: MAX_UTILISATION }));
}

/** `mi325x/tp4ep2`: how rounds, cuts, plan.json and validate name a saturated pool. */
export function saturatedPoolLabel(p: SaturatedPool): string {
  return `${p.gpu}/tp${p.tp}${p.ep ? `ep${p.ep}` : ''}`;
}

/** One line per saturated pool, for round descriptions and reports. */
export function describeSaturation(pools: readonly SaturatedPool[]): string[] {
  return pools.map((p) => `prefill ${saturatedPoolLabel(p)} busy ${p.utilization.toFixed(3)} > ${p.limit} (no steady state: its queue grows)`);
}
