/**
 * A PerfModel from coefficient vectors (fitted or roofline-derived). A chunk of prefill riding along a decode step
 * costs what the same prefill costs alone, less the per-iteration floor the step already pays.
 */
import type { ResolvedLayout } from '../catalogs/precision.js';
import type { GpuSpec, LlmSpec } from '../catalogs/types.js';
import type { LatencyCoefficients } from './coefficients.js';
import { decodeFeatures, evaluateLinear, prefillBatchFeatures, prefillFeatures, type PrefillPiece } from './features.js';
import { capComputeSlowdown, cappedGpuWatts, type PowerCoefficients } from './power.js';
import { computeKvCapacity, kvBytesPerToken, weightBytes, type KvCapacityOptions } from './specs.js';
import { perfModelIdentity, type ModelProvenance, type PerfModel, type PowerState } from './types.js';

export interface BuildPerfModelOptions {
  readonly gpu: GpuSpec;
  readonly llm: LlmSpec;
  readonly layout: ResolvedLayout;
  readonly latency: LatencyCoefficients;
  readonly power: PowerCoefficients;
  readonly provenance: ModelProvenance;
  /** Cap in force at run time. */
  readonly powerCapWatts?: number;
  /** Cap the latency coefficients were measured under (then no further slowdown applies at that cap). */
  readonly measuredAtCapWatts?: number;
  /** The serving stack's KV pool rule (backend-policy.ts backendKvCapacityOptions); default computeKvCapacity's. */
  readonly kvCapacity?: KvCapacityOptions;
}

/** Builds the PerfModel; its prefill compute is stretched when run under a tighter cap than it was measured at. */
export function buildPerfModel(o: BuildPerfModelOptions): PerfModel {
  const { gpu, llm, layout, latency, power } = o;
  const slowdown = o.powerCapWatts === undefined || o.powerCapWatts === o.measuredAtCapWatts
    ? 1
    : capComputeSlowdown(gpu, power, o.powerCapWatts) / capComputeSlowdown(gpu, power, o.measuredAtCapWatts);
  const p = latency.prefill;
  const d = latency.decode;
  // Everything but the fixed floor is compute that a cap's ceiling stretches.
  const prefillSeconds = (newTokens: number, cachedTokens: number, batch = 1): number => {
    if (newTokens <= 0) return 0;
    const b = Math.max(1, batch);
    const f = prefillFeatures(newTokens / b, Math.max(0, cachedTokens) / b, b);
    return p[0] + slowdown * (evaluateLinear(p, f) - p[0]);
  };
  const prefillBatchSeconds = (pieces: readonly PrefillPiece[], options?: { readonly ridesDecodeStep?: boolean }): number => {
    const f = prefillBatchFeatures(pieces);
    if (f[1] <= 0) return 0;
    const compute = slowdown * (evaluateLinear(p, f) - p[0]);
    return options?.ridesDecodeStep ? compute : p[0] + compute;
  };
  // A chunk riding a decode step pays everything a standalone prefill of it would (GEMMs, attention against its
  // prefix) except the per-iteration floor, which the step already pays.
  const chunkedPrefillSeconds = (newTokens: number, cachedTokens: number): number =>
    newTokens > 0 ? prefillSeconds(newTokens, cachedTokens, 1) - p[0] : 0;
  const affine = (batch: number, chunk = 0) => ({
    baseSeconds: evaluateLinear(d, decodeFeatures(batch, 0)) + chunkedPrefillSeconds(chunk, 0),
    perContextTokenSeconds: d[2],
  });
  const capacity = computeKvCapacity(gpu, llm, layout, o.kvCapacity);
  return {
    ...perfModelIdentity(gpu, llm, layout, o.powerCapWatts),
    prefillSeconds,
    prefillBatchSeconds,
    decodeStepSeconds(batch: number, totalContextTokens: number, prefillChunkTokens = 0): number {
      const a = affine(batch, prefillChunkTokens);
      return a.baseSeconds + a.perContextTokenSeconds * totalContextTokens;
    },
    decodeStepAffine: affine,
    chunkedPrefillSeconds,
    weightBytes: weightBytes(llm, layout.precision),
    kvBytesPerToken: kvBytesPerToken(llm, layout.kvDtype),
    kvCapacityTokens: capacity.kvCapacityTokens,
    powerWatts(state: PowerState, batch = 1): number {
      return layout.gpus * cappedGpuWatts(gpu, power, state, batch, o.powerCapWatts);
    },
    provenance: capacity.fits ? o.provenance : { ...o.provenance, note: [o.provenance.note, capacity.reason].filter(Boolean).join('; ') },
  };
}
