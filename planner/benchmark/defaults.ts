/**
 * What a user gets without flags: vLLM's own defaults for `vllm serve` and the disaggregated link the planner assumes.
 */
import { DEFAULT_LINK_LATENCY_SECONDS } from '../../catalogs/default-links.js';
import type { GpuSpec } from '../../catalogs/types.js';
import { BACKEND_POLICIES } from '../../models/serving/backend-policy.js';
import type { Backend } from '../../models/serving/runs.js';
import type { LinkModel } from '../../models/types.js';
import type { EngineLimits } from './types.js';

export const VLLM_DEFAULTS_SOURCE =
  'vLLM V1 EngineArgs.get_batch_defaults (vllm/engine/arg_utils.py, v0.10–v0.11) for `vllm serve` (usage context OPENAI_API_SERVER): GPUs with ≥ 70 GiB that are not A100s get max_num_seqs 1024 and max_num_batched_tokens 8192, others 256 and 2048';

const GIB = 1024 ** 3;

/** vLLM's `--max-num-seqs` / `--max-num-batched-tokens` defaults for `vllm serve` on this GPU (see VLLM_DEFAULTS_SOURCE). */
export function vllmDefaultLimits(gpu: GpuSpec): EngineLimits {
  // vLLM reads the device's memory (torch total_memory, a little under the marketed figure) against 70 GiB and
  // excludes A100s by name: an 80 GB A100 gets the small defaults (vLLM PR #17885: larger budgets cut its throughput).
  const large = gpu.memoryBytes >= 70 * GIB && !`${gpu.id} ${gpu.name}`.toLowerCase().includes('a100');
  return large ? { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 } : { maxNumSeqs: 256, maxNumBatchedTokens: 2048 };
}

/** The planner's default KV link (catalogs/default-links.ts): the prefill instance's GPUs' inter-node share, its latency. */
export function defaultDisaggLink(gpu: GpuSpec, prefillGpus: number): LinkModel {
  return { bandwidthBytesPerSecond: gpu.interNodeBandwidthBytesPerSecond * prefillGpus, latencySeconds: DEFAULT_LINK_LATENCY_SECONDS };
}

/** The engine limits a serving stack starts with (`--backend`): vLLM's as above, SGLang's and TensorRT-LLM's from models/serving/backend-policy.ts. */
export function backendDefaultLimits(gpu: GpuSpec, backend: Backend | undefined): EngineLimits {
  if (backend === undefined || backend === 'vllm') return vllmDefaultLimits(gpu);
  const p = BACKEND_POLICIES[backend];
  return { maxNumSeqs: p.maxSequences, maxNumBatchedTokens: p.stepTokenBudget };
}
