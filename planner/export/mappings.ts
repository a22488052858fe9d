/**
 * Facts export needs that the planning catalogs do not carry: which Hugging Face repository serves each catalog LLM,
 * and how a Kubernetes scheduler finds each catalog GPU (the device plugin's extended resource and a node label).
 * Each entry says where it comes from; `--mapping FILE` overrides or adds entries (a user's own GPU or LLM ids).
 */
import type { GpuNodeFacts } from './types.js';

/**
 * NVIDIA GPU Feature Discovery (k8s-device-plugin, `gpu-feature-discovery`) labels each node
 * `nvidia.com/gpu.product=<NVML device name with spaces replaced by '-'>`. The device names below are the
 * `nvidia-smi --query-gpu=name` strings cited in each catalogs/gpus/*.yaml `sources`.
 */
const GFD = 'nvidia.com/gpu.product';
const gfd = (gpuName: string, cited: string): GpuNodeFacts => ({
  resourceName: 'nvidia.com/gpu',
  labelKey: GFD,
  labelValue: gpuName.replace(/ /g, '-'),
  source: `GPU Feature Discovery ${GFD} = NVML name "${gpuName}" with spaces as '-' (${cited})`,
});

export const GPU_NODE_FACTS: Readonly<Record<string, GpuNodeFacts>> = {
  'a100-40gb': gfd('NVIDIA A100-SXM4-40GB', 'nvidia-smi name of the A100 SXM4 40GB'),
  'a100-80gb-sxm': gfd('NVIDIA A100-SXM4-80GB', 'nvidia-smi name of the A100 SXM4 80GB'),
  a40: gfd('NVIDIA A40', "catalogs/gpus/a40.yaml cites nvidia-smi on 'NVIDIA A40'"),
  b200: gfd('NVIDIA B200', "catalogs/gpus/b200.yaml cites nvidia-smi on 'NVIDIA B200'"),
  'h100-pcie': gfd('NVIDIA H100 PCIe', "catalogs/gpus/h100-pcie.yaml cites nvidia-smi on 'NVIDIA H100 PCIe'"),
  'h100-sxm': gfd('NVIDIA H100 80GB HBM3', "catalogs/gpus/h100-sxm.yaml cites nvidia-smi on 'NVIDIA H100 80GB HBM3'"),
  h20: gfd('NVIDIA H20', "catalogs/gpus/h20.yaml cites nvidia-smi on 'NVIDIA H20'"),
  h200: gfd('NVIDIA H200', "catalogs/gpus/h200.yaml cites nvidia-smi on 'NVIDIA H200'"),
  l4: gfd('NVIDIA L4', "catalogs/gpus/l4.yaml cites nvidia-smi on 'NVIDIA L4'"),
  l40s: gfd('NVIDIA L40S', 'nvidia-smi name of the L40S'),
  // No node label is published that we can cite for these: the export writes a placeholder and warns.
  mi300x: { resourceName: 'amd.com/gpu', labelKey: 'amd.com/gpu.product-name', source: 'AMD GPU device plugin resource amd.com/gpu; the node label value is cluster-specific (AMD node labeller): fill it in' },
  gaudi3: { resourceName: 'habana.ai/gaudi', labelKey: 'habana.ai/gaudi.product', source: 'Intel Gaudi device plugin resource habana.ai/gaudi; no standard product node label: fill it in' },
};

/** The extended resource by vendor, for a GPU id not in the table above (a user's catalog entry). */
export function resourceForVendor(vendor: string): string {
  const v = vendor.toLowerCase();
  if (v === 'amd') return 'amd.com/gpu';
  if (v === 'intel') return 'habana.ai/gaudi';
  return 'nvidia.com/gpu';
}

/** The value written where a node label is unknown: a person must replace it before applying. */
export const LABEL_PLACEHOLDER = 'FILL-ME-node-label-value';
export const MODEL_PLACEHOLDER = 'FILL-ME/hugging-face-repo';

export interface HfModel {
  readonly repo: string;
  readonly source: string;
}

/**
 * The repository each catalog LLM is served from. Where the catalog's figures cite a base model's config.json, the
 * instruct fine-tune is served (an agent needs the chat template); its config.json is the same architecture.
 */
export const HF_MODELS: Readonly<Record<string, HfModel>> = {
  'llama-2-70b': { repo: 'meta-llama/Llama-2-70b-chat-hf', source: 'chat fine-tune of meta-llama/Llama-2-70b-hf, whose config.json catalogs/llms/llama-2-70b.yaml cites' },
  'llama-3.1-70b': { repo: 'meta-llama/Llama-3.1-70B-Instruct', source: 'instruct fine-tune of meta-llama/Llama-3.1-70B, whose config.json catalogs/llms/llama-3.1-70b.yaml cites' },
  'llama-3.1-8b': { repo: 'meta-llama/Llama-3.1-8B-Instruct', source: 'instruct fine-tune of meta-llama/Llama-3.1-8B, whose config.json catalogs/llms/llama-3.1-8b.yaml cites' },
  'mistral-7b': { repo: 'mistralai/Mistral-7B-Instruct-v0.3', source: 'the repository catalogs/llms/mistral-7b.yaml cites' },
  'qwen2.5-72b': { repo: 'Qwen/Qwen2.5-72B-Instruct', source: 'the repository catalogs/llms/qwen2.5-72b.yaml cites' },
  'qwen3-0.6b': { repo: 'Qwen/Qwen3-0.6B', source: 'the repository catalogs/llms/qwen3-0.6b.yaml cites (the ConServe paper serves it)' },
  'qwen3-32b': { repo: 'Qwen/Qwen3-32B', source: 'the repository catalogs/llms/qwen3-32b.yaml cites' },
};
