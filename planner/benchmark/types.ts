/**
 * A serving benchmark as people run one (vLLM `bench serve`, aiperf, genai-perf), simulated on the kernel's engines:
 * what is benchmarked (one aggregated instance or an xPyD disaggregated set), how it is loaded (a closed loop of
 * `concurrency` clients or open-loop Poisson arrivals) and what it reports (DESIGN.md, CLI contract).
 */
import type { Distribution, KvDtype, Precision } from '../../catalogs/types.js';
import type { LinkModel } from '../../models/types.js';
import type { PolicyName } from '../kernel/index.js';

/** Weight/GEMM format of the benchmarked instances (the catalogs' Precision). */
export type BenchmarkPrecision = Precision;

/** One instance layout: `tp` attention tensor-parallel GPUs, `ep` expert-parallel (absent = 1). */
export interface BenchmarkLayout {
  readonly tp: number;
  readonly ep?: number;
}

/** A set of identical instances of one role in a disaggregated benchmark (`--prefill 2x4` = 2 instances of TP4). */
export interface InstanceSet extends BenchmarkLayout {
  readonly count: number;
}

/**
 * The engine limits a vLLM user sets on the command line, per instance. An instance with attention data parallelism
 * (max(tp, ep) / tp ranks) is one engine here: its maxNumSeqs counts every rank's sequences (a measured row's
 * per-rank batch × attention-DP degree).
 */
export interface EngineLimits {
  /** `--max-num-seqs`: most sequences running at once on one instance. */
  readonly maxNumSeqs: number;
  /** `--max-num-batched-tokens`: tokens one iteration may carry (decodes count one each; prefill chunks the rest). */
  readonly maxNumBatchedTokens: number;
}

export type BenchmarkLoad =
  /** Closed loop: `concurrency` clients each send a request, wait for its last token, and send the next at once. */
  | { readonly kind: 'concurrency'; readonly concurrency: number }
  /** Open loop: Poisson arrivals at `ratePerSecond`, whatever the server does (seeded). */
  | { readonly kind: 'rate'; readonly ratePerSecond: number };

interface CommonSpec {
  readonly gpu: string;
  readonly llm: string;
  /** Weight/GEMM format (absent: the LLM's native one). */
  readonly precision?: Precision;
  /** KV cache format (absent: the LLM's native one). */
  readonly kvDtype?: KvDtype;
  /** Per-GPU power cap in watts (absent: TDP). */
  readonly powerCapWatts?: number;
  readonly load: BenchmarkLoad;
  /** Input (prompt) tokens per request: a distribution in the project's one syntax (`{kind: 'fixed', value}` for ISL N). */
  readonly isl: Distribution;
  /** Output tokens per request (every request generates exactly this many, as benchmarks force with ignore_eos). */
  readonly osl: Distribution;
  /** Per-request time outside the engine (HTTP, tokenisation, streaming), added to TTFT and E2E (a calibration's request_overhead). */
  readonly requestOverheadSeconds?: number;
  /** Mean client turnaround of a closed loop, engine finish → that client's next arrival (client-gap.ts; a calibration's client_gap). Absent: 0, lockstep. */
  readonly clientGapSeconds?: number;
}

/** One instance, prefill chunks and decodes sharing iterations (vLLM's default chunked-prefill scheduler). */
export interface AggregatedSpec extends CommonSpec, BenchmarkLayout {
  readonly mode: 'agg';
  readonly limits: EngineLimits;
  /** Prompt chunks run in prefill-only iterations that pause decoding (SGLang's default scheduler); absent: they ride decode iterations. */
  readonly prefillPausesDecode?: boolean;
  /** Each prompt runs whole in one iteration (chunked prefill off, TensorRT-LLM's default); absent: prompts are chunked to the step budget. */
  readonly wholePrompts?: boolean;
  /** Admission policy (models/serving/backend-policy.ts AdmissionPolicy); absent: 'current-need' (vLLM). */
  readonly admission?: 'current-need' | 'guaranteed-no-evict' | 'new-token-ratio';
}

/**
 * xPyD: prompts prefilled on the prefill set (each prompt on the least-loaded prefiller), the KV moved once over
 * `link` to the decoder with the most free KV, decoded there. This is the kernel's `conserve` policy on single-turn
 * conversations. TTFT is what a disaggregated server's client measures (SGLang's router and Dynamo's frontend stream
 * every token from the decode worker): arrival → the prefill (queue and batched iterations on the prefiller) → the
 * KV transfer (prompt + first token over `link`) → the decoder taking the request into a batch at its next iteration
 * boundary, where the first token (computed by the prefiller, carried with the KV) reaches the client; plus the
 * calibration's per-request overhead (HTTP, the proxy hop). TPOT then counts only the decoder's steps.
 * (KernelOptions.firstTokenAt 'decoder'; `simulate` and `plan` still count the first token at the prefiller.)
 */
export interface DisaggregatedSpec extends CommonSpec {
  readonly mode: 'disagg';
  readonly prefill: InstanceSet;
  readonly decode: InstanceSet;
  /** Per prefill instance: sequences and tokens one prefill iteration may take. */
  readonly prefillLimits: EngineLimits;
  /** Per decode instance. */
  readonly decodeLimits: EngineLimits;
  /** Prefill → decode KV link (per instance pair). */
  readonly link: LinkModel;
}

export type BenchmarkSpec = AggregatedSpec | DisaggregatedSpec;

/** How long to run and when to trust the means (defaults in run-length.ts, stated in every result). */
export interface RunLengthOptions {
  /** Completions discarded before measuring: at least this many and at least twice the most requests ever in flight. */
  readonly minWarmupRequests?: number;
  /** Hard bound on the warm-up (an overloaded open loop never settles). */
  readonly maxWarmupRequests?: number;
  /** An open loop with more requests than this in flight is overloaded (no steady state): the run ends there. */
  readonly maxInFlight?: number;
  /** Requests per batch of the batch-means error estimate (default max(64, the most requests in flight during the warm-up)). */
  readonly batchRequests?: number;
  readonly minBatches?: number;
  readonly maxBatches?: number;
  /** Stop once the standard error of the mean TTFT, TPOT and E2E (over batch means) is at most this share of the mean. */
  readonly targetRelativeError?: number;
  /**
   * Send exactly this many requests and measure every one, the first burst included (genai-perf/aiperf
   * `--request-count N`, vLLM `bench serve --num-prompts N`): no warm-up is discarded and the run ends when the last
   * one finishes. A warm-up phase those tools run before it drains completely, so it does not change what is measured
   * here (no prefix cache is modelled). Absent: the steady-state rule (warm-up, batch means).
   */
  readonly requestCount?: number;
}

export interface BenchmarkOptions extends RunLengthOptions {
  readonly seed: number;
  /** The kernel's mode (fast by default; reference iterates every decode step, for the agreement test). */
  readonly kernelMode?: 'fast' | 'reference';
}

/** mean/p50/p90/p99 in milliseconds (the contract's latency shape). */
export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** What the benchmark would report, and the operating point it ran (JSON field names are the CLI contract). */
export interface BenchmarkResult {
  readonly ttft_ms: LatencySummary;
  readonly tpot_ms: LatencySummary;
  readonly itl_ms: LatencySummary;
  readonly e2e_ms: LatencySummary;
  readonly request_throughput_per_s: number;
  readonly output_tokens_per_s: number;
  readonly output_tokens_per_s_per_gpu: number;
  readonly power_w: number;
  /** Output tokens per joule over the measured window (all GPUs of the set, idle time included). */
  readonly tokens_per_j: number;
  readonly operating_point: OperatingPoint;
  readonly run: RunFacts;
}

export interface OperatingPoint {
  readonly mode: 'agg' | 'disagg';
  readonly gpu: string;
  readonly llm: string;
  readonly precision: Precision | null;
  readonly kv_dtype: KvDtype | null;
  readonly power_cap_w: number | null;
  readonly tp: number | null;
  readonly ep: number | null;
  readonly prefill: { readonly count: number; readonly tp: number; readonly ep: number } | null;
  readonly decode: { readonly count: number; readonly tp: number; readonly ep: number } | null;
  readonly gpus: number;
  readonly concurrency: number | null;
  readonly rate_per_s: number | null;
  readonly isl: Distribution;
  readonly osl: Distribution;
  readonly max_num_seqs: number;
  readonly max_num_batched_tokens: number;
  readonly prefill_max_num_seqs: number | null;
  readonly prefill_max_num_batched_tokens: number | null;
  /** Disaggregated: the prefill → decode KV link the run assumed. */
  readonly kv_link: { readonly bandwidth_bytes_per_s: number; readonly latency_s: number } | null;
  readonly policy: PolicyName;
  /** Agg: prompt chunks in prefill-only iterations that pause decoding (SGLang's default), not riding decode iterations. */
  readonly prefill_pauses_decode: boolean;
  readonly seed: number;
}

/** How the run was measured: the warm-up, the window, and whether the stopping rule was met. */
export interface RunFacts {
  readonly warmup_requests: number;
  readonly measured_requests: number;
  readonly batches: number;
  readonly batch_requests: number;
  /** Largest standard error of the mean (TTFT, TPOT, E2E) over batch means, as a share of the mean; null under 2 batches. */
  readonly relative_standard_error: number | null;
  /** True when the stopping rule was met; false when maxBatches (or the warm-up bound) ended the run first. */
  readonly converged: boolean;
  /** An open loop offered more than the set serves: requests in flight passed maxInFlight and the run ended there. */
  readonly overloaded: boolean;
  readonly warmup_s: number;
  readonly window_s: number;
  readonly max_in_flight: number;
  /** Draws whose ISL + OSL exceed every instance's KV capacity: refused (a server answers them with an error), redrawn. */
  readonly refused_requests: number;
  /** Distribution draws a bound or the ≥ 1 token floor changed. */
  readonly clipped_draws: number;
  readonly kv_transfers: number;
  readonly preemptions: number;
  readonly events: number;
  readonly sim_time_s: number;
  readonly rule: string;
}
