/**
 * A PerfModel whose step times come from a serving calibration (the TPOT coefficients of the most specific fitted
 * scope for backend × GPU × precision, applied to the step terms), so that plan, simulate, predict and validate run on
 * what measured serving runs say a step costs. Power and KV capacity are the built-in ones.
 */
import type { ResolvedLayout } from '../../catalogs/precision.js';
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { GpuEfficiency } from '../coefficients.js';
import { cappedGpuWatts, capComputeSlowdown, type PowerCoefficients } from '../power.js';
import { computeKvCapacity } from '../specs.js';
import { perfModelIdentity, type PerfModel, type PowerState, type PrefillPiece } from '../types.js';
import { backendKvCapacityOptions } from './backend-policy.js';
import type { ServingCalibration } from './calibration-file.js';
import { otherGpusNote, scopeFor } from './fit.js';
import type { Backend } from './runs.js';
import { instanceUnits, STEP_TERMS, stepTerms, type StepComposition } from './step-terms.js';

export interface CalibratedModelOptions {
  readonly calibration: ServingCalibration;
  readonly backend?: Backend;
  readonly efficiency: GpuEfficiency;
  readonly power: PowerCoefficients;
  readonly powerCapWatts?: number;
}

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? 'n/a' : `${(x * 100).toFixed(1)}%`);

/**
 * The calibrated model, or undefined when it does not apply: the GPU has no tensor path for the precision, or the
 * layout is expert-parallel (the staged runs calibrate dense models only).
 */
export function buildCalibratedPerfModel(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, o: CalibratedModelOptions): PerfModel | undefined {
  if (layout.ep > 1 || llm.moe) return undefined;
  const { tp, precision } = layout;
  const backend = o.backend ?? o.calibration.defaultBackend;
  const u = instanceUnits(gpu, llm, tp, precision, o.calibration.gpuEfficiencies[gpu.id] ?? o.efficiency, layout.kvDtype);
  if (!u) return undefined;
  const scope = scopeFor(o.calibration.scopes, { backend, gpu: gpu.id, precision });
  const c = scope.tpot;
  // Everything but the CPU-side terms is GPU work a power cap stretches (the same rule as perf-model.ts).
  const slowdown = o.powerCapWatts === undefined ? 1 : capComputeSlowdown(gpu, o.power, o.powerCapWatts) / capComputeSlowdown(gpu, o.power, undefined);
  // Seconds per unit of each term: the GPU terms stretched by the cap, the CPU terms not; request_overhead is charged
  // per request by the benchmark client, never by a step.
  const secondsPerUnit = c.map((v, j) => (j < 5 ? slowdown * v : j < 7 ? v : 0));
  const seconds = (s: StepComposition): number => {
    const t = stepTerms(u, s);
    let total = 0;
    for (let j = 0; j < t.length; j++) total += secondsPerUnit[j] * t[j];
    return total;
  };
  /** One engine iteration: decoders and the prefill pieces riding it, as one step composition. */
  const iterationTerms = (batch: number, contextTokens: number, pieces: readonly PrefillPiece[]): number[] => {
    const { tokens, pairs, context, sequences } = sumPieces(pieces);
    return stepTerms(u, { decodeSequences: batch, contextTokens: contextTokens + context, prefillTokens: tokens, prefillPairs: pairs, scheduledSequences: batch + sequences });
  };
  const empty = seconds({ decodeSequences: 0, contextTokens: 0, prefillTokens: 0, prefillPairs: 0, scheduledSequences: 0 });
  const prefillSeconds = (newTokens: number, cachedTokens: number, batch = 1): number => {
    if (newTokens <= 0) return 0;
    const b = Math.max(1, batch);
    const perSeq = newTokens / b;
    return seconds({ decodeSequences: 0, contextTokens: Math.max(0, cachedTokens), prefillTokens: newTokens, prefillPairs: newTokens * (perSeq + (2 * Math.max(0, cachedTokens)) / b), scheduledSequences: b });
  };
  const chunkedPrefillSeconds = (newTokens: number, cachedTokens: number): number => (newTokens > 0 ? Math.max(0, prefillSeconds(newTokens, cachedTokens, 1) - empty) : 0);
  // One iteration of heterogeneous pieces: the same step composition, summed the way the batch sums it.
  const prefillBatchSeconds = (pieces: readonly PrefillPiece[], options?: { readonly ridesDecodeStep?: boolean }): number => {
    const { tokens, pairs, context, sequences } = sumPieces(pieces);
    if (sequences === 0) return 0;
    const whole = seconds({ decodeSequences: 0, contextTokens: context, prefillTokens: tokens, prefillPairs: pairs, scheduledSequences: sequences });
    return options?.ridesDecodeStep ? Math.max(0, whole - empty) : whole;
  };
  const step = (batch: number, context: number, chunk: number): number =>
    seconds({ decodeSequences: batch, contextTokens: context, prefillTokens: chunk, prefillPairs: chunk * chunk, scheduledSequences: batch + (chunk > 0 ? 1 : 0) });
  const affine = (batch: number, chunk = 0) => {
    const base = step(batch, 0, chunk);
    return { baseSeconds: base, perContextTokenSeconds: step(batch, 1, chunk) - base };
  };
  // The serving stack's own KV pool (its memory default), so `plan` and `benchmark` with this calibration see one capacity.
  const capacity = computeKvCapacity(gpu, llm, layout, backendKvCapacityOptions(backend, layout.tp));
  const otherGpus = otherGpusNote(scope, backend, gpu.id);
  const lomo = o.calibration.heldOut.lomo;
  const logo = o.calibration.heldOut.logo;
  return {
    ...perfModelIdentity(gpu, llm, layout, o.powerCapWatts),
    prefillSeconds,
    prefillBatchSeconds,
    decodeStepSeconds: (batch, totalContextTokens, prefillChunkTokens = 0) => {
      const a = affine(batch, prefillChunkTokens);
      return a.baseSeconds + a.perContextTokenSeconds * totalContextTokens;
    },
    decodeStepAffine: affine,
    chunkedPrefillSeconds,
    weightBytes: u.weightBytes,
    kvBytesPerToken: u.kvBytesPerToken,
    kvCapacityTokens: capacity.kvCapacityTokens,
    stepAccounting: { terms: STEP_TERMS, secondsPerUnit, iterationTerms },
    powerWatts: (state: PowerState, batch = 1) => layout.gpus * cappedGpuWatts(gpu, o.power, state, batch, o.powerCapWatts),
    provenance: {
      kind: 'fitted',
      from: `serving calibration ${o.calibration.file ?? '(built in)'} (source ${o.calibration.sourceHash.slice(0, 12)}), scope ${scope.scope} (${scope.runs} runs), ${backend} ${precision}`,
      rows: scope.runs,
      ...(lomo ? { heldOutMape: lomo.tpot.medianAbs } : {}),
      note: (otherGpus ? `${otherGpus}; ` : '') + `held-out median abs error of benchmark TPOT: leave-one-model-out ${pct(lomo?.tpot.medianAbs)} (p90 ${pct(lomo?.tpot.p90Abs)}), leave-one-GPU-out ${pct(logo?.tpot.medianAbs)} (p90 ${pct(logo?.tpot.p90Abs)}); TTFT ${pct(lomo?.ttft.medianAbs)} / ${pct(logo?.ttft.medianAbs)}` +
        (capacity.fits ? '' : `; ${capacity.reason}`),
    },
  };
}

/** The prefill pieces of one iteration as step-composition totals (empty pieces skipped): what both the engine's
 * iteration terms and the batched prefill time sum. */
function sumPieces(pieces: readonly PrefillPiece[]): { tokens: number; pairs: number; context: number; sequences: number } {
  let tokens = 0;
  let pairs = 0;
  let context = 0;
  let sequences = 0;
  for (const p of pieces) {
    if (!(p.newTokens > 0)) continue;
    const cached = Math.max(0, p.cachedTokens);
    tokens += p.newTokens;
    pairs += p.newTokens * (p.newTokens + 2 * cached);
    context += cached;
    sequences++;
  }
  return { tokens, pairs, context, sequences };
}
