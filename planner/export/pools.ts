/**
 * Plan pools → what a deployment needs to know about each: layout (TP, EP, data parallel, GPUs per pod, pods per
 * instance), precision, the engine limits the plan was checked with, the model repository and the node label.
 * Unknown labels or models become placeholders with a warning naming them — never a silent guess.
 */
import { layoutLabel, nodesSpanned, resolveLayout } from '../../catalogs/precision.js';
import type { GpuSpec, KvDtype, LlmSpec, Precision, Role } from '../../catalogs/types.js';
import { resolveOptions } from '../kernel/types.js';
import { GPU_NODE_FACTS, HF_MODELS, LABEL_PLACEHOLDER, MODEL_PLACEHOLDER, resourceForVendor } from './mappings.js';
import type { ExportInput, ExportOptions, ExportPool } from './types.js';

export interface DeployPool {
  /** DNS-1123 name, unique in the plan: `<role>-<gpu>-tp<tp>[ep<ep>]-<precision>[-<cap>w]`. */
  readonly name: string;
  readonly role: Role;
  readonly gpu: GpuSpec;
  readonly llm: LlmSpec;
  readonly hfRepo: string;
  readonly count: number;
  readonly tp: number;
  readonly ep: number;
  /** GPUs per instance = max(tp, ep); attention data-parallel degree = gpus / tp. */
  readonly gpus: number;
  readonly dataParallel: number;
  /** Pods (nodes) per instance = ceil(gpus / gpusPerNode), and GPUs each pod requests. */
  readonly nodes: number;
  readonly gpusPerPod: number;
  readonly precision: Precision;
  readonly kvDtype: KvDtype;
  readonly powerCapWatts?: number;
  readonly resourceName: string;
  readonly labelKey: string;
  readonly labelValue: string;
  /** The kernel's engine limits the plan's check ran with (vLLM --max-num-seqs / --max-num-batched-tokens). */
  readonly maxNumSeqs: number;
  readonly maxNumBatchedTokens: number;
}

/** DNS-1123 label text: lower case letters, digits and '-', at most `max` characters, no '-' at either end. */
export function dnsLabel(text: string, max = 63): string {
  const cleaned = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-');
  return cleaned.slice(0, max).replace(/^-+|-+$/g, '') || 'fleet';
}

const ROLE_ORDER: Record<Role, number> = { prefill: 0, colocated: 1, decode: 2 };

/** Pools in a stable order (role, GPU, TP, EP, precision, cap), with counts of 0 dropped and reported. */
export function deployPools(input: ExportInput, options: ExportOptions, warnings: string[]): DeployPool[] {
  const kernel = resolveOptions({ policy: 'conserve', seed: 0 });
  const sorted = [...input.pools].sort((a, b) =>
    ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.gpu.localeCompare(b.gpu) || a.tp - b.tp || (a.ep ?? 1) - (b.ep ?? 1) ||
    (a.precision ?? '').localeCompare(b.precision ?? '') || (a.powerCapWatts ?? 0) - (b.powerCapWatts ?? 0) || a.llm.localeCompare(b.llm));
  const empty = sorted.filter((p) => p.count === 0);
  if (empty.length > 0) warnings.push(`${empty.length} pool(s) with count 0 not exported: ${empty.map((p) => `${p.role} ${p.gpu} TP${p.tp}`).join(', ')}`);
  const missingLabels = new Set<string>();
  const missingModels = new Set<string>();
  const pools = sorted.filter((p) => p.count > 0).map((p) => toDeployPool(p, input, options, kernel, missingLabels, missingModels));
  for (const gpu of missingLabels) {
    warnings.push(`GPU type "${gpu}" has no known node label: its node selector holds the placeholder ${LABEL_PLACEHOLDER}; replace it (or pass --mapping with node_labels.${gpu}) before applying`);
  }
  for (const llm of missingModels) {
    warnings.push(`LLM "${llm}" has no known Hugging Face repository: the manifests hold the placeholder ${MODEL_PLACEHOLDER}; replace it (or pass --mapping with hf_models.${llm})`);
  }
  const names = new Set<string>();
  return pools.map((pool) => {
    let name = pool.name;
    for (let i = 2; names.has(name); i++) name = dnsLabel(`${pool.name.slice(0, 58)}-${i}`);
    names.add(name);
    return { ...pool, name };
  });
}

function toDeployPool(
  p: ExportPool, input: ExportInput, options: ExportOptions, kernel: ReturnType<typeof resolveOptions>,
  missingLabels: Set<string>, missingModels: Set<string>,
): DeployPool {
  const gpu = input.gpus.get(p.gpu)!;
  const llm = input.llms.get(p.llm)!;
  // The loader has checked the layout (tp/ep nesting); resolveLayout fills the LLM's native formats and ep 1.
  const layout = resolveLayout(llm, p);
  const nodes = nodesSpanned(gpu, layout.gpus);
  const facts = GPU_NODE_FACTS[gpu.id];
  const labelValue = options.nodeLabels?.[gpu.id] ?? facts?.labelValue;
  if (labelValue === undefined) missingLabels.add(gpu.id);
  const hfRepo = options.hfModels?.[llm.id] ?? HF_MODELS[llm.id]?.repo;
  if (hfRepo === undefined) missingModels.add(llm.id);
  const cap = p.powerCapWatts !== undefined ? `-${Math.round(p.powerCapWatts)}w` : '';
  const prefill = p.role === 'prefill';
  return {
    // Names carry what the pool is, not the plan: re-exporting a changed plan updates the same objects in place.
    name: dnsLabel(`${p.role}-${gpu.id}-${layoutLabel(layout.tp, layout.ep)}-${layout.precision}${cap}`),
    role: p.role,
    gpu,
    llm,
    hfRepo: hfRepo ?? MODEL_PLACEHOLDER,
    count: p.count,
    tp: p.tp,
    ep: layout.ep,
    gpus: layout.gpus,
    dataParallel: layout.attentionDp,
    nodes,
    gpusPerPod: layout.gpus / nodes,
    precision: layout.precision,
    kvDtype: layout.kvDtype,
    ...(p.powerCapWatts !== undefined ? { powerCapWatts: p.powerCapWatts } : {}),
    resourceName: facts?.resourceName ?? resourceForVendor(gpu.vendor),
    labelKey: facts?.labelKey ?? 'nvidia.com/gpu.product',
    labelValue: labelValue ?? LABEL_PLACEHOLDER,
    maxNumSeqs: prefill ? kernel.prefillMaxBatch : kernel.maxDecodeBatch,
    maxNumBatchedTokens: prefill ? kernel.prefillTokenBudget : kernel.engineTokenBudget,
  };
}
