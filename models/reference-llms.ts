/**
 * Shapes of the ML.ENERGY models that calibrate the roofline's decode overheads. Catalog models are referred to by id;
 * the models the catalog does not carry (two Qwen3 sizes; Llama-2-7B, which Vidur profiled) are spelled out here from their Hugging Face config.json, because
 * their depth (36, 40 layers) and size (8–15B) are what separate a per-layer floor from a per-step one.
 */
import type { LlmSpec } from '../catalogs/types.js';

const QWEN3_COMMON = { headDim: 128, kvHeads: 8, vocabSize: 151936, weightDtypeBytes: 2, kvDtypeBytes: 2, maxContextTokens: 40960 } as const;
const source = (repo: string) => ({ shape: `Hugging Face ${repo} config.json (num_hidden_layers, hidden_size, intermediate_size, heads, head_dim); parameters from the model card` });

/** LLMs outside the catalog that reference data use. */
export const REFERENCE_LLMS: ReadonlyMap<string, LlmSpec> = new Map<string, LlmSpec>([
  ['qwen3-8b', { id: 'qwen3-8b', name: 'Qwen3-8B', parameters: 8.19e9, layers: 36, hiddenSize: 4096, intermediateSize: 12288, attentionHeads: 32, ...QWEN3_COMMON, sources: source('Qwen/Qwen3-8B') }],
  ['qwen3-14b', { id: 'qwen3-14b', name: 'Qwen3-14B', parameters: 14.8e9, layers: 40, hiddenSize: 5120, intermediateSize: 17408, attentionHeads: 40, ...QWEN3_COMMON, sources: source('Qwen/Qwen3-14B') }],
  ['llama-2-7b', {
    id: 'llama-2-7b', name: 'Llama-2-7B', parameters: 6.74e9, layers: 32, hiddenSize: 4096, intermediateSize: 11008, attentionHeads: 32, kvHeads: 32, headDim: 128,
    vocabSize: 32000, weightDtypeBytes: 2, kvDtypeBytes: 2, maxContextTokens: 4096, sources: source('meta-llama/Llama-2-7b-hf'),
  }],
]);

/**
 * ML.ENERGY `model_id` → LLM id (catalog or REFERENCE_LLMS). Dense bf16 models only; Gemma 3 is left out because
 * five of six of its layers use 1K-token sliding-window attention, which the KV-read term does not model.
 */
export const MLENERGY_LLM_IDS: Readonly<Record<string, string>> = {
  'meta-llama/Llama-3.1-8B-Instruct': 'llama-3.1-8b',
  'meta-llama/Llama-3.1-70B-Instruct': 'llama-3.1-70b',
  'meta-llama/Llama-3.3-70B-Instruct': 'llama-3.1-70b',
  'Qwen/Qwen3-8B': 'qwen3-8b',
  'Qwen/Qwen3-14B': 'qwen3-14b',
  'Qwen/Qwen3-32B': 'qwen3-32b',
};
