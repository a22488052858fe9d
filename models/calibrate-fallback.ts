/**
 * The shipped roofline fallback, calibrated on two kinds of measurement because no single public data set has both:
 * - fixed costs of a step (per step, per layer, weight read, all-reduce latency) and decode's per-token terms from
 *   ML.ENERGY's vLLM runs on H100: six dense models of 32–80 layers and 8–70B parameters at TP 1, 2 and 4, so a
 *   per-layer floor, a per-step floor and the weight stream are told apart (one model cannot: Splitwise's 70B rows
 *   put all three in one constant, and its 2023 stack's 30 ms decode floor is not today's vLLM);
 * - prefill's token-proportional multipliers (GEMM compute, attention, all-reduce bytes) from Splitwise's Llama2-70B
 *   prefills, with one free intercept per (GPU, TP) soaking up that stack's own fixed cost.
 * A prefill step pays the same fixed costs as a decode step (the same kernels launch), so prefill's fixed terms are
 * decode's.
 */
import type { GpuEfficiency, RooflineCalibration } from './coefficients.js';
import type { MlEnergyRun } from './importers/mlenergy.js';
import { medianEfficiency, type SpecLookup } from './calibrate.js';
import { evaluateLinear } from './features.js';
import { meanAbsolutePercentageError, solveLeastSquares } from './least-squares.js';
import type { ProfileRow } from './profile.js';
import { computePhysicalTimes, rooflineDecodeTerms, rooflinePrefillTerms } from './roofline.js';
import { splitHoldout } from './split.js';

/**
 * ML.ENERGY records output lengths but not prompt lengths; decode rows assume this mean prompt (chat and GPQA
 * prompts are a few hundred tokens). Only the KV-read term depends on it, and its multiplier is fitted.
 */
export const MLENERGY_ASSUMED_PROMPT_TOKENS = 512;

/** ML.ENERGY runs of known shape as decode rows: batch = mean running batch, context = prompt + half the output. */
export function mlEnergyDecodeRows(runs: readonly MlEnergyRun[], llmIds: Readonly<Record<string, string>>, gpuId: string): ProfileRow[] {
  return runs
    .filter((r) => llmIds[r.modelId] !== undefined && r.weightPrecision === 'bfloat16' && r.task !== 'sourcegraph-fim')
    .map((r) => ({
      gpu: gpuId, llm: llmIds[r.modelId], tp: r.tp, phase: 'decode' as const, batch: r.meanBatch, inputTokens: 0,
      contextTokens: MLENERGY_ASSUMED_PROMPT_TOKENS + r.meanOutputTokens / 2, latencySeconds: r.medianItlSeconds, repeats: 1, line: r.line,
    }));
}

interface Context { readonly specs: SpecLookup; readonly efficiencies: Readonly<Record<string, GpuEfficiency>>; readonly fallback: GpuEfficiency }

function decodeTerms(c: Context, r: ProfileRow): number[] {
  const gpu = c.specs.gpu(r.gpu);
  const llm = c.specs.llm(r.llm);
  if (!gpu || !llm) throw new Error(`no spec for ${r.gpu} / ${r.llm}`);
  return rooflineDecodeTerms(computePhysicalTimes(gpu, llm, { tp: r.tp }, c.efficiencies[r.gpu] ?? c.fallback), r.batch, r.batch * r.contextTokens);
}

/** Decode multipliers (`ROOFLINE_DECODE_TERMS` order), non-negative. */
export function fitDecodeMultipliers(rows: readonly ProfileRow[], c: Context): number[] {
  return solveLeastSquares(rows.map((r) => decodeTerms(c, r)), rows.map((r) => r.latencySeconds));
}

/** Leave-one-LLM-out MAPE of the decode fit, per held-out LLM id. */
export function leaveOneLlmOutDecode(rows: readonly ProfileRow[], c: Context): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of [...new Set(rows.map((r) => r.llm))].sort()) {
    const z = fitDecodeMultipliers(rows.filter((r) => r.llm !== id), c);
    const held = rows.filter((r) => r.llm === id);
    out.set(id, meanAbsolutePercentageError(held.map((r) => evaluateLinear(z, decodeTerms(c, r))), held.map((r) => r.latencySeconds)));
  }
  return out;
}

/** Prefill's token multipliers [linear_compute, attention_compute, all_reduce_bytes] with a free intercept per (GPU, TP). */
export function fitPrefillTokenMultipliers(rows: readonly ProfileRow[], c: Context, holdout: number, seed: number): { multipliers: number[]; heldOutMape: number; rows: number } {
  const keys = [...new Set(rows.map((r) => `${r.gpu}|${r.tp}`))].sort();
  const design = (r: ProfileRow): number[] => {
    const gpu = c.specs.gpu(r.gpu);
    const llm = c.specs.llm(r.llm);
    if (!gpu || !llm) throw new Error(`no spec for ${r.gpu} / ${r.llm}`);
    const t = rooflinePrefillTerms(computePhysicalTimes(gpu, llm, { tp: r.tp }, c.efficiencies[r.gpu] ?? c.fallback), r.inputTokens, r.contextTokens, r.batch);
    return [...keys.map((k) => (k === `${r.gpu}|${r.tp}` ? 1 : 0)), t[3], t[4], t[5]];
  };
  const { train, test } = splitHoldout(rows, holdout, seed, 'roofline/prefill-tokens');
  const x = solveLeastSquares(train.map(design), train.map((r) => r.latencySeconds));
  const heldOutMape = test.length === 0 ? Number.NaN : meanAbsolutePercentageError(test.map((r) => evaluateLinear(x, design(r))), test.map((r) => r.latencySeconds));
  return { multipliers: x.slice(keys.length), heldOutMape, rows: train.length };
}

/** The shipped fallback calibration: fixed and decode terms from `decodeRows`, prefill token terms from `prefillRows`. */
export function fitFallbackCalibration(
  prefillRows: readonly ProfileRow[],
  decodeRows: readonly ProfileRow[],
  specs: SpecLookup,
  efficiencies: Readonly<Record<string, GpuEfficiency>>,
  options: { holdout?: number; seed?: number; from: string },
): RooflineCalibration {
  const c: Context = { specs, efficiencies, fallback: medianEfficiency(efficiencies) };
  const usable = prefillRows.filter((r) => r.phase === 'prefill' && r.powerCapWatts === undefined && specs.gpu(r.gpu) && specs.llm(r.llm));
  const z = fitDecodeMultipliers(decodeRows, c);
  const prefill = fitPrefillTokenMultipliers(usable, c, options.holdout ?? 0.2, options.seed ?? 1);
  const lolo = [...leaveOneLlmOutDecode(decodeRows, c).values()];
  const [zs, zl, zw, , , zn] = z;
  return {
    prefill: [zs, zl, zw, ...prefill.multipliers, zn],
    decode: z,
    efficiencies,
    defaultEfficiency: c.fallback,
    from: options.from,
    rows: prefill.rows + decodeRows.length,
    heldOutMape: { prefill: prefill.heldOutMape, decode: lolo.reduce((a, b) => a + b, 0) / lolo.length },
  };
}
