/**
 * Typed domain values produced by the loader. Units are SI and written into every name; the loader converts file
 * units (snake_case keys with `_s`, `_ms`, `_bytes`, `_w`, `_usd` suffixes) into these exactly once.
 *
 * This file is the contract between catalogs/, models/, planner/ and reports/: change it with care.
 */

/** Where a figure comes from: a datasheet URL and page, a paper, a fitted data file. */
export type SourceMap = Readonly<Record<string, string>>;

export interface PowerCapRange {
  readonly minWatts: number;
  readonly maxWatts: number;
}

export interface GpuSpec {
  readonly id: string;
  readonly vendor: string;
  readonly name: string;
  readonly memoryBytes: number;
  readonly memoryBandwidthBytesPerSecond: number;
  /** Dense (not 2:4 sparse) peak tensor throughput. */
  readonly bf16FlopsPerSecond: number;
  /** Dense FP8 peak; undefined where the GPU has no FP8 tensor path (A100, A40; L4, L40S and Hopper have one). */
  readonly fp8FlopsPerSecond?: number;
  /** Dense FP4 (NVFP4/MXFP4) peak; undefined where the GPU has no FP4 tensor path (everything before Blackwell). */
  readonly fp4FlopsPerSecond?: number;
  readonly tdpWatts: number;
  readonly idleWatts: number;
  /** The allowed range of a per-GPU power cap (`power_cap_w` on a pool). */
  readonly powerCap: PowerCapRange;
  /** Per-GPU bandwidth to peers inside a node (NVLink, Infinity Fabric, PCIe). */
  readonly intraNodeBandwidthBytesPerSecond: number;
  /** Per-GPU bandwidth across nodes (NIC share): what an instance pays beyond its scale-up domain. */
  readonly interNodeBandwidthBytesPerSecond: number;
  /** The scale-up domain: GPUs joined by `intraNodeBandwidthBytesPerSecond` (8 on HGX, 72 on GB200/GB300 NVL72). */
  readonly gpusPerNode: number;
  readonly capexUsd?: number;
  readonly rentUsdPerHour?: number;
  readonly sources: SourceMap;
}

/** Mixture-of-experts block (the MoE layers' routed and shared experts; every other layer is dense). */
export interface MoeSpec {
  /** Routed experts per MoE layer. */
  readonly experts: number;
  /** Routed experts each token goes to (top-k). */
  readonly expertsPerToken: number;
  /** Always-on experts per MoE layer (DeepSeek's shared expert), each of `expertIntermediateSize`. */
  readonly sharedExperts: number;
  /** One expert's intermediate (SwiGLU inner) width. */
  readonly expertIntermediateSize: number;
  /** Leading layers with a dense MLP of `intermediateSize` instead of experts (DeepSeek's first_k_dense_replace). */
  readonly denseLayers: number;
  /** Parameters active per token (embeddings, attention, dense layers, shared and top-k routed experts). */
  readonly activeParameters: number;
}

/** Sliding-window attention on some of the layers: `layers` of them attend to the last `windowTokens` tokens only. */
export interface SlidingWindowSpec {
  readonly windowTokens: number;
  readonly layers: number;
}

/**
 * Linear-attention layers (Gated DeltaNet: Qwen3-Next, Qwen3.5) among a GQA model's layers: no per-token KV, a fixed
 * state per sequence (a value_heads × key_head_dim × value_head_dim recurrent state and the short convolution's last
 * conv_kernel − 1 inputs of q, k and v), at stateDtypeBytes per element.
 */
export interface LinearAttentionSpec {
  readonly layers: number;
  readonly keyHeads: number;
  readonly valueHeads: number;
  readonly keyHeadDim: number;
  readonly valueHeadDim: number;
  readonly convKernel: number;
  readonly stateDtypeBytes: number;
}

/** Attention kind: grouped-query (KV per kv head), or multi-head latent (a compressed KV latent per token). */
export type AttentionSpec =
  | {
    readonly kind: 'gqa';
    /** Layers that attend to (and keep KV for) only the last `slidingWindowTokens` tokens (gpt-oss: alternate layers). */
    readonly sliding?: SlidingWindowSpec;
    /** Layers with linear attention instead (a fixed state per sequence, no KV). */
    readonly linear?: LinearAttentionSpec;
  }
  | {
    readonly kind: 'mla';
    readonly kvLoraRank: number;
    readonly qkRopeHeadDim: number;
    readonly qkNopeHeadDim: number;
    readonly vHeadDim: number;
    readonly qLoraRank?: number;
  };

export interface LlmSpec {
  readonly id: string;
  readonly name: string;
  readonly parameters: number;
  readonly layers: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly attentionHeads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly weightDtypeBytes: number;
  readonly kvDtypeBytes: number;
  readonly maxContextTokens: number;
  readonly moe?: MoeSpec;
  /** Absent = grouped-query attention. */
  readonly attention?: AttentionSpec;
  readonly sources: SourceMap;
}

/** One distribution syntax everywhere (DESIGN.md, Inputs). Optional bounds are reported when they cut. */
export type DistributionShape =
  | { readonly kind: 'fixed'; readonly value: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number }
  | { readonly kind: 'exponential'; readonly mean: number }
  | { readonly kind: 'lognormal'; readonly median: number; readonly sigma: number }
  | { readonly kind: 'empirical'; readonly points: ReadonlyArray<readonly [value: number, weight: number]> };

export type Distribution = DistributionShape & {
  readonly min?: number;
  readonly max?: number;
};

/** How conversations of a class arrive. */
export type ArrivalProcess =
  | { readonly kind: 'poisson' }
  /** Rate multiplied by 24 hourly factors (mean 1), starting at simulated midnight. */
  | { readonly kind: 'diurnal'; readonly hourlyFactors: readonly number[] }
  /** Arrivals replayed from a trace file (timestamps only); `path` is resolved by the CLI shell. */
  | { readonly kind: 'trace'; readonly path: string; readonly format: TraceFormat };

export type TraceFormat = 'fleetplan-jsonl' | 'azure-csv' | 'mooncake-jsonl';

export interface ConversationClass {
  readonly id: string;
  readonly description: string;
  readonly arrivalRatePerSecond: number;
  readonly arrival: ArrivalProcess;
  /** Turns per conversation (rounded to an integer ≥ 1 when sampled). */
  readonly turns: Distribution;
  /** Turn-1 prompt tokens. */
  readonly firstInputTokens: Distribution;
  /** Tokens appended before each later turn (tool output + user text). */
  readonly appendedInputTokens: Distribution;
  /** Output tokens per turn; `outputTokensByTurn[i]` overrides it for 0-based turn i (the last entry repeats). */
  readonly outputTokens: Distribution;
  readonly outputTokensByTurn?: readonly Distribution[];
  /** Tool latency between turns (seconds). */
  readonly toolLatencySeconds: Distribution;
  /** Which turns the user sees; TTFET measures to the first token of the last one. */
  readonly userVisibleTurns: 'last' | 'all';
  readonly sources: SourceMap;
}

export interface Mix {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Default LLM for this mix (a catalog id); the CLI's --llm overrides it. */
  readonly llm?: string;
  readonly classes: readonly ConversationClass[];
  readonly sources: SourceMap;
}

export type SloMetric = 'ttfet_s' | 'ttft_s' | 'tbt_ms' | 'last_turn_tbt_ms';

/** One latency target: the metric's percentile must be ≤ an absolute bound or ≤ a slowdown × standalone. */
export type SloTarget =
  | { readonly metric: SloMetric; readonly percentile: number; readonly kind: 'absolute'; readonly maxValue: number }
  | { readonly metric: SloMetric; readonly percentile: number; readonly kind: 'slowdown'; readonly maxSlowdown: number };

export interface SloSet {
  readonly id: string;
  readonly description: string;
  readonly targets: readonly SloTarget[];
  /** Share of conversations that must meet every target (0 < a ≤ 1). */
  readonly attainment: number;
  readonly sources: SourceMap;
}

export interface Datacenter {
  readonly id: string;
  readonly pue: number;
  readonly electricityUsdPerKwh: number;
  /** Facility power cap for the fleet's GPUs in watts; undefined means none. */
  readonly powerCapWatts?: number;
  readonly sources: SourceMap;
}

export type Role = 'prefill' | 'decode' | 'colocated';

/** Weight/GEMM format of an instance: bf16, fp8 (per-tensor or block-scaled), fp4 (NVFP4/MXFP4, Blackwell). */
export type Precision = 'bf16' | 'fp8' | 'fp4';
/** KV-cache element format, separate from the weights'. */
export type KvDtype = 'bf16' | 'fp8';

/**
 * How one instance is laid out: attention tensor-parallel degree `tp`, expert-parallel degree `ep` (1 on a dense
 * LLM), weight and KV formats. GPUs per instance = max(tp, ep); absent fields take the LLM's native formats and ep 1.
 */
export interface InstanceLayout {
  readonly tp: number;
  readonly ep?: number;
  readonly precision?: Precision;
  readonly kvDtype?: KvDtype;
}

export interface InstancePool extends InstanceLayout {
  readonly gpu: string;
  readonly llm: string;
  readonly tp: number;
  readonly role: Role;
  readonly count: number;
  /** Per-GPU power cap; undefined runs at TDP. */
  readonly powerCapWatts?: number;
}

export interface Link {
  readonly from: Role;
  readonly to: Role;
  readonly bandwidthBytesPerSecond: number;
  readonly latencySeconds: number;
}

export interface Fleet {
  readonly instances: readonly InstancePool[];
  readonly links: readonly Link[];
  readonly datacenter?: Datacenter;
}

/** Everything built in, indexed by id (user files may add or override entries). */
export interface Catalog {
  readonly gpus: ReadonlyMap<string, GpuSpec>;
  readonly llms: ReadonlyMap<string, LlmSpec>;
  readonly mixes: ReadonlyMap<string, Mix>;
  readonly slos: ReadonlyMap<string, SloSet>;
  readonly datacenters: ReadonlyMap<string, Datacenter>;
}
