/**
 * Candidate pools: every (GPU type, precision, tp × ep layout, role, power cap) the LLM fits on. Power-capped
 * candidates let the solver find heterogeneous tiers (e.g. decoders capped below TDP next to uncapped prefillers);
 * precision is searched the same way (every format the GPU has, unless restricted), and so is ep on an MoE LLM.
 */
import { gpuPrecisions, layoutLabel, layoutProblem, nativeKvDtype } from '../../catalogs/precision.js';
import type { GpuSpec, LlmSpec, Precision, Role } from '../../catalogs/types.js';
import type { ResolvedOptions } from '../options.js';
import type { PerfModelFor, Pool } from '../types.js';

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

/** Enumerates candidate pools in a deterministic order (GPU order as given, then precision, TP, EP, role, cap). */
export function enumeratePools(gpus: readonly GpuSpec[], llm: LlmSpec, perfModelFor: PerfModelFor, options: ResolvedOptions): PoolSet {
  const pools: Pool[] = [];
  const unfit: UnfitGpu[] = [];
  const broken: string[] = [];
  const layouts = candidateLayouts(llm, options);
  // The planner does not search the KV format: pools keep the LLM's own (a fleet file may set kv_dtype per pool).
  const kvDtype = nativeKvDtype(llm);
  for (const gpu of gpus) {
    let fitted = false;
    for (const precision of candidatePrecisions(gpu, options.precisions)) {
      for (const { tp, ep } of layouts) {
        for (const role of options.roles) {
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
  return { pools, unfit, broken };
}
