/**
 * The fast planning path of a what-if step: the plan before the change checked first (so a cheaper GPU, less traffic
 * or a looser SLO never answers with a dearer plan than one that still holds), one solve (below it when it held; no
 * tighten rounds) and a short kernel check of each under the session's policy. About a second on small candidate sets; the full `fleetplan plan` loop with its
 * 20-minute check is what a user runs once the scenario is settled.
 */
import type { Fleet, InstancePool, LlmSpec } from '../../catalogs/types.js';
import type { PerfModel } from '../../models/types.js';
import { generateConversations, simulateConversations, type ConversationSpec, type KernelOptions, type PolicyName, type SimulationResult } from '../kernel/index.js';
import { toCheckResult, type KernelCheckResult } from '../check/kernel-check.js';
import { fleetOptionsFor, planAndCheck, type LoopResult } from '../check/loop.js';
import { planToFleet } from '../check/fleet.js';
import type { PerfModelFor, Plan, ServingChoice } from '../types.js';
import type { Materialized } from './materialize.js';
import { effectivePolicy } from '../check/check-policy.js';

export interface ReplanModels {
  readonly llm: LlmSpec;
  /** The planner's memoised model factory (shared across steps, so models are built once). */
  readonly perfModelFor: PerfModelFor;
  /** The serving choice `perfModelFor` was built with (`--backend`, `--calibration`), for the plan's multi-node notes. */
  readonly serving?: ServingChoice;
  /** The kernel's lookup over the same models. */
  readonly kernelPerfModelFor: (pool: InstancePool) => PerfModel;
  /** The serving stack's scheduler on the check's engines (`--backend`, models/serving/backend-policy.ts backendScheduling); absent: vLLM's. */
  readonly engineScheduling?: Pick<KernelOptions, 'prefillPausesDecode' | 'wholePrompts' | 'admission'>;
}

export interface ReplanSettings {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly checkDurationS: number;
  /** The plan before this change: checked first, so the answer is never dearer than a fleet known to hold. */
  readonly previous?: Plan;
  /** Simulated seconds so far of the check (for a progress bar). */
  readonly onProgress?: (simSeconds: number) => void;
  /**
   * Runs the kernel (default: in one synchronous call). The CLI passes a sliced run that yields to the event loop
   * and stops on Ctrl-C; the core stays free of signals and clocks.
   */
  readonly simulate?: (fleet: Fleet, conversations: Iterable<ConversationSpec>, perfModelFor: (pool: InstancePool) => PerfModel, options: KernelOptions) => SimulationResult | Promise<SimulationResult>;
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
  const request = { mix: m.mix, slo: m.slo, datacenter: m.datacenter, gpus: m.gpus, llm: models.llm, perfModelFor: models.perfModelFor, ...(models.serving ? { serving: models.serving } : {}) };
  const loop = await planAndCheck(request, async (fleet): Promise<KernelCheckResult> => {
    const conversations = generateConversations(m.mix, { seed: settings.seed, durationSeconds: settings.checkDurationS });
    const simulation = await (settings.simulate ?? simulateConversations)(fleet, conversations, models.kernelPerfModelFor, {
      ...models.engineScheduling,
      policy: effectivePolicy(fleet, settings.policy),
      seed: settings.seed,
      slo: m.slo,
      durationSeconds: settings.checkDurationS,
      warmupSeconds: Math.min(60, 0.1 * settings.checkDurationS),
      ...(settings.onProgress ? { onProgress: (t: number) => settings.onProgress!(t), progressEveryConversations: 50 } : {}),
    });
    return toCheckResult(fleet, simulation);
  }, { ...m.options, maxRounds: 1, cheaperRounds: 1, ...(settings.previous ? { candidate: settings.previous } : {}) });
  // The simulation and policy of the plan returned (the loop may have checked the previous plan and a cheaper one).
  const simulation = (loop.check as KernelCheckResult | undefined)?.simulation;
  const checkedPolicy = simulation && loop.plan ? effectivePolicy(planToFleet(loop.plan, fleetOptionsFor(request, m.options)), settings.policy) : undefined;
  return { loop, ...(simulation ? { simulation } : {}), ...(checkedPolicy ? { checkedPolicy } : {}) };
}
