/**
 * Candidate pools: every (GPU type, precision, tp × ep layout, role, power cap) the LLM fits on. Power-capped
 * candidates let the solver find heterogeneous tiers (e.g. decoders capped below TDP next to uncapped prefillers);
 * precision is searched the same way (every format the GPU has, unless restricted), and so is ep on an MoE LLM.
 */
import { BYTES_PER_WEIGHT, gpuPrecisions, layoutLabel, layoutProblem, nativeKvDtype, nativePrecision, scaleUpProblem } from '../../catalogs/precision.js';
import { enumerateLayouts } from '../../models/layouts.js';
import { interNodeCost } from '../../models/moe/inter-node.js';
import type { GpuSpec, LlmSpec, Precision, Role } from '../../catalogs/types.js';
import type { ResolvedOptions } from '../options.js';
import type { PerfModelFor, Pool } from '../types.js';
import { memoryRuleBackend, servingOptions, type ServingChoice } from './perf-adapter.js';
import type { Backend } from '../../models/serving/runs.js';

/** Why a GPU type yielded no pool at any TP (for explanations). */
export interface UnfitGpu {
  readonly gpu: string;
  readonly maxTp: number;
  readonly memoryBytesAtMaxTp: number;
}

export interface PoolSet {
  readonly pools: readonly Pool[];
  readonly unfit: readonly UnfitGpu[];
  /** Pools left out because their model returned a non-finite or non-positive figure (said, never silent). */
  readonly broken: readonly string[];
  /** One line per multi-node layout searched: what spanning nodes costs it (models/moe/inter-node.ts). */
  readonly multiNode: readonly string[];
}

/** A model is usable only if its basic figures are finite and positive at a typical operating point. */
function isSane(perf: NonNullable<ReturnType<PerfModelFor>>): boolean {
  const figures = [perf.prefillSeconds(1000, 0), perf.prefillSeconds(1000, 10_000), perf.decodeStepSeconds(1, 1000, 0), perf.decodeStepSeconds(64, 64_000, 0), perf.powerWatts('idle'), perf.powerWatts('prefill'), perf.powerWatts('decode', 64), perf.kvBytesPerToken];
  return figures.every((x) => Number.isFinite(x) && x > 0);
}

/** The per-GPU cap in watts for a fraction of TDP, clamped into the GPU's allowed range; undefined = TDP. */
export function capWattsFor(gpu: GpuSpec, fraction: number): number | undefined {
  if (fraction >= 1) return undefined;
  return Math.min(gpu.powerCap.maxWatts, Math.max(gpu.powerCap.minWatts, Math.round(gpu.tdpWatts * fraction)));
}

/** A readable, stable key for a pool: `h100-sxm/tp4/fp8/prefill/tdp`, `b200/tp1ep8/fp4/decode/700w`. */
export function poolKey(gpu: string, layout: { readonly tp: number; readonly ep?: number; readonly precision: Precision }, role: Role, powerCapWatts?: number): string {
  return `${gpu}/${layoutLabel(layout.tp, layout.ep)}/${layout.precision}/${role}/${powerCapWatts === undefined ? 'tdp' : `${powerCapWatts}w`}`;
}

/** The formats to try on a GPU: the requested ones it has (default: all it has), in PRECISIONS order. */
export function candidatePrecisions(gpu: GpuSpec, requested: readonly Precision[] | undefined): Precision[] {
  return gpuPrecisions(gpu).filter((p) => requested === undefined || requested.includes(p));
}

/** The (tp, ep) layouts to try: ep 1 only on a dense LLM; on an MoE LLM every nesting pair whose ep divides the experts. */
export function candidateLayouts(llm: LlmSpec, options: Pick<ResolvedOptions, 'tpDegrees' | 'epDegrees'>): Array<{ tp: number; ep: number }> {
  const eps = llm.moe ? options.epDegrees.filter((ep) => llm.moe!.experts % ep === 0) : [1];
  return options.tpDegrees.flatMap((tp) => eps.filter((ep) => layoutProblem(tp, ep) === undefined).map((ep) => ({ tp, ep })));
}

/** Instances of up to this many scale-up domains are tried for a model no single-domain candidate holds. */
export const MAX_MULTI_NODE_DOMAINS = 4;

const bytesPerWeight = (llm: LlmSpec, precision: Precision): number => (precision === nativePrecision(llm) ? llm.weightDtypeBytes : BYTES_PER_WEIGHT[precision]);

/**
 * Whether any layout within one node holds the model, whatever degrees the user allowed: a multi-node note says
 * "fits no single node" only when that is so, not when a user's `--ep 16` alone made the instance span nodes.
 */
const fitsOneNode = (gpu: GpuSpec, llm: LlmSpec, precision: Precision, backend?: Backend): boolean =>
  enumerateLayouts(gpu, llm, { weightBytesPerParameter: bytesPerWeight(llm, precision), multiNode: false, maxGpus: gpu.gpusPerNode, ...(backend ? { backend } : {}) }).length > 0;

/**
 * Multi-node layouts for a (GPU, precision) on which no candidate layout holds the weights: the smallest instance
 * (models/layouts.ts) that does, keeping attention TP within the searched degrees (inside a node) and spreading experts
 * (EP) and attention data-parallel groups across nodes, as DeepSeek-V3 deployments on HGX H100 do.
 */
export function multiNodeLayouts(gpu: GpuSpec, llm: LlmSpec, precision: Precision, options: Pick<ResolvedOptions, 'tpDegrees' | 'requestedEpDegrees'>, backend?: Backend): Array<{ tp: number; ep: number }> {
  const weightBytesPerParameter = bytesPerWeight(llm, precision);
  // What fits is decided by the memory rule the pools' perf models use (`--backend`): TensorRT-LLM's 0.9 of the free
  // memory holds weights the whole-memory rule does not, so its smallest instance may be smaller.
  const all = enumerateLayouts(gpu, llm, { weightBytesPerParameter, maxGpus: MAX_MULTI_NODE_DOMAINS * Math.max(gpu.gpusPerNode, ...options.tpDegrees), ...(backend ? { backend } : {}) });
  if (all.some((l) => l.nodes === 1)) return [];
  // A user's `--ep` list bounds this search as it bounds the one-node one: a restriction that drops every layout
  // leaves the GPU unfit (the no-plan reason then says what would fit), never a layout the user ruled out.
  const found = all.filter((l) => options.tpDegrees.includes(l.tp) && (options.requestedEpDegrees?.includes(l.ep) ?? true));
  if (found.length === 0) return [];
  const smallest = found[0].gpus;
  return found.filter((l) => l.gpus === smallest).map(({ tp, ep }) => ({ tp, ep }));
}

/**
 * Enumerates candidate pools in a deterministic order (GPU order as given, then precision, TP, EP, role, cap).
 * `serving` is the choice `perfModelFor` was built with (`--backend`, `--calibration`): the multi-node notes price
 * crossing nodes on that same model, not on the default one.
 */
export function enumeratePools(gpus: readonly GpuSpec[], llm: LlmSpec, perfModelFor: PerfModelFor, options: ResolvedOptions, serving?: ServingChoice): PoolSet {
  const pools: Pool[] = [];
  const unfit: UnfitGpu[] = [];
  const broken: string[] = [];
  const multiNode: string[] = [];
  const layouts = candidateLayouts(llm, options);
  // The planner does not search the KV format: pools keep the LLM's own (a fleet file may set kv_dtype per pool).
  const kvDtype = nativeKvDtype(llm);
  const backend = memoryRuleBackend(serving);
  for (const gpu of gpus) {
    let fitted = false;
    // A user's --ep may reach past the domain of a GPU with no inter-node link: those layouts cannot run on it.
    const gpuLayouts = layouts.filter(({ tp, ep }) => scaleUpProblem(gpu, tp, ep) === undefined);
    for (const precision of candidatePrecisions(gpu, options.precisions)) {
      const oneNode = gpuLayouts.some(({ tp, ep }) => perfModelFor(gpu, llm, { tp, ep, precision, kvDtype }, undefined)?.kvCapacityTokens);
      const searched = oneNode ? gpuLayouts : multiNodeLayouts(gpu, llm, precision, options, backend);
      // Every candidate that spans nodes says what that costs: the layouts a model no node holds needs, and those a
      // user's --ep makes span nodes although one node would hold the model (e.g. ep 16 on HGX H200).
      for (const { tp, ep } of searched) {
        const gpusPerInstance = Math.max(tp, ep);
        if (gpusPerInstance <= gpu.gpusPerNode) continue;
        if (oneNode && !perfModelFor(gpu, llm, { tp, ep, precision, kvDtype }, undefined)?.kvCapacityTokens) continue;
        // Not through perfModelFor: its cache is keyed by GPU id, and the one-domain counterfactual widens the GPU.
        const c = interNodeCost(gpu, llm, { tp, ep, precision, kvDtype }, servingOptions(serving));
        const ms = (x: number) => (x * 1e3).toFixed(1);
        const why = fitsOneNode(gpu, llm, precision, backend) ? `tp ${tp}${ep > 1 ? ` × ep ${ep}` : ''} is ${gpusPerInstance} GPUs, so ${llm.id} spans ${c.nodes} nodes of ${gpu.gpusPerNode}` : `${llm.id} fits no single ${gpu.gpusPerNode}-GPU node, so it spans ${c.nodes} nodes`;
        multiNode.push(`${gpu.id}/${layoutLabel(tp, ep)}/${precision}: ${why}; traffic beyond the NVLink domain at ${(gpu.interNodeBandwidthBytesPerSecond / 1e9).toFixed(0)} GB/s per GPU adds ${ms(c.decodeStepExtraSeconds)} ms to a ${ms(c.decodeStepSeconds)} ms decode step (batch 64, 4K context) and ${ms(c.prefillExtraSeconds)} ms to a ${ms(c.prefillSeconds)} ms 4K-token prefill`);
      }
      // A GPU with no inter-node link (inter_node_bytes_per_s 0) ships no KV off its node, so without a configured
      // link it serves whole conversations only: prefill and decode pools would need a transfer it cannot make.
      const roles = gpu.interNodeBandwidthBytesPerSecond > 0 || options.link !== undefined ? options.roles : options.roles.filter((r) => r === 'colocated');
      for (const { tp, ep } of searched) {
        for (const role of roles) {
          const caps = new Set<number | undefined>(options.powerCapFractions[role].map((f) => capWattsFor(gpu, f)));
          for (const cap of caps) {
            const perf = perfModelFor(gpu, llm, { tp, ep, precision, kvDtype }, cap);
            if (!perf || perf.kvCapacityTokens <= 0) continue;
            fitted = true;
            const key = poolKey(gpu.id, { tp, ep, precision }, role, cap);
            if (!isSane(perf)) {
              broken.push(key);
              continue;
            }
            pools.push({ key, gpu, tp, ep, gpus: perf.gpus, precision, kvDtype: perf.kvDtype, role, powerCapWatts: cap, perf });
          }
        }
      }
    }
    if (!fitted) {
      const maxTp = Math.max(...options.tpDegrees);
      unfit.push({ gpu: gpu.id, maxTp, memoryBytesAtMaxTp: gpu.memoryBytes * maxTp });
    }
  }
  return { pools, unfit, broken, multiNode };
}
