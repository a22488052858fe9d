/**
 * The production `perfModelFor`: models/ createPerfModel, memoised per (GPU, LLM, layout, cap), with "does not fit"
 * (no KV room left after the weights) reported as undefined, which is what the planner's pool enumeration expects.
 */
import { layoutCacheKey } from '../../catalogs/precision.js';
import type { GpuSpec, InstanceLayout, LlmSpec } from '../../catalogs/types.js';
import { createPerfModel, type CoefficientSet, type PerfModel } from '../../models/index.js';
import type { ServingCalibration } from '../../models/serving/calibration-file.js';
import type { Backend } from '../../models/serving/runs.js';
import type { PerfModelFor, ServingChoice } from '../types.js';

// ServingChoice is declared in ../types.ts (a plan request carries one) and re-exported here, where the CLI imports it.
export type { ServingChoice };

/** createPerfModel options for a serving choice (none without one). */
export function servingOptions(serving?: ServingChoice): { calibration?: ServingCalibration; backend?: Backend } {
  return { ...(serving?.calibration ? { calibration: serving.calibration } : {}), ...(serving?.backend ? { backend: serving.backend } : {}) };
}

/**
 * The backend whose memory rule the pools' perf models size KV by (models/create.ts): the named one, else a
 * calibration's default backend (its calibrated models use it), else none (the default rule). The layout search
 * filters layouts by the same rule (planner/demand/pools.ts, planner/milp/plan.ts).
 */
export function memoryRuleBackend(serving?: ServingChoice): Backend | undefined {
  return serving?.backend ?? serving?.calibration?.defaultBackend;
}

/** A memoising PerfModelFor over createPerfModel (optionally with user-fitted coefficients). */
export function createPerfModelFor(coefficients?: CoefficientSet, serving?: ServingChoice): PerfModelFor {
  const cache = new Map<string, PerfModel | undefined>();
  return (gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, powerCapWatts?: number) => {
    const key = `${gpu.id}/${llm.id}/${layoutCacheKey(layout)}/${powerCapWatts ?? 'tdp'}`;
    if (!cache.has(key)) {
      const model = createPerfModel(gpu, llm, { tp: layout.tp, ep: layout.ep, precision: layout.precision, kvDtype: layout.kvDtype }, { ...(powerCapWatts !== undefined ? { powerCapWatts } : {}), ...(coefficients ? { coefficients } : {}), ...servingOptions(serving) });
      cache.set(key, model.kvCapacityTokens > 0 ? model : undefined);
    }
    return cache.get(key);
  };
}
