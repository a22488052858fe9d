/**
 * From the session's inputs to what the planner and the kernel take: the mix with scaled arrival rates, the SLO set
 * with the session's targets, the candidate GPUs with their prices, the datacenter with its electricity price and
 * power cap, and the plan options. Pure: the catalog values are passed in already loaded.
 */
import type { Catalog, ConversationClass, Datacenter, GpuSpec, Mix, SloSet, SloTarget } from '../../catalogs/types.js';
import type { PlanOptions } from '../types.js';
import type { SloOverride, WhatIfInputs } from './types.js';

/** The loaded values the inputs refer to (mix and SLO set as resolved from their ids or files). */
export interface WhatIfBase {
  readonly catalog: Pick<Catalog, 'gpus' | 'llms'>;
  readonly mix: Mix;
  readonly slo: SloSet;
  readonly datacenter: Datacenter;
}

export interface Materialized {
  readonly mix: Mix;
  readonly slo: SloSet;
  readonly gpus: readonly GpuSpec[];
  readonly datacenter: Datacenter;
  readonly options: PlanOptions;
}

/** A class's arrival rate times its own multiplier and the all-classes one. */
export function scaledClass(c: ConversationClass, rateScale: Readonly<Record<string, number>>): ConversationClass {
  const factor = (rateScale['*'] ?? 1) * (rateScale[c.id] ?? 1);
  return factor === 1 ? c : { ...c, arrivalRatePerSecond: c.arrivalRatePerSecond * factor };
}

function toTarget(o: SloOverride): SloTarget {
  return o.max !== undefined
    ? { metric: o.metric, percentile: o.percentile, kind: 'absolute', maxValue: o.max }
    : { metric: o.metric, percentile: o.percentile, kind: 'slowdown', maxSlowdown: o.maxSlowdown! };
}

/** The SLO set with the session's targets replacing those of the same metric and percentile. */
export function overriddenSlo(slo: SloSet, overrides: readonly SloOverride[]): SloSet {
  if (overrides.length === 0) return slo;
  const kept = slo.targets.filter((t) => !overrides.some((o) => o.metric === t.metric && o.percentile === t.percentile));
  return { ...slo, id: `${slo.id}+whatif`, targets: [...kept, ...overrides.map(toTarget)] };
}

/** Everything one re-plan needs. The GPU ids were checked when the change was applied. */
export function materialize(inputs: WhatIfInputs, base: WhatIfBase): Materialized {
  const mix = { ...base.mix, classes: base.mix.classes.map((c) => scaledClass(c, inputs.rateScale)) };
  const gpus = inputs.gpus.map((id) => {
    const gpu = base.catalog.gpus.get(id)!;
    const price = inputs.prices[id];
    return price ? { ...gpu, ...price } : gpu;
  });
  const { powerCapWatts: _cap, ...uncapped } = base.datacenter;
  const capped = inputs.powerCapKw === null ? uncapped : inputs.powerCapKw !== undefined ? { ...base.datacenter, powerCapWatts: inputs.powerCapKw * 1000 } : base.datacenter;
  const datacenter = inputs.electricityUsdPerKwh !== undefined ? { ...capped, electricityUsdPerKwh: inputs.electricityUsdPerKwh } : capped;
  const options: PlanOptions = {
    objective: inputs.objective,
    ...(inputs.precisions !== undefined ? { precisions: inputs.precisions } : {}),
    ...(inputs.tpDegrees !== undefined ? { tpDegrees: inputs.tpDegrees } : {}),
    ...(inputs.epDegrees !== undefined ? { epDegrees: inputs.epDegrees } : {}),
    ...(typeof inputs.powerCapKw === 'number' ? { powerCapWatts: inputs.powerCapKw * 1000 } : {}),
  };
  return { mix, slo: overriddenSlo(base.slo, inputs.sloTargets), gpus, datacenter, options };
}
