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

/**
 * AMD's node labeller (ROCm/k8s-device-plugin cmd/k8s-node-labeller/main.go at 14316e20d6e5, the labeller the AMD GPU
 * Operator deploys), run with `-device-id`, labels a node whose GPUs share one PCI device id
 * `amd.com/gpu.device-id=<id>`: the id from /sys/class/drm/cardN/device/device without its `0x`, lower-case hex as
 * sysfs prints it (AMD's AIM Engine docs show `74a1` for MI300X and match this label). The ids are those of the
 * labeller's own amdgpu.ids table (same repository, cmd/k8s-node-labeller/amdgpu.ids at 46c4012f749c). The
 * `amd.com/gpu.product-name` label is not used: its value is the board's sysfs product_name, which no table fixes.
 * A virtual machine's GPU (SR-IOV virtual function) reports another id (`vf`): map it with --mapping.
 */
const AMD_DEVICE_ID = 'amd.com/gpu.device-id';
const amdDeviceId = (id: string, name: string, vf: string): GpuNodeFacts => ({
  resourceName: 'amd.com/gpu',
  labelKey: AMD_DEVICE_ID,
  labelValue: id,
  source: `AMD node labeller ${AMD_DEVICE_ID} = PCI device id ${id} ("${name}" in the labeller's amdgpu.ids; a virtual function reports ${vf})`,
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
  b300: gfd('NVIDIA B300 SXM6 AC', "catalogs/gpus/b300.yaml cites public run reports of 'NVIDIA B300 SXM6 AC'"),
  gb200: gfd('NVIDIA GB200', "NVML device name 'NVIDIA GB200' (public MIG-profile tables, as catalogs/gpus/gb300.yaml cites for GB300)"),
  'rtx-pro-6000': gfd('NVIDIA RTX PRO 6000 Blackwell Server Edition', "catalogs/gpus/rtx-pro-6000.yaml cites nvidia-smi on 'NVIDIA RTX PRO 6000 Blackwell Server Edition'"),
  gb300: { resourceName: 'nvidia.com/gpu', labelKey: GFD, source: 'NVIDIA device plugin resource nvidia.com/gpu; no nvidia-smi product name for GB300 was found to cite: fill it in' },
  mi300x: amdDeviceId('74a1', 'AMD Instinct MI300X', '74b5'),
  mi325x: amdDeviceId('74a5', 'AMD Instinct MI325X', '74b9'),
  mi355x: amdDeviceId('75a3', 'AMD Instinct MI355X', '75b3'),
  // Intel's Gaudi device plugin and feature discovery document no product label we can cite (only device count,
  // driver version, machine type): the export writes a placeholder and warns.
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
  'deepseek-v3': { repo: 'deepseek-ai/DeepSeek-V3', source: 'the repository catalogs/llms/deepseek-v3.yaml cites' },
  'deepseek-r1': { repo: 'deepseek-ai/DeepSeek-R1', source: 'the repository catalogs/llms/deepseek-r1.yaml cites' },
  'kimi-k2': { repo: 'moonshotai/Kimi-K2-Instruct', source: 'the repository catalogs/llms/kimi-k2.yaml cites' },
  'kimi-k2.5': { repo: 'moonshotai/Kimi-K2.5', source: 'the repository catalogs/llms/kimi-k2.5.yaml cites' },
  'minimax-m2.5': { repo: 'MiniMaxAI/MiniMax-M2.5', source: 'the repository catalogs/llms/minimax-m2.5.yaml cites' },
  'qwen3.5-397b-a17b': { repo: 'Qwen/Qwen3.5-397B-A17B', source: 'the repository catalogs/llms/qwen3.5-397b-a17b.yaml cites' },
  'qwen3-235b-a22b': { repo: 'Qwen/Qwen3-235B-A22B', source: 'the repository catalogs/llms/qwen3-235b-a22b.yaml cites' },
  'qwen3-30b-a3b': { repo: 'Qwen/Qwen3-30B-A3B', source: 'the repository catalogs/llms/qwen3-30b-a3b.yaml cites' },
  'gpt-oss-120b': { repo: 'openai/gpt-oss-120b', source: 'the repository catalogs/llms/gpt-oss-120b.yaml cites' },
  'mixtral-8x22b': { repo: 'mistralai/Mixtral-8x22B-Instruct-v0.1', source: 'the repository catalogs/llms/mixtral-8x22b.yaml cites' },
};
