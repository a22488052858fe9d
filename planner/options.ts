/**
 * Defaults for PlanOptions in one place, each with the reason for its value.
 */
import type { Precision, Role } from '../catalogs/types.js';
import type { LinkModel } from '../models/types.js';
import type { Objective, PlanCut, PlanOptions } from './types.js';
import type { SolverName } from './milp/solve.js';
import { DEFAULT_MAX_NODES } from './milp/lp-model.js';
import { DEFAULT_MAX_DECODE_BATCH, type PolicyName } from './kernel/types.js';

/** The policy every plan is proved under (a fleet without both prefill and decode pools: colocated, check-policy.ts). */
export const CHECK_POLICY: PolicyName = 'conserve';

export interface ResolvedOptions {
  readonly objective: Objective;
  readonly tpDegrees: readonly number[];
  /** Expert-parallel degrees tried on an MoE LLM (a dense one gets ep 1 only). */
  readonly epDegrees: readonly number[];
  /**
   * The ep degrees the caller named (PlanOptions.epDegrees, `plan --ep`): then the multi-node search (a model no
   * candidate layout holds, demand/pools.ts) keeps to them too. Undefined = it spreads experts as wide as the model
   * needs, beyond `epDegrees`' one-node default.
   */
  readonly requestedEpDegrees?: readonly number[];
  /** Formats tried; undefined = every format each GPU has. */
  readonly precisions?: readonly Precision[];
  readonly roles: readonly Role[];
  readonly powerCapFractions: Readonly<Record<Role, readonly number[]>>;
  readonly budgetUsd?: number;
  readonly powerCapWatts?: number;
  readonly horizonYears: number;
  readonly availabilityGpus: Readonly<Record<string, number>>;
  readonly kvHeadroom: number;
  readonly decodeUtilisation: number;
  readonly ttfetPrefillShare: number;
  readonly ttfetFloorSecondsByClass?: Readonly<Record<string, number>>;
  readonly linkUtilisation: number;
  readonly link?: LinkModel;
  readonly maxBatch: number;
  readonly solver: SolverName;
  readonly deadlineMs: number;
  readonly maxNodes: number;
  readonly mipRelGap: number;
  readonly clockMs?: () => number;
  readonly maxAveragePowerWatts?: number;
  readonly cuts: readonly PlanCut[];
  /** Only plans whose objective is below this (the loop's search for a fleet cheaper than one it proved). */
  readonly objectiveBelow?: number;
  readonly fixedCounts?: Readonly<Record<string, number>>;
  readonly explain: boolean;
}

const unique = (xs: readonly number[]): number[] => [...new Set(xs)];

/** Applies defaults. `datacenterPowerCapWatts` is used when the options give none. */
export function resolveOptions(options: PlanOptions, datacenterPowerCapWatts?: number): ResolvedOptions {
  return {
    objective: options.objective ?? 'tco',
    // Each degree once (`--tp 8,8` would enumerate every pool twice: duplicate keys, twice the MILP columns).
    tpDegrees: unique(options.tpDegrees ?? [1, 2, 4, 8]),
    // One node's worth, as tp: an instance is max(tp, ep) GPUs, so these stay inside an 8-GPU node by default.
    epDegrees: unique(options.epDegrees ?? [1, 2, 4, 8]),
    ...(options.epDegrees !== undefined ? { requestedEpDegrees: unique(options.epDegrees) } : {}),
    ...(options.precisions !== undefined ? { precisions: options.precisions } : {}),
    roles: options.roles ?? ['prefill', 'decode', 'colocated'],
    // Decoders are offered capped at 70% of TDP as well: the paper's tier (A40 300 W → 200 W) shows decode barely
    // slows under a cap while long prefills do, so only decoders get the capped candidate by default.
    powerCapFractions: {
      prefill: options.powerCapFractions?.prefill ?? [1],
      decode: options.powerCapFractions?.decode ?? [1, 0.7],
      colocated: options.powerCapFractions?.colocated ?? [1],
    },
    budgetUsd: options.budgetUsd,
    powerCapWatts: options.powerCapWatts ?? datacenterPowerCapWatts,
    horizonYears: options.horizonYears ?? 3,
    availabilityGpus: options.availabilityGpus ?? {},
    // 10% of KV kept free for bursts and block fragmentation (paged KV wastes < 4% per vLLM; the rest is burst room).
    kvHeadroom: options.kvHeadroom ?? 0.9,
    // Decoders at 100% would let the step queue grow without bound; 90% leaves room for arrival variance.
    decodeUtilisation: options.decodeUtilisation ?? 0.9,
    ttfetPrefillShare: options.ttfetPrefillShare ?? 0.5,
    linkUtilisation: options.linkUtilisation ?? 0.8,
    ttfetFloorSecondsByClass: options.ttfetFloorSecondsByClass,
    link: options.link,
    // The kernel's engine cap, so the plan never counts on a batch the check (and vLLM's default) will not run.
    maxBatch: options.maxBatch ?? DEFAULT_MAX_DECODE_BATCH,
    // javascript-lp-solver by default (DESIGN.md): solved block by block it takes 0.5–0.6 s on the catalog-wide
    // benchmark where HiGHS takes 2.2 s (bench/planner.ts); blocks above JSLP_BLOCK_SIZE_LIMIT go to HiGHS (solve.ts).
    solver: options.solver ?? 'jslp',
    // What a plan answers is decided by a count of work (maxNodes), the same on any machine; the wall clock is only a
    // safety net, far above what the node budget takes on a loaded machine (a 10 s deadline once made a sweep cell
    // differ between a shard and the unsharded run).
    deadlineMs: options.deadlineMs ?? 60_000,
    maxNodes: options.maxNodes ?? DEFAULT_MAX_NODES,
    // 1e-6 of a multi-million-dollar TCO is a few dollars; proving optimality to 1e-9 costs HiGHS seconds.
    mipRelGap: options.mipRelGap ?? 1e-6,
    clockMs: options.clockMs,
    maxAveragePowerWatts: options.maxAveragePowerWatts,
    cuts: options.cuts ?? [],
    ...(options.objectiveBelow !== undefined ? { objectiveBelow: options.objectiveBelow } : {}),
    ...(options.fixedCounts !== undefined ? { fixedCounts: options.fixedCounts } : {}),
    explain: options.explain ?? true,
  };
}
