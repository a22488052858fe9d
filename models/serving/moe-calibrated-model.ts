/**
 * A PerfModel of an MoE/MLA instance whose step times are coefficients × the MoE step terms (moe-step-terms.ts), with
 * the kernel's per-term step accounting, so that a benchmark run on it yields its TTFT and TPOT as term vectors and a
 * serving fit (fit.ts) can be fitted through the kernel exactly as the dense rows are. Identity, power and provenance
 * parts come from the kernel-table MoE model (models/moe/perf-model.ts); KV capacity follows the serving backend's
 * documented memory rule (models/moe/memory.ts `backendKvCapacityTokens`).
 */
import type { ResolvedLayout } from '../../catalogs/precision.js';
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { CoefficientSet } from '../coefficients.js';
import type { MoeCalibration } from '../moe/calibration.js';
import { moeDispatchOf, type MoeDispatch } from '../moe/dispatch.js';
import { backendKvCapacityTokens } from '../moe/memory.js';
import { buildMoePerfModel } from '../moe/perf-model.js';
import type { PerfModel, PrefillPiece } from '../types.js';
import { buildMoeStepTerms, MOE_KERNEL_TABLES_TERM, MOE_STEP_TERMS } from './moe-step-terms.js';
import type { ServingCalibration } from './calibration-file.js';
import { pct } from './doc-format.js';
import { otherGpusNote, scopeFor } from './fit.js';
import type { Backend } from './runs.js';

export interface MoeCalibratedOptions {
  /**
   * Seconds per unit of each fitted term, STEP_TERMS order (the per-request overhead is the benchmark client's, not a
   * step's); the kernel-table seconds (MOE_STEP_TERMS' last) are charged as measured.
   */
  readonly coefficients: readonly number[];
  readonly backend: Backend;
  /** How routed tokens move (models/moe/dispatch.ts); default: moeDispatchOf(backend, gpu, llm, layout), as uncalibrated. */
  readonly dispatch?: MoeDispatch;
  /** Where the coefficients came from (provenance). */
  readonly from: string;
}

export function buildMoeCalibratedPerfModel(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, set: CoefficientSet, cal: MoeCalibration, o: MoeCalibratedOptions): PerfModel {
  // The stack's token dispatch on this GPU and layout (moe/dispatch.ts) decides the routed-token traffic and the
  // dispatch communication of the step terms, as it does for the uncalibrated model (models/create.ts).
  const dispatch = o.dispatch ?? moeDispatchOf(o.backend, gpu, llm, layout);
  const base = buildMoePerfModel(gpu, llm, layout, set, cal, undefined, {}, dispatch);
  const terms = buildMoeStepTerms(gpu, llm, layout, cal, set.roofline, dispatch);
  const secondsPerUnit = MOE_STEP_TERMS.map((name, j) => (j === MOE_KERNEL_TABLES_TERM ? 1 : name === 'request_overhead' ? 0 : o.coefficients[j]));
  const dot = (t: readonly number[]) => {
    let s = 0;
    for (let j = 0; j < t.length; j++) s += secondsPerUnit[j] * t[j];
    return s;
  };
  const iterationSeconds = (batch: number, context: number, pieces: readonly PrefillPiece[]) => dot(terms.iterationTerms(batch, context, pieces));
  const prefillBatchSeconds = (pieces: readonly PrefillPiece[], options?: { readonly ridesDecodeStep?: boolean }) => {
    if (!pieces.some((p) => p.newTokens > 0)) return 0;
    // A prompt riding a decode step adds its own terms on top of the step's; alone it pays the fixed parts too.
    return options?.ridesDecodeStep ? Math.max(0, iterationSeconds(1, 0, pieces) - iterationSeconds(1, 0, [])) : iterationSeconds(0, 0, pieces);
  };
  const prefillSeconds = (newTokens: number, cachedTokens: number, batch = 1): number => {
    if (newTokens <= 0) return 0;
    const b = Math.max(1, batch);
    return prefillBatchSeconds(Array.from({ length: b }, () => ({ newTokens: newTokens / b, cachedTokens: Math.max(0, cachedTokens) / b })));
  };
  const affineCache = new Map<string, { baseSeconds: number; perContextTokenSeconds: number }>();
  const decodeStepAffine = (batch: number, chunk = 0) => {
    const key = `${batch}|${chunk}`;
    let a = affineCache.get(key);
    if (a === undefined) {
      const pieces = chunk > 0 ? [{ newTokens: chunk, cachedTokens: 0 }] : [];
      const b0 = iterationSeconds(batch, 0, pieces);
      a = { baseSeconds: b0, perContextTokenSeconds: iterationSeconds(batch, 1, pieces) - b0 };
      if (affineCache.size >= 65_536) affineCache.clear();
      affineCache.set(key, a);
    }
    return a;
  };
  const kvCapacityTokens = backendKvCapacityTokens(gpu, llm, layout, o.backend);
  return {
    ...base,
    prefillSeconds,
    prefillBatchSeconds,
    chunkedPrefillSeconds: (n, c) => prefillBatchSeconds([{ newTokens: n, cachedTokens: c }], { ridesDecodeStep: true }),
    decodeStepSeconds: (batch, context, chunk = 0) => {
      const a = decodeStepAffine(batch, chunk);
      return a.baseSeconds + a.perContextTokenSeconds * context;
    },
    decodeStepAffine,
    kvCapacityTokens,
    stepAccounting: { terms: MOE_STEP_TERMS, secondsPerUnit, iterationTerms: terms.iterationTerms },
    provenance: { ...base.provenance, kind: 'fitted', from: `${o.from}; ${base.provenance.from}`, note: `MoE step terms × serving-fitted coefficients (${o.backend}), a prompt's kernel-table seconds as measured; KV capacity by ${o.backend}'s memory rule; ${base.provenance.note}` },
  };
}

/**
 * The MoE model a serving calibration gives a pool (createPerfModel with `--calibration`): its most specific scope for
 * backend × GPU × precision applied to the MoE step terms. A calibration fitted on dense runs only (the built-in one)
 * has never seen an MoE step: docs/accuracy.md's MoE section gives the error of exactly that (its "builtin calibration"
 * row, agg and disagg) next to the leave-one-architecture-out figures.
 */
export function buildMoeServingModel(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, set: CoefficientSet, cal: MoeCalibration, calibration: ServingCalibration, backend?: Backend, dispatch?: MoeDispatch): PerfModel {
  const b = backend ?? calibration.defaultBackend;
  const scope = scopeFor(calibration.scopes, { backend: b, gpu: gpu.id, precision: layout.precision });
  const otherGpus = otherGpusNote(scope, b, gpu.id);
  const logo = calibration.heldOut.logo;
  const from = `serving calibration ${calibration.file ?? '(built in)'} (source ${calibration.sourceHash.slice(0, 12)}), scope ${scope.scope} (${scope.runs} runs), ${b} ${layout.precision}, on MoE step terms`;
  const m = buildMoeCalibratedPerfModel(gpu, llm, layout, set, cal, { coefficients: scope.tpot, backend: b, from, ...(dispatch ? { dispatch } : {}) });
  return {
    ...m,
    provenance: {
      kind: 'fitted', from, rows: scope.runs,
      note: `MoE step terms (models/serving/moe-step-terms.ts) × the scope's coefficients, a prompt's kernel-table seconds as measured; KV capacity by ${b}'s memory rule; ` +
        (otherGpus ? `${otherGpus} (dense runs: TTFT ${logo ? pct(logo.ttft.medianAbs) : 'n/a'}, TPOT ${logo ? pct(logo.tpot.medianAbs) : 'n/a'} median abs; MoE runs: docs/accuracy.md, the same-architecture bullet of the MoE section, B200's runs through a fit on H100's alone); ` : '') +
        `held-out error on MoE runs: docs/accuracy.md, MoE section (leave-one-architecture-out, and the builtin calibration's row for a calibration without MoE runs)`,
    },
  };
}
