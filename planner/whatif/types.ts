/**
 * The what-if session's values: the inputs a plan is made from (as the user can change them), the changes the
 * session applies, and the state (current inputs, the start, and the undo history). Pure data; see apply.ts.
 */
import type { Precision, SloMetric } from '../../catalogs/types.js';
import type { PolicyName } from '../kernel/index.js';
import type { Objective } from '../types.js';

/** Per-GPU price overrides (USD; rent per GPU-hour). */
export interface PriceOverride {
  readonly capexUsd?: number;
  readonly rentUsdPerHour?: number;
}

/** One SLO target as the session sets it: an absolute bound in the metric's unit (s or ms) or a slowdown. */
export interface SloOverride {
  readonly metric: SloMetric;
  readonly percentile: number;
  readonly max?: number;
  readonly maxSlowdown?: number;
}

/** What a plan is made from, by reference to the catalog plus the session's overrides. */
export interface WhatIfInputs {
  /** Mix and SLO set: catalog ids or files (resolved by the CLI). */
  readonly mix: string;
  readonly slo: string;
  readonly llm: string;
  /** Candidate GPU type ids, in the order given. */
  readonly gpus: readonly string[];
  /**
   * The layout search's restriction (`--tp`/`--ep`, or the plan's or scenario's `tp`/`ep`): attention-TP and
   * expert-parallel degrees the re-plans keep to; undefined = every layout, as `plan` searches by default.
   */
  readonly tpDegrees?: readonly number[];
  readonly epDegrees?: readonly number[];
  /**
   * The weight formats the re-plans search (`--precisions`, or the plan's or scenario's `precisions`); undefined =
   * every format each GPU has, as `plan` searches by default.
   */
  readonly precisions?: readonly Precision[];
  /** Arrival-rate multipliers per class id; `*` applies to every class (both compound). */
  readonly rateScale: Readonly<Record<string, number>>;
  /** Targets that replace (same metric and percentile) or extend the SLO set's. */
  readonly sloTargets: readonly SloOverride[];
  readonly prices: Readonly<Record<string, PriceOverride>>;
  readonly electricityUsdPerKwh?: number;
  /** Facility GPU power cap in kW; null removes the datacenter's cap; undefined keeps it. */
  readonly powerCapKw?: number | null;
  readonly objective: Objective;
  /** The policy the check simulates the plan under (the planner sizes for conserve's pools). */
  readonly policy: PolicyName;
  readonly seed: number;
  /** Simulated seconds of the short kernel check after each re-plan. */
  readonly checkDurationS: number;
}

export type WhatIfChange =
  | { readonly kind: 'scale-rate'; readonly classId: string; readonly factor: number }
  | ({ readonly kind: 'set-slo' } & SloOverride)
  | { readonly kind: 'add-gpus'; readonly gpus: readonly string[] }
  | { readonly kind: 'remove-gpus'; readonly gpus: readonly string[] }
  | ({ readonly kind: 'set-price'; readonly gpu: string } & PriceOverride)
  | { readonly kind: 'set-electricity'; readonly usdPerKwh: number }
  | { readonly kind: 'set-power-cap'; readonly kw: number | null }
  | { readonly kind: 'set-objective'; readonly objective: Objective }
  | { readonly kind: 'set-policy'; readonly policy: PolicyName }
  | { readonly kind: 'undo' };

/** Ids a change may name (captured from the catalog and mix at the start, so applying stays pure). */
export interface KnownIds {
  readonly gpus: readonly string[];
  readonly classes: readonly string[];
}

export interface WhatIfState {
  readonly start: WhatIfInputs;
  readonly inputs: WhatIfInputs;
  /** Changes in force, oldest first (undo removes the last); with `start` they reproduce `inputs`. */
  readonly applied: readonly Exclude<WhatIfChange, { kind: 'undo' }>[];
  /** Inputs before each applied change (the undo stack, parallel to `applied`). */
  readonly history: readonly WhatIfInputs[];
  readonly known: KnownIds;
}
