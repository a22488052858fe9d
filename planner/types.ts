/**
 * The planner's own typed values: what a plan request is, the candidate pools, the cuts the loop adds, and the plan
 * it returns. JSON (snake_case) views of these live in plan-json.ts.
 */
import type { Datacenter, GpuSpec, InstanceLayout, InstancePool, KvDtype, LlmSpec, Mix, Precision, Role, SloSet } from '../catalogs/types.js';
import type { LinkModel, PerfModel } from '../models/types.js';
import type { SolverInfo, SolverName } from './milp/solve.js';
import type { ServingCalibration } from '../models/serving/calibration-file.js';
import type { Backend } from '../models/serving/runs.js';

/** The model factory the planner is given; undefined means the LLM does not fit this GPU in this layout. */
export type PerfModelFor = (gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, powerCapWatts?: number) => PerfModel | undefined;

export type Objective = 'tco' | 'energy' | 'gpus';

/**
 * A serving calibration and/or the backend (`--calibration FILE`, `--backend B`): with a calibration, its step times and
 * the backend's fitted overheads; with a backend, with or without a calibration, the KV pool its memory rule leaves.
 */
export interface ServingChoice {
  readonly calibration?: ServingCalibration;
  readonly backend?: Backend;
}

/** Everything the planner needs, already validated and typed. */
export interface PlanRequest {
  readonly mix: Mix;
  readonly slo: SloSet;
  readonly datacenter: Datacenter;
  readonly gpus: readonly GpuSpec[];
  readonly llm: LlmSpec;
  readonly perfModelFor: PerfModelFor;
  /** The serving choice `perfModelFor` was built with (none: the default models); the multi-node notes price on it too. */
  readonly serving?: ServingChoice;
}

/** Knobs with defaults; every default is stated where it is applied (options.ts). */
export interface PlanOptions {
  readonly objective?: Objective;
  readonly tpDegrees?: readonly number[];
  /** Expert-parallel degrees to try on an MoE LLM (default 1, 2, 4, 8); ignored on a dense LLM (ep 1). */
  readonly epDegrees?: readonly number[];
  /** Weight formats to try (default: every format each GPU has: bf16, fp8 with an fp8 peak, fp4 with an fp4 peak). */
  readonly precisions?: readonly Precision[];
  readonly roles?: readonly Role[];
  /** Per-GPU power caps as fractions of TDP, per role (1 = uncapped); clamped into the GPU's cap range. */
  readonly powerCapFractions?: Partial<Record<Role, readonly number[]>>;
  readonly budgetUsd?: number;
  /** Facility power cap for GPUs in watts; overrides the datacenter's. */
  readonly powerCapWatts?: number;
  readonly horizonYears?: number;
  /** Maximum GPUs (not instances) available per GPU type id. */
  readonly availabilityGpus?: Readonly<Record<string, number>>;
  /** Share of a decoder's KV capacity that resident conversations may use. */
  readonly kvHeadroom?: number;
  /** Share of a decoder's time that decoding plus later-turn prefill may use. */
  readonly decodeUtilisation?: number;
  /** Share of the TTFET slack above the floor given to prefill queueing (the rest to the decoder side). */
  readonly ttfetPrefillShare?: number;
  /** Share of a link's bandwidth KV transfers may use. */
  readonly linkUtilisation?: number;
  /**
   * TTFET floor (standalone seconds) per class id that a slowdown target multiplies, instead of the fastest path over
   * this request's own pools. Comparisons between candidate sets (best homogeneous vs heterogeneous) pass the floor of
   * the full set, so both sides answer to the same target.
   */
  readonly ttfetFloorSecondsByClass?: Readonly<Record<string, number>>;
  /** Prefill→decode link; default: each GPU's inter-node bandwidth, 10 µs latency. */
  readonly link?: LinkModel;
  readonly maxBatch?: number;
  readonly solver?: SolverName;
  /** Wall-clock safety net per solve (default 60 s); the plan says so when it fires (the answer is then machine-dependent). */
  readonly deadlineMs?: number;
  /** Branch-and-bound nodes per MILP solve (default DEFAULT_MAX_NODES): the deterministic limit. */
  readonly maxNodes?: number;
  readonly mipRelGap?: number;
  readonly clockMs?: () => number;
  /** Cap on the fleet's average GPU power (idle + busy), watts: the ε-constraint of the cost–energy sweep. */
  readonly maxAveragePowerWatts?: number;
  /** Cuts added by the plan → check → tighten loop. */
  readonly cuts?: readonly PlanCut[];
  /** Only plans whose objective is strictly below this (objective unit; the loop's cheaper-fleet search). */
  readonly objectiveBelow?: number;
  /** Instances per pool key, fixed (every other pool at 0): costs a known fleet under this request (routing re-solved). */
  readonly fixedCounts?: Readonly<Record<string, number>>;
  /** Attach the LP relaxation's duals to the binding constraints (default true; the relaxation is always solved). */
  readonly explain?: boolean;
}

/** A candidate pool: one engine configuration the planner may buy instances of. */
export interface Pool {
  /** Stable key, e.g. `h100-sxm/tp4/decode/300w` or `…/tdp`. */
  readonly key: string;
  readonly gpu: GpuSpec;
  readonly tp: number;
  readonly ep: number;
  /** GPUs per instance: max(tp, ep). */
  readonly gpus: number;
  readonly precision: Precision;
  readonly kvDtype: KvDtype;
  readonly role: Role;
  /** Per-GPU cap; undefined runs at TDP. */
  readonly powerCapWatts?: number;
  readonly perf: PerfModel;
}

/** Capacity families a cut can tighten. */
export type CapacityFamily = 'prefill' | 'decode' | 'kv';

/**
 * A tightening added after a kernel check missed an SLO. `poolKey` is a pool's key or a role scope `role:<role>`
 * (every pool of that role). Capacity scalings steer the search; only refuted-fleet cuts stay in force when the loop
 * looks for a cheaper fleet than one it proved (check/loop.ts).
 */
export type PlanCut =
  | { readonly kind: 'scale-capacity'; readonly poolKey: string; readonly family: CapacityFamily; readonly factor: number; readonly why: string }
  /** The kernel refuted this fleet (instances per pool key): it and every fleet no larger in any pool are cut away. */
  | { readonly kind: 'refuted-fleet'; readonly counts: Readonly<Record<string, number>>; readonly why: string };

/** A constraint in words, with how tight it is. */
export interface BindingConstraint {
  readonly row: string;
  readonly family: string;
  readonly pool?: string;
  readonly classId?: string;
  readonly gpu?: string;
  /** Capacity minus use, in `unit`; ≤ 0 (within tolerance) is binding. */
  readonly slack: number;
  readonly activity: number;
  readonly bound: number;
  readonly unit: string;
  /** Shadow price from the LP relaxation (objective unit per row unit), when available. */
  readonly dual?: number;
  /** True when the row holds with no slack, or when one instance fewer in its pool would violate it. */
  readonly binding: boolean;
  readonly text: string;
}

/** A pool of the plan: the fleet's pool plus the key that names its candidate in the formulation. */
export interface PlannedPool extends InstancePool {
  readonly poolKey: string;
}

export interface PlanCost {
  readonly capexUsd: number;
  readonly rentUsdPerHour: number;
  /** Hardware (capex, or rent over the horizon) plus energy × price × PUE over the horizon. */
  readonly tcoUsd: number;
  /** Energy cost over the horizon. */
  readonly energyUsd: number;
  readonly horizonYears: number;
}

export interface PlanEnergy {
  readonly energyJPerDay: number;
  readonly jPerOutputToken: number;
  readonly averagePowerWatts: number;
}

/** The share of a class served by a pool at one decode batch size (the LP mixes batch sizes). */
export interface OperatingShare {
  readonly classId: string;
  readonly poolKey: string;
  /** Decode batch size; undefined on prefill pools. */
  readonly batch?: number;
  /** Prefill pools: the TTFET allowance the share was priced at (demand/floors.ts); undefined elsewhere. */
  readonly prefillAllowanceSeconds?: number;
  readonly share: number;
}

/** A solved plan (before or after the kernel check). */
export interface Plan {
  readonly objective: Objective;
  readonly objectiveValue: number;
  /** LP relaxation objective (a lower bound), when computed. */
  readonly lpRelaxationObjective?: number;
  readonly instances: readonly PlannedPool[];
  /** Share of each class's conversations per pool key. */
  readonly routing: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly operatingPoints: readonly OperatingShare[];
  readonly cost: PlanCost;
  /** Provisioned (peak) GPU power in watts, the figure the facility cap bounds. */
  readonly powerWatts: number;
  readonly energy: PlanEnergy;
  readonly binding: readonly BindingConstraint[];
  readonly solver: SolverInfo;
  readonly notes: readonly string[];
}

/** The result of one solve: a plan, or the reason there is none (a normal result, not an exception). */
export type PlanOutcome =
  | { readonly ok: true; readonly plan: Plan }
  | { readonly ok: false; readonly reason: string; readonly binding: readonly BindingConstraint[]; readonly solver?: SolverInfo; readonly notes: readonly string[] };
