/**
 * Candidate pools: every (GPU type, TP degree, role, power cap) the LLM fits on. Power-capped candidates let the
 * solver find heterogeneous tiers (e.g. decoders capped below TDP next to uncapped prefillers).
 */
import type { GpuSpec, LlmSpec, Role } from '../../catalogs/types.js';
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

/** A readable, stable key for a pool. */
export function poolKey(gpu: string, tp: number, role: Role, powerCapWatts?: number): string {
  return `${gpu}/tp${tp}/${role}/${powerCapWatts === undefined ? 'tdp' : `${powerCapWatts}w`}`;
}

/** Enumerates candidate pools in a deterministic order (GPU order as given, then TP, role, cap). */
export function enumeratePools(gpus: readonly GpuSpec[], llm: LlmSpec, perfModelFor: PerfModelFor, options: ResolvedOptions): PoolSet {
  const pools: Pool[] = [];
  const unfit: UnfitGpu[] = [];
  const broken: string[] = [];
  for (const gpu of gpus) {
    let fitted = false;
    for (const tp of options.tpDegrees) {
      for (const role of options.roles) {
        const caps = new Set<number | undefined>(options.powerCapFractions[role].map((f) => capWattsFor(gpu, f)));
        for (const cap of caps) {
          const perf = perfModelFor(gpu, llm, { tp }, cap);
          if (!perf || perf.kvCapacityTokens <= 0) continue;
          fitted = true;
          const key = poolKey(gpu.id, tp, role, cap);
          if (!isSane(perf)) {
            broken.push(key);
            continue;
          }
          pools.push({ key, gpu, tp, ep: perf.ep, gpus: perf.gpus, precision: perf.precision, kvDtype: perf.kvDtype, role, powerCapWatts: cap, perf });
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
