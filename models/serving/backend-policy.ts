/**
 * What the benchmark simulates of each serving stack, from its documented defaults, and what it does not. A user picks
 * the backend with `--backend` (calibrate: for runs whose file does not say; benchmark: the engine limits and the
 * fitted overheads that apply); runs in the aiconfigurator CSV carry it in their `backend` column. Every backend runs
 * on the kernel's one aggregated engine: prompt chunks ride decode steps under one token budget (vLLM V1 chunked
 * prefill, TensorRT-LLM in-flight batching with chunked context) or run alone pausing the decoders (SGLang's default
 * scheduler), admission in arrival order under the backend's admission policy (vLLM: while the prompt fits the KV
 * cache, newest-first recompute preemption later; TensorRT-LLM: GUARANTEED_NO_EVICT, a request's whole life reserved;
 * SGLang: a decaying new-token-ratio reserve),
 * whole prompts per iteration where chunked prefill is off by default (TensorRT-LLM), and the KV pool each stack's
 * memory default leaves.
 */
import type { Backend } from './runs.js';

/**
 * How an engine admits a waiting request into the running batch (its KV accounting at admission):
 * - `current-need`: while the request's prompt (and one step's growth) fits the free KV; running sequences are
 *   preempted (newest first, recomputed) when decode growth later runs out. vLLM V1's scheduler, SGLang's (without
 *   its new-token-ratio reserve), TensorRT-LLM's MAX_UTILIZATION capacity policy.
 * - `guaranteed-no-evict`: only while the request's whole life — prompt plus every output token it may still write
 *   (max_tokens, the OSL under ignore_eos) — fits beside the whole remaining lives of the requests already running, so
 *   a started request is never paused. TensorRT-LLM's default capacity policy (GUARANTEED_NO_EVICT).
 * - `new-token-ratio`: while its prompt + whole (clipped) output fit in the free KV less a reserve of the running
 *   requests' remaining output × new_token_ratio (0.7, decaying to 0.098 over 600 decode steps, raised after a
 *   retraction, reset when idle); retraction when decode growth runs out. SGLang's default (planner/kernel/admission.ts).
 */
export type AdmissionPolicy = 'current-need' | 'guaranteed-no-evict' | 'new-token-ratio';

/** Where an engine's KV pool comes from (what `computeKvCapacity` is given). */
export interface KvMemoryPolicy {
  /** `total`: fraction × GPU memory, less weights and the activation reserve; `free`: fraction × (GPU memory − weights − activation reserve). */
  readonly basis: 'total' | 'free';
  /** The fraction at this TP degree. */
  readonly fraction: (tp: number) => number;
  /** Whether the activation reserve (DEFAULT_ACTIVATION_RESERVE_BYTES) comes out of the fraction (false: the fraction is weights + KV only, as SGLang's mem_fraction_static). */
  readonly activationsInFraction: boolean;
  readonly from: string;
}

export interface BackendPolicy {
  /** Prompt chunks ride decode iterations (vLLM, TensorRT-LLM) or run in prefill-only iterations that pause decoding whenever a prompt waits (SGLang's default). */
  readonly prefillPausesDecode: boolean;
  /** Prompts may be split across iterations (chunked prefill), or each runs whole in one iteration (TensorRT-LLM's PyTorch backend default, `enable_chunked_prefill: false`). */
  readonly chunkedPrefill: boolean;
  readonly admission: AdmissionPolicy;
  /** Token budget of one step (vLLM `max_num_batched_tokens`, SGLang `chunked_prefill_size`, TRT-LLM `max_num_tokens`). */
  readonly stepTokenBudget: number;
  /** Sequences one step may hold (vLLM `max_num_seqs`, TRT-LLM `max_batch_size`, SGLang `max_running_requests`). */
  readonly maxSequences: number;
  readonly kvMemory: KvMemoryPolicy;
  readonly from: string;
  /** Scheduler behaviour of this stack the kernel does not reproduce (said wherever its figures are shown). */
  readonly notModelled: string;
}

/**
 * SGLang's default `mem_fraction_static` by TP degree (python/sglang/srt/server_args.py `__post_init__`, releases
 * up to 0.5.2: 0.88 at TP1, 0.87 at TP2–3, 0.85 at TP4–7, 0.81 at TP8–15, 0.79 from TP16): the share of GPU memory
 * for weights + KV pool; activations and CUDA graphs live in the rest. From 0.5.3 (PR #10975) the default is
 * (memory − reserved) / memory with reserved ≥ 10 GiB on ≥ 60 GiB GPUs, which this table does not follow.
 */
export function sglangMemFractionStatic(tp: number): number {
  if (tp >= 16) return 0.79;
  if (tp >= 8) return 0.81;
  if (tp >= 4) return 0.85;
  if (tp >= 2) return 0.87;
  return 0.88;
}

/**
 * Sources of the defaults below (each is the stack's documented default, none fitted to a measured run):
 * - vLLM: `EngineArgs.get_batch_defaults` and `_set_default_max_num_seqs_and_batched_tokens_args` in
 *   vllm/engine/arg_utils.py (≥ 70 GiB, not A100, `vllm serve`: 8192 / 1024; unchanged 0.10 → 0.12, the staged runs'
 *   versions), `gpu_memory_utilization` 0.9, chunked prefill on for generative models in V1.
 * - TensorRT-LLM: "Useful Runtime Options" (nvidia.github.io/TensorRT-LLM/performance/performance-tuning-guide/
 *   useful-runtime-flags.html: GUARANTEED_NO_EVICT is the default capacity policy, "a started request is never
 *   paused"); "How to Change KV Cache Behavior" (…/examples/kvcacheconfig.html: free_gpu_memory_fraction 0.9 of free
 *   memory); the PyTorch backend's scheduler (…/torch/scheduler.html: CapacityScheduler then MicroBatchScheduler);
 *   `TorchLlmArgs.enable_chunked_prefill` false. aiconfigurator's own 1.0.0rc3 deployment template
 *   (generator/config/backend_templates/trtllm/extra_engine_args.1.0.0rc3.yaml.j2) also leaves chunked prefill off but
 *   sets free_gpu_memory_fraction 0.80 and max_num_tokens = batch + ISL + 1500; whether the staged runs used it is not
 *   recorded, so the engine's own defaults are used.
 * - SGLang: python/sglang/srt/server_args.py (mem_fraction_static by TP up to 0.5.2, chunked_prefill_size),
 *   python/sglang/srt/managers/schedule_policy.py PrefillAdder (new_token_ratio reserve; planner/kernel/admission.ts).
 */
export const BACKEND_POLICIES: Readonly<Record<Backend, BackendPolicy>> = {
  vllm: {
    prefillPausesDecode: false, chunkedPrefill: true, admission: 'current-need',
    stepTokenBudget: 8192, maxSequences: 1024,
    kvMemory: { basis: 'total', fraction: () => 0.9, activationsInFraction: true, from: 'vLLM gpu_memory_utilization 0.9 (default): the engine\'s whole footprint, weights and profiled activations included, stays within 0.9 × GPU memory; the KV pool is what is left' },
    from: 'vLLM V1: chunked prefill always on; vllm serve defaults on ≥ 70 GiB GPUs max_num_batched_tokens 8192, max_num_seqs 1024 (planner/benchmark/defaults.ts); admission while the prompt fits, recompute preemption of the newest request',
    notModelled: 'block-granular KV allocation and the prefix cache; async scheduling (on by default from 0.14.0: the next iteration is formed while the current one runs; tried, not adopted: docs/accuracy.md)',
  },
  trtllm: {
    prefillPausesDecode: false, chunkedPrefill: false, admission: 'guaranteed-no-evict',
    stepTokenBudget: 8192, maxSequences: 2048,
    kvMemory: { basis: 'free', fraction: () => 0.9, activationsInFraction: true, from: 'TensorRT-LLM KvCacheConfig.free_gpu_memory_fraction 0.9 (default): 90% of the GPU memory still free after the weights and the activation profiling run' },
    from: 'TensorRT-LLM (PyTorch backend, LLM API / trtllm-serve defaults, 1.0): in-flight batching; SchedulerConfig.capacity_scheduler_policy GUARANTEED_NO_EVICT (a request starts only when its prompt + max_tokens fit beside the running requests\' whole remaining lives; never paused); enable_chunked_prefill false (a prompt runs whole in one iteration); max_num_tokens 8192, max_batch_size 2048',
    notModelled: 'the overlap scheduler (one iteration of look-ahead; tried, not adopted: docs/accuracy.md), CUDA-graph padding, block-granular (32-token) KV; a prompt longer than max_num_tokens, which the engine rejects without chunking, runs whole alone here (a deployment serving it has raised max_num_tokens)',
  },
  sglang: {
    prefillPausesDecode: true, chunkedPrefill: true, admission: 'new-token-ratio', stepTokenBudget: 8192, maxSequences: 4096,
    kvMemory: { basis: 'total', fraction: sglangMemFractionStatic, activationsInFraction: false, from: 'SGLang mem_fraction_static by TP (0.88 / 0.87 / 0.85 / 0.81 / 0.79 at TP 1 / 2 / 4 / 8 / 16, server_args.py up to 0.5.2): weights + KV pool within that share of GPU memory' },
    from: 'SGLang defaults: without --enable-mixed-chunk a prefill batch runs alone and pauses decoding whenever prompts wait (so a closed loop of equal requests stays in synchronized waves: the staged SGLang runs\' TTFT does not move with OSL and grows with concurrency × ISL, that signature); chunked_prefill_size 8192 on ≥ 25 GB GPUs; KV pool from mem_fraction_static by TP',
    notModelled: 'the overlap scheduler (on by default: the next batch is formed before the last one\'s results are processed; tried, not adopted: docs/accuracy.md); max_prefill_tokens; retraction picks the newest request (SGLang: fewest outputs, longest prompt first); the 0.5.3+ memory heuristic; --enable-mixed-chunk deployments (aiconfigurator\'s own SGLang rule sets it) schedule as vLLM',
  },
};

/** The options `computeKvCapacity` takes for this backend's KV pool at TP `tp` (models/specs.ts). */
export function backendKvCapacityOptions(backend: Backend, tp: number): { usableMemoryFraction: number; memoryBasis: 'total' | 'free'; activationReserveBytes?: number } {
  const k = BACKEND_POLICIES[backend].kvMemory;
  return { usableMemoryFraction: k.fraction(tp), memoryBasis: k.basis, ...(k.activationsInFraction ? {} : { activationReserveBytes: 0 }) };
}

/** The scheduler fields of a benchmark spec / kernel options for this backend (absent = the kernel's vLLM-like default). */
export function backendScheduling(backend: Backend | undefined): { prefillPausesDecode?: true; wholePrompts?: true; admission?: Exclude<AdmissionPolicy, 'current-need'> } {
  if (backend === undefined) return {};
  const p = BACKEND_POLICIES[backend];
  return {
    ...(p.prefillPausesDecode ? { prefillPausesDecode: true as const } : {}),
    ...(p.chunkedPrefill ? {} : { wholePrompts: true as const }),
    ...(p.admission === 'current-need' ? {} : { admission: p.admission }),
  };
}

/**
 * Requests each client sends in the benchmark that reproduces a measured run, all of them measured (clients start
 * together): the NVIDIA Dynamo / aiconfigurator benchmark scripts run genai-perf/aiperf with `--request-count
 * concurrency×10 --warmup-request-count concurrency×2` and report means over the request count; the warm-up phase
 * drains before the measured one starts, so it does not change what is measured without a prefix cache. The silicon
 * CSV does not record its request count: this is the documented convention, not a fitted figure.
 */
export const MEASURED_RUN_REQUESTS_PER_CLIENT = 10;
