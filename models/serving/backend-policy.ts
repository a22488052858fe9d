/**
 * How each serving stack schedules one aggregated engine, from its documented defaults. A user picks the backend with
 * `--backend` (calibrate: for runs whose file does not say; predict/benchmark: which fitted overheads apply); runs in
 * the aiconfigurator CSV carry it in their `backend` column.
 */
import type { Backend } from './runs.js';

export interface BackendPolicy {
  /** Prompt chunks ride in decode steps (vLLM V1 chunked prefill, TRT-LLM in-flight batching) or run as separate prefill steps that pause decoding (SGLang's default). */
  readonly mixesPrefillIntoDecode: boolean;
  /** Token budget of one step (vLLM `max_num_batched_tokens`, SGLang `chunked_prefill_size`, TRT-LLM `max_num_tokens`). */
  readonly stepTokenBudget: number;
  /** Sequences one step may hold (vLLM `max_num_seqs`, TRT-LLM `max_batch_size`, SGLang `max_running_requests`). */
  readonly maxSequences: number;
  /** Admission reserves a request's whole ISL + OSL (TRT-LLM GUARANTEED_NO_EVICT), or only what it holds now (vLLM, SGLang allocate as they go). */
  readonly reservesWholeRequest: boolean;
  readonly from: string;
}

export const BACKEND_POLICIES: Readonly<Record<Backend, BackendPolicy>> = {
  vllm: { mixesPrefillIntoDecode: true, stepTokenBudget: 8192, maxSequences: 1024, reservesWholeRequest: false, from: 'vLLM V1: chunked prefill always on; vllm serve defaults on ≥ 70 GiB GPUs max_num_batched_tokens 8192, max_num_seqs 1024 (planner/benchmark/defaults.ts)' },
  trtllm: { mixesPrefillIntoDecode: true, stepTokenBudget: 8192, maxSequences: 2048, reservesWholeRequest: true, from: 'TensorRT-LLM in-flight batching with chunked context; trtllm-serve defaults max_num_tokens 8192, max_batch_size 2048, capacity scheduler GUARANTEED_NO_EVICT' },
  sglang: { mixesPrefillIntoDecode: false, stepTokenBudget: 8192, maxSequences: 4096, reservesWholeRequest: false, from: 'SGLang: prefill steps pause decoding (--enable-mixed-chunk is off by default); chunked_prefill_size 8192' },
};
