/**
 * Energy per output token of a steady decode, E = P_instance(batch) × step(batch) / batch, and its leave-one-model-out
 * check on ML.ENERGY runs: both the power curve and the step-time roofline are refitted without the held-out model.
 * Runs carry no layer shapes, so the step form uses what they do carry: bytes of weights streamed per step, FLOPs per
 * step, and a KV-read proxy (batch × mean output length × active parameters, since KV width grows with model width).
 */
import type { GpuSpec } from '../catalogs/types.js';
import type { MlEnergyRun } from './importers/mlenergy.js';
import { evaluateLinear } from './features.js';
import { solveLeastSquares } from './least-squares.js';

const PRECISION_BYTES: Readonly<Record<string, number>> = { bfloat16: 2, fp8: 1, mxfp4: 0.5 };

/** Bytes per weight of a run's precision. */
export function precisionBytes(run: MlEnergyRun): number {
  return PRECISION_BYTES[run.weightPrecision] ?? 2;
}

function stepTerms(run: MlEnergyRun, gpu: GpuSpec): number[] {
  const bw = run.gpus * gpu.memoryBandwidthBytesPerSecond;
  const flops = run.gpus * gpu.bf16FlopsPerSecond;
  return [
    1,
    (run.totalParameters * precisionBytes(run)) / bw,
    (2 * run.activeParameters * run.meanBatch) / flops,
    (run.meanBatch * run.meanOutputTokens * run.activeParameters * 1e-6) / bw,
  ];
}

export interface EnergyModel {
  readonly step: readonly number[];
  readonly power: readonly [number, number];
}

/** Fits step time (median ITL) and per-GPU power share on runs. */
export function fitEnergyModel(runs: readonly MlEnergyRun[], gpu: GpuSpec): EnergyModel {
  const step = solveLeastSquares(runs.map((r) => stepTerms(r, gpu)), runs.map((r) => r.medianItlSeconds));
  const share = runs.map((r) => (r.perGpuPowerWatts - gpu.idleWatts) / (gpu.tdpWatts - gpu.idleWatts));
  const [a, b] = solveLeastSquares(runs.map((r) => [1, Math.log(Math.max(1, r.meanBatch))]), share, { relative: false, nonNegative: [1] });
  return { step, power: [a, b] };
}

/** Predicted joules per output token of a run. */
export function predictEnergyPerToken(model: EnergyModel, run: MlEnergyRun, gpu: GpuSpec): number {
  const share = Math.min(1, Math.max(0, model.power[0] + model.power[1] * Math.log(Math.max(1, run.meanBatch))));
  const watts = run.gpus * (gpu.idleWatts + (gpu.tdpWatts - gpu.idleWatts) * share);
  return (watts * evaluateLinear(model.step, stepTerms(run, gpu))) / run.meanBatch;
}

/** Leave-one-model-out MAPE per held-out model (fraction). */
export function leaveOneModelOut(runs: readonly MlEnergyRun[], gpu: GpuSpec): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of [...new Set(runs.map((r) => r.modelId))].sort()) {
    const model = fitEnergyModel(runs.filter((r) => r.modelId !== id), gpu);
    const held = runs.filter((r) => r.modelId === id);
    out.set(id, held.reduce((s, r) => s + Math.abs(predictEnergyPerToken(model, r, gpu) / r.energyPerTokenJoules - 1), 0) / held.length);
  }
  return out;
}
