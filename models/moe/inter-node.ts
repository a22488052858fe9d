/**
 * What leaving the scale-up domain costs an instance: the same layout's decode step and prefill on the same GPU type
 * (same fits) as if its NVLink domain held the whole instance, subtracted from the real one. The planner prints it
 * for every multi-node pool, so the price of spanning nodes is visible, not buried in a step time.
 */
import { resolveLayout } from '../../catalogs/precision.js';
import type { GpuSpec, InstanceLayout, LlmSpec } from '../../catalogs/types.js';
import { createPerfModel, moeDispatchFor, type CreatePerfModelOptions } from '../create.js';

export interface InterNodeCost {
  readonly nodes: number;
  readonly decodeStepSeconds: number;
  readonly decodeStepExtraSeconds: number;
  readonly prefillSeconds: number;
  readonly prefillExtraSeconds: number;
}

/** The inter-node share of a decode step at `batch` × `contextTokens` and of one `prefillTokens` prefill. */
export function interNodeCost(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, options: CreatePerfModelOptions = {}, at = { batch: 64, contextTokens: 4096, prefillTokens: 4096 }): InterNodeCost {
  const real = createPerfModel(gpu, llm, layout, options);
  const nodes = Math.ceil(real.gpus / gpu.gpusPerNode);
  // The same token dispatch as the real instance: a wider domain would otherwise read as multi-node NVLink
  // (dispatch.ts) and change the algorithm, not just the links.
  const moeDispatch = moeDispatchFor(gpu, llm, resolveLayout(llm, layout), options);
  const oneDomain = createPerfModel({ ...gpu, gpusPerNode: Math.max(gpu.gpusPerNode, real.gpus) }, llm, layout, { ...options, moeDispatch });
  const step = (m: typeof real) => m.decodeStepSeconds(at.batch, at.batch * at.contextTokens);
  const prefill = (m: typeof real) => m.prefillSeconds(at.prefillTokens, 0, 1);
  return {
    nodes,
    decodeStepSeconds: step(real),
    decodeStepExtraSeconds: step(real) - step(oneDomain),
    prefillSeconds: prefill(real),
    prefillExtraSeconds: prefill(real) - prefill(oneDomain),
  };
}
