/** Inline specs for unit tests (the catalog-driven checks live in test/data/models-*.test.ts). */
import type { GpuSpec, LlmSpec } from '../../../catalogs/types.js';

export const H100: GpuSpec = {
  id: 'h100-sxm', vendor: 'NVIDIA', name: 'H100 SXM', memoryBytes: 80 * 1024 ** 3, memoryBandwidthBytesPerSecond: 3.35e12,
  bf16FlopsPerSecond: 989e12, tdpWatts: 700, idleWatts: 75, powerCap: { minWatts: 200, maxWatts: 700 },
  intraNodeBandwidthBytesPerSecond: 450e9, interNodeBandwidthBytesPerSecond: 50e9, gpusPerNode: 8, sources: {},
};
export const TEST_GPU: GpuSpec = { ...H100, id: 'test-gpu' };
export const LLAMA70B: LlmSpec = {
  id: 'llama-2-70b', name: 'Llama 2 70B', parameters: 69e9, layers: 80, hiddenSize: 8192, intermediateSize: 28672,
  attentionHeads: 64, kvHeads: 8, headDim: 128, vocabSize: 32000, weightDtypeBytes: 2, kvDtypeBytes: 2, maxContextTokens: 4096, sources: {},
};
export const SMALL: LlmSpec = { ...LLAMA70B, id: 'small-8b', parameters: 8e9, layers: 32, hiddenSize: 4096, intermediateSize: 14336, attentionHeads: 32 };
