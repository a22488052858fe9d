/**
 * Step terms of a mixture-of-experts (and/or MLA) instance for the serving calibration: the dense terms' slots and
 * meanings (step-terms.ts STEP_TERMS) plus one slot the fit never scales, so that MoE rows are fitted by
 * models/serving/fit.ts and share its backend → backend × GPU → backend × GPU × precision scopes with the dense rows.
 * The parts the dense roofline prices (the dense remainder: attention projections, dense layers, shared experts,
 * embeddings; GQA attention and KV) go where a dense step puts them, at kernel level (no roofline multiplier fitted on
 * whole-model runs: the serving fit's coefficients take their place). The parts priced from measured kernel tables
 * (models/moe/step-time.ts `buildMoeStepParts`: routed experts from the grouped-GEMM fits, MLA attention from the
 * module fits, dispatch/combine from the NCCL tables) go by phase:
 * - a decode step's into `memory` (the bandwidth-bound step, whose dense coefficient is the serving-over-kernel ratio
 *   of a decode step);
 * - what a prompt adds into `kernel_tables_s`, charged as measured (seconds, one second per unit, never fitted). It used
 *   to go into `excess_compute`, whose coefficient is the dense roofline's GEMM-hinge multiplier (1.2–1.6 on the dense
 *   runs), fitted on TPOT equations where prompts are a small part: that multiplied the tables' own measured
 *   inefficiency (vLLM's fp8-block grouped GEMM on B200 runs at 1/6.6 of peak) a second time, and a scope fitted on one
 *   MoE architecture's mixed steps carried its tables' error to the next (the TensorRT-LLM B200 fp4 scope fitted with
 *   DeepSeek put gpt-oss-120b's prompt work at 0.64×). Held out, the scaled prompts were worse than the uncalibrated
 *   model's unscaled ones (docs/accuracy.md, MoE section).
 * Not into `prefill_attention` or `all_reduce`: their dense coefficients scale the roofline's own attention and ring
 * estimates (the dense runs fit prefill attention at 0 — collinear with the other prefill terms there — and the
 * all-reduce at about 0.3), which says nothing of a measured MLA module or all-to-all.
 * - memory: the dense remainder's weights and GQA KV reads; MLA decode attention; the decoders' routed experts (the
 *   experts their tokens touch, read once, and their FLOPs) and their all-to-all;
 * - excess_compute: the dense remainder's GEMM time beyond its weight read (the dense roofline's hinge, over every
 *   token of the step);
 * - prefill_attention: GQA prompt attention (pairs, sliding windows capped);
 * - all_reduce: the TP all-reduces;
 * - layer_kernels, step_cpu, sequence_cpu, request_overhead: as for a dense step;
 * - kernel_tables_s: what the prompt tokens add to the routed experts (experts touched beyond the decoders', FLOPs,
 *   token traffic) and to the all-to-all, and the MLA context module, in seconds as the tables price them.
 */
import type { ResolvedLayout } from '../../catalogs/precision.js';
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { RooflineCalibration } from '../coefficients.js';
import { prefillPieceTotals } from '../features.js';
import type { MoeCalibration } from '../moe/calibration.js';
import type { MoeDispatch } from '../moe/dispatch.js';
import { buildMoeStepParts, type MoeStepSources } from '../moe/step-time.js';
import { rooflinePrefillTerms } from '../roofline.js';
import type { PrefillPiece } from '../types.js';
import { SEQUENCE_CPU_UNIT_SECONDS, STEP_CPU_UNIT_SECONDS, STEP_TERMS } from './step-terms.js';

/** The dense terms (same names, order and meaning), then the kernel-table seconds no coefficient scales. */
export const MOE_STEP_TERMS = [...STEP_TERMS, 'kernel_tables_s'] as const;

/** Index of the unscaled kernel-table seconds in MOE_STEP_TERMS (a fit's coefficient vectors stop before it). */
export const MOE_KERNEL_TABLES_TERM = STEP_TERMS.length;

export interface MoeStepTermModel {
  /** Term vector of one engine iteration (affine in `contextTokens`), in MOE_STEP_TERMS order (the last one in seconds). */
  iterationTerms(batch: number, contextTokens: number, pieces: readonly PrefillPiece[]): number[];
  readonly sources: MoeStepSources;
}

export function buildMoeStepTerms(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, cal: MoeCalibration, roofline: RooflineCalibration, dispatch: MoeDispatch = 'all-gather'): MoeStepTermModel {
  const parts = buildMoeStepParts(gpu, llm, layout, cal, roofline, dispatch);
  const { p, dp } = parts;
  const iterationTerms = (batch: number, contextTokens: number, pieces: readonly PrefillPiece[]): number[] => {
    const pre = prefillPieceTotals(pieces);
    const all = batch + pre.tokens;
    const t = [0, 0, 0, 0, p.layerKernelSeconds, STEP_CPU_UNIT_SECONDS, (batch + pre.sequences) * SEQUENCE_CPU_UNIT_SECONDS, 0, 0];
    // The dense remainder as a dense step prices it: its weights once, GEMMs beyond them, all-reduces per token.
    const fDecode = parts.imbalance(batch);
    const fPrompt = parts.imbalance(pre.sequences);
    const denseCompute = fDecode * batch * p.computeSecondsPerToken + fPrompt * pre.tokens * p.prefillComputeSecondsPerToken;
    t[0] += p.weightReadSeconds;
    t[1] += Math.max(0, denseCompute - p.weightReadSeconds);
    t[3] += all > 0 ? p.allReduceLatencySeconds + all * p.allReduceSecondsPerToken : 0;
    // NCCL's network hops of an all-reduce spanning nodes, as measured mechanisms are charged: with the decoders'
    // all-to-all in a decode step, in the kernel-table seconds in a prompt-only one (no serving run spans nodes).
    if (all > 0) t[batch > 0 ? 0 : MOE_KERNEL_TABLES_TERM] += p.interNodeAllReduceSeconds;
    if (batch > 0) {
      t[0] += fDecode * (p.kvReadSecondsPerContextToken * contextTokens + p.kvWindowReadSecondsPerSequence * batch) +
        parts.mlaGeneration(batch, (fDecode * contextTokens) / dp) + parts.moeSeconds(batch) + parts.a2aSeconds(batch);
    }
    if (pre.sequences > 0) {
      // Prompts priced by their per-sequence averages (as the uncalibrated MoE model prices a batch); riding a decode
      // step, MLA's projection weights are already read by the decoders.
      const perSequence = pre.tokens / pre.sequences;
      const cachedPerSequence = pre.cached / pre.sequences;
      const q = rooflinePrefillTerms(p, perSequence, cachedPerSequence, pre.sequences);
      t[MOE_KERNEL_TABLES_TERM] += parts.moeSeconds(all) - parts.moeSeconds(batch) + parts.a2aSeconds(all) - parts.a2aSeconds(batch) + parts.mlaContext(pre.sequences, perSequence, cachedPerSequence, batch > 0);
      t[2] += fPrompt * q[4];
    }
    return t;
  };
  return { iterationTerms, sources: parts.sources };
}
