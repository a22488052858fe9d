/**
 * A synthetic, roofline-shaped PerfModel and small typed inputs for planner tests (the real models are built in
 * models/ by another module; these tests need only the interface and plausible shapes).
 */
import type { ConversationClass, Datacenter, GpuSpec, InstanceLayout, LlmSpec, Mix, SloSet } from '../../../catalogs/types.js';
import type { PerfModel, PowerState } from '../../../models/types.js';
import type { PerfModelFor } from '../../../planner/types.js';

export function makeGpu(id: string, over: Partial<GpuSpec> = {}): GpuSpec {
  return {
    id,
    vendor: 'synthetic',
    name: id,
    memoryBytes: 80e9,
    memoryBandwidthBytesPerSecond: 3.35e12,
    bf16FlopsPerSecond: 989e12,
    tdpWatts: 700,
    idleWatts: 90,
    powerCap: { minWatts: 200, maxWatts: 700 },
    intraNodeBandwidthBytesPerSecond: 450e9,
    interNodeBandwidthBytesPerSecond: 50e9,
    gpusPerNode: 8,
    capexUsd: 30_000,
    sources: {},
    ...over,
  };
}

export const LLAMA_8B: LlmSpec = {
  id: 'llama-3.1-8b',
  name: 'Llama 3.1 8B',
  parameters: 8.03e9,
  layers: 32,
  hiddenSize: 4096,
  intermediateSize: 14336,
  attentionHeads: 32,
  kvHeads: 8,
  headDim: 128,
  vocabSize: 128256,
  weightDtypeBytes: 2,
  kvDtypeBytes: 2,
  maxContextTokens: 131072,
  sources: {},
};

export const LLAMA_70B: LlmSpec = { ...LLAMA_8B, id: 'llama-3.1-70b', name: 'Llama 3.1 70B', parameters: 70.6e9, layers: 80, hiddenSize: 8192, attentionHeads: 64 };

/** Roofline-shaped model: compute-bound prefill slowed by a power cap, memory-bound decode that is not. */
export function syntheticPerf(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, powerCapWatts?: number): PerfModel | undefined {
  const tp = layout.tp;
  const memory = gpu.memoryBytes * tp * 0.9;
  const weightBytes = llm.parameters * llm.weightDtypeBytes;
  const kvBytesPerToken = 2 * llm.layers * llm.kvHeads * llm.headDim * llm.kvDtypeBytes;
  const kvCapacityTokens = Math.floor((memory - weightBytes) / kvBytesPerToken);
  if (kvCapacityTokens < 4096) return undefined;
  const capFactor = powerCapWatts === undefined ? 1 : Math.max(0.3, powerCapWatts / gpu.tdpWatts);
  const flops = gpu.bf16FlopsPerSecond * tp * 0.5 * Math.min(1, capFactor * 1.15);
  const bandwidth = gpu.memoryBandwidthBytesPerSecond * tp * 0.7;
  const tpOverhead = 0.002 + 0.0005 * Math.log2(tp);
  const prefillSeconds = (newTokens: number, cachedTokens: number): number =>
    tpOverhead + (2 * llm.parameters * newTokens + 4 * llm.layers * llm.hiddenSize * newTokens * (cachedTokens + newTokens / 2)) / flops;
  const decodeStepAffine = (batch: number, chunk = 0) => ({
    baseSeconds: tpOverhead + weightBytes / bandwidth + (2 * llm.parameters * batch) / flops + (chunk > 0 ? prefillSeconds(chunk, 0) - tpOverhead : 0),
    perContextTokenSeconds: kvBytesPerToken / bandwidth,
  });
  const peak = (powerCapWatts ?? gpu.tdpWatts) * tp;
  const idle = gpu.idleWatts * tp;
  return {
    gpu: gpu.id,
    llm: llm.id,
    tp,
    ep: 1,
    gpus: tp,
    precision: layout.precision ?? 'bf16',
    kvDtype: layout.kvDtype ?? 'bf16',
    powerCapWatts,
    prefillSeconds,
    prefillBatchSeconds: (pieces, options) => {
      const computing = pieces.filter((p) => p.newTokens > 0);
      if (computing.length === 0) return 0;
      const compute = computing.reduce((sum, p) => sum + prefillSeconds(p.newTokens, p.cachedTokens) - tpOverhead, 0);
      return (options?.ridesDecodeStep ? 0 : tpOverhead) + compute;
    },
    decodeStepSeconds: (batch, ctx, chunk) => {
      const a = decodeStepAffine(batch, chunk);
      return a.baseSeconds + a.perContextTokenSeconds * ctx;
    },
    decodeStepAffine,
    chunkedPrefillSeconds: (newTokens: number, cachedTokens: number) => (newTokens > 0 ? prefillSeconds(newTokens, cachedTokens) - tpOverhead : 0),
    weightBytes,
    kvBytesPerToken,
    kvCapacityTokens,
    powerWatts: (state: PowerState, batch = 1) =>
      state === 'idle' ? idle : state === 'prefill' ? peak : idle + (peak - idle) * Math.min(1, 0.35 + 0.65 * Math.sqrt(batch / 256)),
    provenance: { kind: 'roofline', from: 'test synthetic' },
  };
}

export const syntheticPerfFor: PerfModelFor = syntheticPerf;

export function makeClass(id: string, over: Partial<ConversationClass> = {}): ConversationClass {
  return {
    id,
    description: id,
    arrivalRatePerSecond: 1,
    arrival: { kind: 'poisson' },
    turns: { kind: 'fixed', value: 4 },
    firstInputTokens: { kind: 'lognormal', median: 3000, sigma: 0.5 },
    appendedInputTokens: { kind: 'fixed', value: 400 },
    outputTokens: { kind: 'fixed', value: 150 },
    toolLatencySeconds: { kind: 'exponential', mean: 2 },
    userVisibleTurns: 'last',
    sources: {},
    ...over,
  };
}

export function makeMix(classes: ConversationClass[]): Mix {
  return { id: 'test-mix', name: 'test', description: '', classes, sources: {} };
}

export function makeSlo(ttfetSeconds: number, tbtMs: number, percentile = 95): SloSet {
  return {
    id: 'test-slo',
    description: '',
    targets: [
      { metric: 'ttfet_s', percentile, kind: 'absolute', maxValue: ttfetSeconds },
      { metric: 'tbt_ms', percentile, kind: 'absolute', maxValue: tbtMs },
    ],
    attainment: 0.95,
    sources: {},
  };
}

export const DATACENTER: Datacenter = { id: 'test-dc', pue: 1.3, electricityUsdPerKwh: 0.1, sources: {} };
