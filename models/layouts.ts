/**
 * The parallel layouts an (LLM, GPU) pair can run as: attention tensor-parallel degree `tp` × expert-parallel
 * degree `ep` (DESIGN.md; docs in the shared contract): GPUs per instance = max(tp, ep), the smaller dividing the
 * larger; attention data-parallel degree gpus/tp; MoE tensor-parallel degree gpus/ep. An instance spans
 * ceil(gpus / scale-up domain) nodes; past the domain it needs an inter-node link. Only layouts whose weights leave
 * room for KV are returned, each with the KV it leaves.
 */
import type { GpuSpec, LlmSpec } from '../catalogs/types.js';
import { layoutKvCapacity, residentWeightBytesPerGpu, servingKvCapacityOptions, type LayoutCapacity, type MemoryOptions } from './moe/memory.js';
import type { Backend } from './serving/runs.js';

export interface Layout {
  readonly tp: number;
  readonly ep: number;
  readonly gpus: number;
  readonly nodes: number;
}

export interface EnumeratedLayout extends Layout {
  readonly kvCapacityTokens: number;
  readonly weightBytesPerGpu: number;
}

export interface EnumerateLayoutsOptions extends MemoryOptions {
  /** Largest instance, GPUs (default: two scale-up domains, at least 16). */
  readonly maxGpus?: number;
  /** Allow instances beyond one scale-up domain (default true when the GPU has an inter-node link). */
  readonly multiNode?: boolean;
  /** Restrict the degrees searched (e.g. a user's `--tp 8`). */
  readonly tps?: readonly number[];
  readonly eps?: readonly number[];
  /**
   * The serving backend whose memory rule decides what fits (models/moe/memory.ts servingKvCapacityOptions: the rule
   * the pool's perf model will size its KV by, e.g. TensorRT-LLM's 0.9 of the memory free after the weights); absent,
   * the default rule. Its fraction, basis and reserve override the ones above.
   */
  readonly backend?: Backend;
}

/** The memory options of one layout: the caller's, under the backend's rule when one is named. */
const memoryOf = (llm: LlmSpec, layout: Layout, options: EnumerateLayoutsOptions): MemoryOptions =>
  options.backend === undefined ? options : { ...options, ...servingKvCapacityOptions(llm, options.backend, layout) };

const powersOfTwoUpTo = (n: number): number[] => {
  const out: number[] = [];
  for (let x = 1; x <= n; x *= 2) out.push(x);
  return out;
};

/** Why a (tp, ep) is not a layout of this LLM at all (independent of memory), or undefined. */
export function layoutShapeProblem(llm: LlmSpec, tp: number, ep: number): string | undefined {
  if (!Number.isInteger(tp) || tp < 1) return `tp must be a whole number ≥ 1, found ${tp}`;
  if (!Number.isInteger(ep) || ep < 1) return `ep must be a whole number ≥ 1, found ${ep}`;
  const [small, large] = tp <= ep ? [tp, ep] : [ep, tp];
  if (large % small !== 0) return `tp ${tp} and ep ${ep}: the smaller must divide the larger`;
  if (!llm.moe && ep > 1) return `${llm.id} is dense: ep must be 1, found ${ep}`;
  if (llm.moe && llm.moe.experts % ep !== 0) return `ep ${ep} does not divide ${llm.id}'s ${llm.moe.experts} experts`;
  if (llm.attentionHeads % tp !== 0) return `tp ${tp} does not divide ${llm.id}'s ${llm.attentionHeads} attention heads`;
  return undefined;
}

/** The instance a layout makes on a GPU type. */
export function layoutOf(gpu: GpuSpec, tp: number, ep: number): Layout {
  const gpus = Math.max(tp, ep);
  return { tp, ep, gpus, nodes: Math.ceil(gpus / gpu.gpusPerNode) };
}

/** Every layout that fits, smallest instance first (then lower tp, then lower ep). */
export function enumerateLayouts(gpu: GpuSpec, llm: LlmSpec, options: EnumerateLayoutsOptions = {}): EnumeratedLayout[] {
  const multiNode = options.multiNode ?? gpu.interNodeBandwidthBytesPerSecond > 0;
  const domainLimit = multiNode ? Number.POSITIVE_INFINITY : gpu.gpusPerNode;
  const maxGpus = Math.min(options.maxGpus ?? Math.max(16, 2 * gpu.gpusPerNode), domainLimit);
  const degrees = powersOfTwoUpTo(maxGpus);
  const tps = options.tps ?? degrees;
  const eps = options.eps ?? (llm.moe ? degrees : [1]);
  const out: EnumeratedLayout[] = [];
  for (const tp of tps) {
    for (const ep of eps) {
      if (Math.max(tp, ep) > maxGpus || layoutShapeProblem(llm, tp, ep) !== undefined) continue;
      const layout = layoutOf(gpu, tp, ep);
      const cap = layoutKvCapacity(gpu, llm, { tp, ep }, memoryOf(llm, layout, options));
      if (cap.fits) out.push({ ...layout, kvCapacityTokens: cap.kvCapacityTokens, weightBytesPerGpu: cap.weightBytesPerGpu });
    }
  }
  return out.sort((a, b) => a.gpus - b.gpus || a.tp - b.tp || a.ep - b.ep);
}

/**
 * When nothing fits within `maxGpus`: the smallest layout that would (searching up to 1,024 GPUs, attention TP at
 * most the largest searched) and what the largest searched layout lacks per GPU — the message for a plan that finds
 * no candidate (exit 1). Undefined when something fits.
 */
export function explainNoLayout(gpu: GpuSpec, llm: LlmSpec, options: EnumerateLayoutsOptions = {}): string | undefined {
  if (enumerateLayouts(gpu, llm, options).length > 0) return undefined;
  const multiNode = options.multiNode ?? gpu.interNodeBandwidthBytesPerSecond > 0;
  const maxGpus = Math.min(options.maxGpus ?? Math.max(16, 2 * gpu.gpusPerNode), multiNode ? Number.POSITIVE_INFINITY : gpu.gpusPerNode);
  const widest = (limit: number, n: number) => powersOfTwoUpTo(limit).filter((d) => n % d === 0).pop() ?? 1;
  const tp = widest(Math.min(maxGpus, Math.max(...(options.tps ?? [maxGpus]))), llm.attentionHeads);
  // Under a restricted ep list (`plan --ep`) the largest searched layout is the widest ep the user allowed.
  const allowedEp = (d: number) => options.eps === undefined || options.eps.includes(d);
  const ep = llm.moe ? powersOfTwoUpTo(maxGpus).filter((d) => llm.moe!.experts % d === 0 && allowedEp(d)).pop() ?? 1 : 1;
  const cap = layoutKvCapacity(gpu, llm, { tp: Math.min(tp, Math.max(tp, ep)), ep }, memoryOf(llm, layoutOf(gpu, tp, ep), options));
  const gib = (x: number) => (x / 1024 ** 3).toFixed(1);
  const lacks = cap.fits ? '' : `, short by ${gib(cap.shortfallBytesPerGpu)} GiB per GPU`;
  const searched = `the largest searched, tp ${tp}${ep > 1 ? ` ep ${ep}` : ''} (${Math.max(tp, ep)} GPUs), holds ${gib(cap.weightBytesPerGpu)} GiB of weights per GPU${lacks}`;
  // What would fit is searched over every ep (the restriction may be the very reason nothing fit), and says so.
  const bigger = enumerateLayouts(gpu, llm, { ...options, eps: undefined, maxGpus: 1024, multiNode: true, tps: (options.tps ?? powersOfTwoUpTo(1024)).filter((t) => t <= tp) })[0];
  const outsideEps = bigger && !allowedEp(bigger.ep) ? `, an ep outside the degrees searched (${options.eps!.join(', ')})` : '';
  const would = bigger
    ? `; the smallest layout that would fit is tp ${bigger.tp}${bigger.ep > 1 ? ` ep ${bigger.ep}` : ''}: ${bigger.gpus} GPUs over ${bigger.nodes} node(s)${outsideEps}${multiNode ? '' : `, which needs an inter-node link ${gpu.id} lacks`}`
    : '; no layout of up to 1,024 GPUs fits it';
  return `${llm.id} fits no layout of up to ${maxGpus}× ${gpu.id}: ${searched}${would}`;
}
