/**
 * What the benchmark simulates of each serving stack, from its documented defaults, and what it does not. A user picks
 * the backend with `--backend` (calibrate: for runs whose file does not say; benchmark: the engine limits and the
 * fitted overheads that apply); runs in the aiconfigurator CSV carry it in their `backend` column. Every backend runs
 * on the kernel's one aggregated engine: prompt chunks ride decode steps under one token budget (vLLM V1 chunked
 * prefill, TensorRT-LLM in-flight batching with chunked context) or run alone pausing the decoders (SGLang's default
 * scheduler), admission in arrival order while `maxSequences` and the KV cache allow, newest-first recompute preemption.
 */
import type { Backend } from './runs.js';

export interface BackendPolicy {
  /** Prompt chunks ride decode iterations (vLLM, TensorRT-LLM) or run in prefill-only iterations that pause decoding whenever a prompt waits (SGLang's default). */
  readonly prefillPausesDecode: boolean;
  /** Token budget of one step (vLLM `max_num_batched_tokens`, SGLang `chunked_prefill_size`, TRT-LLM `max_num_tokens`). */
  readonly stepTokenBudget: number;
  /** Sequences one step may hold (vLLM `max_num_seqs`, TRT-LLM `max_batch_size`, SGLang `max_running_requests`). */
  readonly maxSequences: number;
  readonly from: string;
  /** Scheduler behaviour of this stack the kernel does not reproduce (said wherever its figures are shown). */
  readonly notModelled: string;
}

export const BACKEND_POLICIES: Readonly<Record<Backend, BackendPolicy>> = {
  vllm: {
    prefillPausesDecode: false,
    stepTokenBudget: 8192, maxSequences: 1024,
    from: 'vLLM V1: chunked prefill always on; vllm serve defaults on ≥ 70 GiB GPUs max_num_batched_tokens 8192, max_num_seqs 1024 (planner/benchmark/defaults.ts)',
    notModelled: 'block-granular KV allocation and the prefix cache',
  },
  trtllm: {
    prefillPausesDecode: false,
    stepTokenBudget: 8192, maxSequences: 2048,
    from: 'TensorRT-LLM in-flight batching with chunked context; trtllm-serve defaults max_num_tokens 8192, max_batch_size 2048',
    notModelled: 'the GUARANTEED_NO_EVICT capacity scheduler (admission reserving a request\'s whole ISL + OSL): requests are admitted as vLLM admits them',
  },
  sglang: {
    prefillPausesDecode: true, stepTokenBudget: 8192, maxSequences: 4096,
    from: 'SGLang defaults: without --enable-mixed-chunk a prefill batch runs alone and pauses decoding whenever prompts wait (so a closed loop of equal requests stays in synchronized waves: the staged SGLang runs\' TTFT does not move with OSL and grows with concurrency × ISL, that signature); chunked_prefill_size 8192',
    notModelled: 'max_prefill_tokens, the memory fraction (mem_fraction_static) and retraction; --enable-mixed-chunk deployments (aiconfigurator\'s own SGLang rule sets it) schedule as vLLM',
  },
};

/**
 * Requests each client sends in the benchmark that reproduces a measured run, all of them measured (clients start
 * together): the NVIDIA Dynamo / aiconfigurator benchmark scripts run genai-perf/aiperf with `--request-count
 * concurrency×10 --warmup-request-count concurrency×2` and report means over the request count; the warm-up phase
 * drains before the measured one starts, so it does not change what is measured without a prefix cache. The silicon
 * CSV does not record its request count: this is the documented convention, not a fitted figure.
 */
export const MEASURED_RUN_REQUESTS_PER_CLIENT = 10;
