/**
 * Why a disaggregated (xPyD) MoE row misses: the measured run's own load against what the modelled sets can serve.
 * For one run it sets the closed loop's measured request rate (c / (TTFT + (OSL − 1) · TPOT): every client has one
 * request in flight) against the modelled prefill set's capacity at the run's engine limits (a full prefill iteration
 * — as many whole prompts as its max_num_seqs and token budget take, priced as the kernel prices it), the modelled
 * single-prompt prefill, and the modelled decode step at the occupancy the measured times imply against the measured
 * TPOT. Pure: the caller supplies the models (uncalibrated or at a held-out scope's coefficients) and the spec the
 * benchmark ran (serving-accuracy.ts disaggSpecOf), so the figures are the kernel's own prices.
 */
import type { PerfModel, PrefillPiece } from '../types.js';
import type { DisaggregatedSpec } from '../../planner/benchmark/types.js';

export interface DisaggRunLoad {
  /** Measured request rate of the closed loop, requests/s: c / (TTFT + (OSL − 1) · TPOT). */
  readonly measuredRatePerS: number;
  /** Whole prompts one prefill iteration takes at the run's limits (min(max_num_seqs, ⌊budget / ISL⌋), ≥ 1). */
  readonly promptsPerIteration: number;
  /** Modelled seconds of a full prefill iteration (promptsPerIteration prompts of ISL tokens). */
  readonly fullIterationS: number;
  /** Modelled prefill-set capacity, prompts/s: prefill instances × promptsPerIteration / fullIterationS. */
  readonly prefillCapacityPerS: number;
  /** The longest a full prefill iteration can take for the prefill set to serve the measured rate: prefill instances × promptsPerIteration / measuredRatePerS. */
  readonly iterationAtMeasuredRateS: number;
  /** measuredRatePerS / prefillCapacityPerS: ≥ 1 means the modelled prefill set cannot serve the measured rate. */
  readonly prefillLoad: number;
  /** Modelled seconds of one prompt prefilled alone. */
  readonly singlePromptS: number;
  /** Sequences decoding per decoder instance the measured times imply: c · (OSL − 1) · TPOT / (TTFT + (OSL − 1) · TPOT) / decoders. */
  readonly decodeOccupancy: number;
  /** Modelled decode step at that occupancy, contexts at ISL + OSL / 2 on average. */
  readonly modelDecodeStepS: number;
  readonly measuredTpotS: number;
}

/** A closed loop's request rate, requests/s: each of `concurrency` clients has one request in flight, c / (TTFT + (OSL − 1) · TPOT). */
export function closedLoopRatePerS(concurrency: number, ttftS: number, tpotS: number, osl: number): number {
  return concurrency / (ttftS + (osl - 1) * tpotS);
}

/** Seconds of one iteration as the kernel charges it: the step terms × coefficients where the model keeps them. */
function iterationSeconds(m: PerfModel, batch: number, contextTokens: number, pieces: readonly PrefillPiece[]): number {
  const a = m.stepAccounting;
  if (a !== undefined) {
    const t = a.iterationTerms(batch, contextTokens, pieces);
    let s = 0;
    for (let j = 0; j < t.length; j++) s += a.secondsPerUnit[j] * t[j];
    return s;
  }
  return batch > 0 ? m.decodeStepSeconds(batch, contextTokens) : m.prefillBatchSeconds(pieces);
}

/**
 * The load figures of one disagg run. `measured` in seconds; `spec` the benchmark the run was (its limits, ISL, OSL,
 * sets); `prefill`/`decode` the models of its two pools.
 */
export function disaggRunLoad(measured: { readonly concurrency: number; readonly ttftS: number; readonly tpotS: number }, spec: DisaggregatedSpec, prefill: PerfModel, decode: PerfModel): DisaggRunLoad {
  if (spec.isl.kind !== 'fixed' || spec.osl.kind !== 'fixed') throw new RangeError('disaggRunLoad needs fixed ISL and OSL');
  const isl = spec.isl.value;
  const osl = spec.osl.value;
  const decodingS = (osl - 1) * measured.tpotS;
  const cycleS = measured.ttftS + decodingS;
  const measuredRatePerS = closedLoopRatePerS(measured.concurrency, measured.ttftS, measured.tpotS, osl);
  const promptsPerIteration = Math.max(1, Math.min(spec.prefillLimits.maxNumSeqs, Math.floor(spec.prefillLimits.maxNumBatchedTokens / isl)));
  const pieces = Array.from({ length: promptsPerIteration }, () => ({ newTokens: isl, cachedTokens: 0 }));
  const fullIterationS = iterationSeconds(prefill, 0, 0, pieces);
  const prefillCapacityPerS = (spec.prefill.count * promptsPerIteration) / fullIterationS;
  const decodeOccupancy = (measured.concurrency * decodingS) / cycleS / spec.decode.count;
  const batch = Math.max(1, Math.round(decodeOccupancy));
  return {
    measuredRatePerS, promptsPerIteration, fullIterationS, prefillCapacityPerS, iterationAtMeasuredRateS: (spec.prefill.count * promptsPerIteration) / measuredRatePerS, prefillLoad: measuredRatePerS / prefillCapacityPerS,
    singlePromptS: iterationSeconds(prefill, 0, 0, [{ newTokens: isl, cachedTokens: 0 }]),
    decodeOccupancy, modelDecodeStepS: iterationSeconds(decode, batch, batch * (isl + osl / 2), []), measuredTpotS: measured.tpotS,
  };
}

/** What a row's TTFT miss is, read from its load figures (thresholds are reading aids, not fitted to any row). */
export type DisaggTtftVerdict = 'within 30%' | 'prefill capacity' | 'near saturation' | 'first wave' | 'prompt price' | 'unexplained delay' | 'too fast, unsaturated';

/**
 * Predicted too slow:
 * - 'prefill capacity': the measured rate is at or above the modelled prefill set's capacity (λ/μ ≥ 1), so the
 *   modelled queue grows where the measured loop kept up: the full prefill iteration is priced too slow.
 * - 'near saturation': 0.8 ≤ λ/μ < 1, where a closed loop's TTFT multiplies any error in the prompt's price.
 * - below that, 'prompt price' where the prediction is within 2× one prompt + the request overhead (nothing queues),
 *   else 'first wave': only the synchronized first round queues in the model.
 * Predicted too fast:
 * - 'near saturation' (λ/μ ≥ 0.8: the measured loop ran at the modelled prefill's limit, so a slightly dearer prompt,
 *   or the model's own slower decode thinning its load, decides the queue);
 * - 'unexplained delay': below 0.8 of capacity with a measured TTFT over 3× one prompt + the request overhead, a wait
 *   neither the modelled prefill nor its queue accounts for; else 'too fast, unsaturated'.
 */
export function ttftVerdict(load: DisaggRunLoad, measuredTtftS: number, predictedTtftS: number, overheadS: number): DisaggTtftVerdict {
  const err = predictedTtftS / measuredTtftS - 1;
  if (Math.abs(err) <= 0.3) return 'within 30%';
  if (err > 0) return load.prefillLoad >= 1 ? 'prefill capacity' : load.prefillLoad >= 0.8 ? 'near saturation' : predictedTtftS <= 2 * (load.singlePromptS + overheadS) ? 'prompt price' : 'first wave';
  if (load.prefillLoad >= 0.8) return 'near saturation';
  return measuredTtftS > 3 * (load.singlePromptS + overheadS) ? 'unexplained delay' : 'too fast, unsaturated';
}
