/**
 * Energy per output token of a steady decode, E = P_instance(batch) × step(batch) / batch, and its leave-one-model-out
 * check on ML.ENERGY runs: both the power curve and the step-time roofline are refitted without the held-out model.
 * Runs carry no layer shapes, so the step form uses what they do carry: bytes of weights streamed per step (for MoE
 * only the experts the batch touches), FLOPs per step (active parameters), a KV-read proxy (batch × mean output
 * length × active parameters, since KV width grows with model width), and a per-sequence cost that does not scale
 * with the model (sampling, scheduling, detokenisation: small models at large batch ran 1.5–3× slower than the
 * weight/FLOP/KV terms alone predicted).
 * The step fitted is the throughput-mean one, batch / output tokens per second, not the median inter-token latency:
 * energy per token is power / throughput, so the step that matters includes the prefills interleaved with decode.
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

/**
 * Share of the weights a decode step of `batch` sequences reads: 1 for a dense model; for an MoE, each token routes
 * to an `activeParameters / totalParameters` share of the weights, so a batch touches 1 − (1 − share)^batch of them
 * (independent routing; attention and shared experts are within the active share and always touched at batch ≥ 1).
 */
export function weightShareRead(activeParameters: number, totalParameters: number, batch: number): number {
  const share = Math.min(1, activeParameters / totalParameters);
  return share >= 1 ? 1 : 1 - Math.pow(1 - share, Math.max(1, batch));
}

/** Names of the step-form coefficients (seconds per unit of each term). */
export const ENERGY_STEP_TERMS = ['fixed_s', 'weight_read_s', 'compute_s', 'kv_read_proxy_s', 'per_sequence_s'] as const;

function stepTerms(run: MlEnergyRun, gpu: GpuSpec): number[] {
  const bw = run.gpus * gpu.memoryBandwidthBytesPerSecond;
  const flops = run.gpus * gpu.bf16FlopsPerSecond;
  const weightShare = weightShareRead(run.activeParameters, run.totalParameters, run.meanBatch);
  return [
    1,
    (run.totalParameters * weightShare * precisionBytes(run)) / bw,
    (2 * run.activeParameters * run.meanBatch) / flops,
    (run.meanBatch * run.meanOutputTokens * run.activeParameters * 1e-6) / bw,
    run.meanBatch,
  ];
}

/** Mean engine step of a run (s): batch over output throughput, so power × step / batch is its energy per token. */
export function meanStepSeconds(run: MlEnergyRun): number {
  return run.meanBatch / run.outputTokensPerSecond;
}

export interface EnergyModel {
  readonly step: readonly number[];
  readonly power: readonly [number, number];
}

/** Fits the mean step time (`meanStepSeconds`, terms `ENERGY_STEP_TERMS`, all ≥ 0) and per-GPU power share on runs. */
export function fitEnergyModel(runs: readonly MlEnergyRun[], gpu: GpuSpec): EnergyModel {
  const step = solveLeastSquares(runs.map((r) => stepTerms(r, gpu)), runs.map(meanStepSeconds));
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
