/**
 * Schema-valid file data (snake_case, file units) → typed values (camelCase, SI units). Units are converted here and
 * nowhere else: kW → W, ms stays in names that say ms only in files.
 */
import type {
  ArrivalProcess, AttentionSpec, MoeSpec, ConversationClass, Datacenter, Distribution, Fleet, GpuSpec, InstancePool, Link, LlmSpec, Mix, SloSet,
  SloTarget, SourceMap, TraceFormat,
} from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the input has passed its JSON Schema */
type Raw = any;

function sources(raw: Raw): SourceMap {
  return Object.freeze({ ...(raw?.sources ?? {}) });
}

export function toGpuSpec(raw: Raw): GpuSpec {
  return {
    id: raw.id,
    vendor: raw.vendor,
    name: raw.name,
    memoryBytes: raw.memory_bytes,
    memoryBandwidthBytesPerSecond: raw.memory_bw_bytes_per_s,
    bf16FlopsPerSecond: raw.bf16_flops_per_s,
    ...(raw.fp8_flops_per_s !== undefined ? { fp8FlopsPerSecond: raw.fp8_flops_per_s } : {}),
    ...(raw.fp4_flops_per_s !== undefined ? { fp4FlopsPerSecond: raw.fp4_flops_per_s } : {}),
    tdpWatts: raw.tdp_w,
    idleWatts: raw.idle_w,
    powerCap: { minWatts: raw.power_cap_w.min, maxWatts: raw.power_cap_w.max },
    intraNodeBandwidthBytesPerSecond: raw.interconnect.intra_node_bytes_per_s,
    interNodeBandwidthBytesPerSecond: raw.interconnect.inter_node_bytes_per_s,
    gpusPerNode: raw.interconnect.gpus_per_node,
    ...(raw.price?.capex_usd !== undefined ? { capexUsd: raw.price.capex_usd } : {}),
    ...(raw.price?.rent_usd_per_h !== undefined ? { rentUsdPerHour: raw.price.rent_usd_per_h } : {}),
    sources: sources(raw),
  };
}

export function toLlmSpec(raw: Raw): LlmSpec {
  return {
    id: raw.id,
    name: raw.name,
    parameters: raw.parameters,
    layers: raw.layers,
    hiddenSize: raw.hidden_size,
    intermediateSize: raw.intermediate_size,
    attentionHeads: raw.attention_heads,
    kvHeads: raw.kv_heads,
    headDim: raw.head_dim,
    vocabSize: raw.vocab_size,
    weightDtypeBytes: raw.weight_dtype_bytes,
    kvDtypeBytes: raw.kv_dtype_bytes,
    maxContextTokens: raw.max_context_tokens,
    ...(raw.moe ? { moe: toMoeSpec(raw) } : {}),
    ...(raw.attention ? { attention: toAttentionSpec(raw.attention) } : {}),
    sources: sources(raw),
  };
}

/**
 * Parameters of one routed expert: a SwiGLU MLP (gate, up and down projections, 3 x hidden x inner). Biases (gpt-oss
 * has them) add hidden + 2 x inner, under 0.1% of an expert, and are left out.
 */
export function expertParameters(hiddenSize: number, expertIntermediateSize: number): number {
  return 3 * hiddenSize * expertIntermediateSize;
}

/**
 * The MoE block; active parameters = total − the routed experts a token does not use, in every MoE layer:
 * parameters − (experts − experts_per_token) × expert parameters × (layers − dense_layers), unless the file states them.
 */
function toMoeSpec(raw: Raw): MoeSpec {
  const m = raw.moe;
  const moeLayers = raw.layers - m.dense_layers;
  const idle = (m.experts - m.experts_per_token) * expertParameters(raw.hidden_size, m.expert_intermediate_size) * moeLayers;
  return {
    experts: m.experts,
    expertsPerToken: m.experts_per_token,
    sharedExperts: m.shared_experts,
    expertIntermediateSize: m.expert_intermediate_size,
    denseLayers: m.dense_layers,
    activeParameters: m.active_parameters ?? raw.parameters - idle,
  };
}

function toAttentionSpec(raw: Raw): AttentionSpec {
  if (raw.kind === 'gqa') {
    const la = raw.linear_attention;
    return {
      kind: 'gqa',
      ...(raw.sliding_window_tokens !== undefined ? { sliding: { windowTokens: raw.sliding_window_tokens, layers: raw.sliding_layers } } : {}),
      ...(la !== undefined ? {
        linear: {
          layers: la.layers, keyHeads: la.key_heads, valueHeads: la.value_heads, keyHeadDim: la.key_head_dim,
          valueHeadDim: la.value_head_dim, convKernel: la.conv_kernel, stateDtypeBytes: la.state_dtype_bytes,
        },
      } : {}),
    };
  }
  return {
    kind: 'mla',
    kvLoraRank: raw.kv_lora_rank,
    qkRopeHeadDim: raw.qk_rope_head_dim,
    qkNopeHeadDim: raw.qk_nope_head_dim,
    vHeadDim: raw.v_head_dim,
    ...(raw.q_lora_rank !== undefined ? { qLoraRank: raw.q_lora_rank } : {}),
  };
}

/** `{lognormal: {median, sigma}, min, max}` → a Distribution. */
export function toDistribution(raw: Raw): Distribution {
  const bounds = { ...(raw.min !== undefined ? { min: raw.min } : {}), ...(raw.max !== undefined ? { max: raw.max } : {}) };
  if (raw.fixed !== undefined) return { kind: 'fixed', value: raw.fixed, ...bounds };
  if (raw.uniform !== undefined) return { kind: 'uniform', min: raw.uniform.min, max: raw.uniform.max, ...bounds };
  if (raw.exponential !== undefined) return { kind: 'exponential', mean: raw.exponential.mean, ...bounds };
  if (raw.lognormal !== undefined) return { kind: 'lognormal', median: raw.lognormal.median, sigma: raw.lognormal.sigma, ...bounds };
  if (raw.empirical !== undefined) {
    return { kind: 'empirical', points: raw.empirical.map((p: [number, number]) => [p[0], p[1]] as const), ...bounds };
  }
  throw new Error('Unreachable: distribution passed its schema with no known form');
}

function toArrival(raw: Raw): ArrivalProcess {
  if (raw === undefined || raw.poisson !== undefined) return { kind: 'poisson' };
  if (raw.diurnal !== undefined) return { kind: 'diurnal', hourlyFactors: [...raw.diurnal.hourly_factors] };
  return { kind: 'trace', path: raw.trace.path, format: raw.trace.format as TraceFormat };
}

function toConversationClass(raw: Raw): ConversationClass {
  return {
    id: raw.id,
    description: raw.description ?? '',
    arrivalRatePerSecond: raw.arrival_rate_per_s,
    arrival: toArrival(raw.arrival),
    turns: toDistribution(raw.turns),
    firstInputTokens: toDistribution(raw.first_input_tokens),
    appendedInputTokens: toDistribution(raw.appended_input_tokens),
    outputTokens: toDistribution(raw.output_tokens),
    ...(raw.output_tokens_by_turn ? { outputTokensByTurn: raw.output_tokens_by_turn.map(toDistribution) } : {}),
    toolLatencySeconds: toDistribution(raw.tool_latency_s),
    userVisibleTurns: raw.user_visible_turns ?? 'last',
    sources: sources(raw),
  };
}

export function toMix(raw: Raw): Mix {
  return {
    id: raw.id,
    name: raw.name ?? raw.id,
    description: raw.description ?? '',
    ...(raw.llm !== undefined ? { llm: raw.llm } : {}),
    classes: raw.classes.map(toConversationClass),
    sources: sources(raw),
  };
}

function toSloTarget(raw: Raw): SloTarget {
  if (raw.max_slowdown !== undefined) {
    return { metric: raw.metric, percentile: raw.percentile, kind: 'slowdown', maxSlowdown: raw.max_slowdown };
  }
  return { metric: raw.metric, percentile: raw.percentile, kind: 'absolute', maxValue: raw.max };
}

export function toSloSet(raw: Raw): SloSet {
  return {
    id: raw.id,
    description: raw.description ?? '',
    targets: raw.targets.map(toSloTarget),
    attainment: raw.attainment,
    sources: sources(raw),
  };
}

export function toDatacenter(raw: Raw, fallbackId = 'inline'): Datacenter {
  return {
    id: raw.id ?? fallbackId,
    pue: raw.pue,
    electricityUsdPerKwh: raw.electricity_usd_per_kwh,
    ...(raw.power_cap_kw !== undefined ? { powerCapWatts: raw.power_cap_kw * 1000 } : {}),
    sources: sources(raw),
  };
}

export function toInstancePool(raw: Raw, defaultLlm: string | undefined): InstancePool {
  return {
    gpu: raw.gpu,
    llm: raw.llm ?? defaultLlm,
    tp: raw.tp,
    ...(raw.ep !== undefined ? { ep: raw.ep } : {}),
    ...(raw.precision !== undefined ? { precision: raw.precision } : {}),
    ...(raw.kv_dtype !== undefined ? { kvDtype: raw.kv_dtype } : {}),
    role: raw.role,
    count: raw.count,
    ...(raw.power_cap_w !== undefined ? { powerCapWatts: raw.power_cap_w } : {}),
  };
}

export function toLink(raw: Raw): Link {
  return { from: raw.from, to: raw.to, bandwidthBytesPerSecond: raw.bandwidth_bytes_per_s, latencySeconds: raw.latency_s };
}

/** Fleet or plan data → a Fleet; the datacenter is resolved by the caller (an id needs the catalog). */
export function toFleet(raw: Raw, datacenter: Datacenter | undefined): Fleet {
  return {
    instances: raw.instances.map((p: Raw) => toInstancePool(p, raw.llm)),
    links: (raw.links ?? []).map(toLink),
    ...(datacenter ? { datacenter } : {}),
  };
}
