/**
 * The fast planning path of a what-if step: one solve (no tighten rounds) and one short kernel check of the plan
 * under the session's policy. About a second on small candidate sets; the full `fleetplan plan` loop with its
 * 20-minute check is what a user runs once the scenario is settled.
 */
import type { Fleet, InstancePool, LlmSpec } from '../../catalogs/types.js';
import type { PerfModel } from '../../models/types.js';
import { generateConversations, simulateConversations, type PolicyName, type SimulationResult } from '../kernel/index.js';
import { toCheckResult, type KernelCheckResult } from '../check/kernel-check.js';
import { planAndCheck, type LoopResult } from '../check/loop.js';
import type { PerfModelFor } from '../types.js';
import type { Materialized } from './materialize.js';
import { effectivePolicy } from '../check/check-policy.js';

export interface ReplanModels {
  readonly llm: LlmSpec;
  /** The planner's memoised model factory (shared across steps, so models are built once). */
  readonly perfModelFor: PerfModelFor;
  /** The kernel's lookup over the same models. */
  readonly kernelPerfModelFor: (pool: InstancePool) => PerfModel;
}

export interface ReplanSettings {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly checkDurationS: number;
  /** Simulated seconds so far of the check (for a progress bar). */
  readonly onProgress?: (simSeconds: number) => void;
}

export { effectivePolicy };

export interface ReplanResult {
  readonly loop: LoopResult;
  /** The check's simulation; undefined when no plan exists. */
  readonly simulation?: SimulationResult;
  /** The policy the check ran (colocated when the plan has no prefill or no decode pool to disaggregate over). */
  readonly checkedPolicy?: PolicyName;
}

/** Solves once and checks the plan in the kernel for `checkDurationS` simulated seconds under `policy`. */
export async function replan(m: Materialized, models: ReplanModels, settings: ReplanSettings): Promise<ReplanResult> {
  let simulation: SimulationResult | undefined;
  let checkedPolicy: PolicyName | undefined;
  const request = { mix: m.mix, slo: m.slo, datacenter: m.datacenter, gpus: m.gpus, llm: models.llm, perfModelFor: models.perfModelFor };
  const loop = await planAndCheck(request, async (fleet): Promise<KernelCheckResult> => {
    const conversations = generateConversations(m.mix, { seed: settings.seed, durationSeconds: settings.checkDurationS });
    checkedPolicy = effectivePolicy(fleet, settings.policy);
    simulation = simulateConversations(fleet, conversations, models.kernelPerfModelFor, {
      policy: checkedPolicy,
      seed: settings.seed,
      slo: m.slo,
      durationSeconds: settings.checkDurationS,
      warmupSeconds: Math.min(60, 0.1 * settings.checkDurationS),
      ...(settings.onProgress ? { onProgress: (t: number) => settings.onProgress!(t), progressEveryConversations: 50 } : {}),
    });
    return toCheckResult(fleet, simulation);
  }, { ...m.options, maxRounds: 1 });
  return { loop, ...(simulation ? { simulation } : {}), ...(checkedPolicy ? { checkedPolicy } : {}) };
}
