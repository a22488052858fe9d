/**
 * Step terms of a mixture-of-experts (and/or MLA) instance for the serving calibration, in the dense terms' slots and
 * meanings (step-terms.ts STEP_TERMS), so that MoE rows are fitted by models/serving/fit.ts unchanged and share its
 * backend → backend × GPU → backend × GPU × precision scopes with the dense rows. Each slot holds the same kind of time
 * as for a dense step, priced from the same parts the kernel-table step model uses (models/moe/step-time.ts
 * `buildMoeStepParts`), all at kernel level (aiconfigurator's tables, the roofline's kernel-level fractions), with no
 * roofline multiplier fitted on whole-model runs — the serving fit's coefficients take their place:
 * - memory: the decode step's bandwidth-bound work: the dense remainder's weights and GQA KV reads (as a dense step),
 *   MLA decode attention (module fit: weights, latent cache reads, FLOPs), and the decoders' routed experts (grouped-
 *   GEMM fit: the experts their tokens touch, read once, and their FLOPs);
 * - excess_compute: the dense remainder's GEMM time beyond its weight read (the dense roofline's hinge, over every
 *   token of the step), plus the routed-expert time a step's prompt tokens add (the experts they touch beyond the
 *   decoders', their FLOPs and token traffic);
 * - prefill_attention: GQA prompt attention (pairs, sliding windows capped) or the MLA context module;
 * - all_reduce: the TP all-reduces and the expert-parallel dispatch/combine all-to-alls;
 * - layer_kernels, step_cpu, sequence_cpu, request_overhead: as for a dense step.
 */
import type { ResolvedLayout } from '../../catalogs/precision.js';
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { RooflineCalibration } from '../coefficients.js';
import type { MoeCalibration } from '../moe/calibration.js';
import { buildMoeStepParts, type MoeStepSources } from '../moe/step-time.js';
import { rooflinePrefillTerms } from '../roofline.js';
import type { PrefillPiece } from '../types.js';
import { SEQUENCE_CPU_UNIT_SECONDS, STEP_CPU_UNIT_SECONDS, STEP_TERMS } from './step-terms.js';

/** The MoE terms are the dense ones (same names, order and meaning). */
export const MOE_STEP_TERMS = STEP_TERMS;

export interface MoeStepTermModel {
  /** Term vector of one engine iteration (affine in `contextTokens`), in MOE_STEP_TERMS order. */
  iterationTerms(batch: number, contextTokens: number, pieces: readonly PrefillPiece[]): number[];
  readonly sources: MoeStepSources;
}

/** The prefill pieces of one iteration as totals (empty pieces skipped). */
function totals(pieces: readonly PrefillPiece[]): { tokens: number; cached: number; sequences: number } {
  let tokens = 0;
  let cached = 0;
  let sequences = 0;
  for (const p of pieces) {
    if (!(p.newTokens > 0)) continue;
    tokens += p.newTokens;
    cached += Math.max(0, p.cachedTokens);
    sequences++;
  }
  return { tokens, cached, sequences };
}

export function buildMoeStepTerms(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, cal: MoeCalibration, roofline: RooflineCalibration): MoeStepTermModel {
  const parts = buildMoeStepParts(gpu, llm, layout, cal, roofline);
  const { p, dp } = parts;
  const iterationTerms = (batch: number, contextTokens: number, pieces: readonly PrefillPiece[]): number[] => {
    const pre = totals(pieces);
    const all = batch + pre.tokens;
    const t = [0, 0, 0, 0, p.layerKernelSeconds, STEP_CPU_UNIT_SECONDS, (batch + pre.sequences) * SEQUENCE_CPU_UNIT_SECONDS, 0];
    // The dense remainder as a dense step prices it: its weights once, GEMMs beyond them, all-reduces per token.
    const fDecode = parts.imbalance(batch);
    const fPrompt = parts.imbalance(pre.sequences);
    const denseCompute = fDecode * batch * p.computeSecondsPerToken + fPrompt * pre.tokens * p.prefillComputeSecondsPerToken;
    t[0] += p.weightReadSeconds;
    t[1] += Math.max(0, denseCompute - p.weightReadSeconds);
    t[3] += all > 0 ? p.allReduceLatencySeconds + all * p.allReduceSecondsPerToken + parts.a2aSeconds(all) : 0;
    if (batch > 0) {
      t[0] += fDecode * (p.kvReadSecondsPerContextToken * contextTokens + p.kvWindowReadSecondsPerSequence * batch) +
        parts.mlaGeneration(batch, (fDecode * contextTokens) / dp) + parts.moeSeconds(batch);
    }
    if (pre.sequences > 0) {
      // Prompts priced by their per-sequence averages (as the uncalibrated MoE model prices a batch); riding a decode
      // step, MLA's projection weights are already read by the decoders.
      const perSequence = pre.tokens / pre.sequences;
      const cachedPerSequence = pre.cached / pre.sequences;
      const q = rooflinePrefillTerms(p, perSequence, cachedPerSequence, pre.sequences);
      t[1] += parts.moeSeconds(all) - parts.moeSeconds(batch);
      t[2] += fPrompt * q[4] + parts.mlaContext(pre.sequences, perSequence, cachedPerSequence, batch > 0);
    }
    return t;
  };
  return { iterationTerms, sources: parts.sources };
}
