/** One operating point, as `fleetplan predict` prints it (DESIGN.md field names). */
import type { GpuSpec, InstanceLayout, LlmSpec } from '../catalogs/types.js';
import { createPerfModel, type CreatePerfModelOptions } from './create.js';
import { computeKvCapacity } from './specs.js';

export interface OperatingPointInput {
  readonly batch?: number;
  /** Prompt tokens per sequence. */
  readonly inputTokens: number;
  /** Output tokens per sequence (default 128): TPOT is averaged over the growing context. */
  readonly outputTokens?: number;
}

export interface OperatingPoint {
  /** One prefill iteration of the whole batch (batched time: one floor, hinges on the batch's total tokens). */
  readonly prefill_s: number;
  /** The first decode step after it, at the batch's prompt context. */
  readonly decode_step_s: number;
  /**
   * Time to first token with nothing queued: the prefill iteration alone. The first output token is sampled from the
   * prefill's last logits and leaves when the iteration ends; no decode step is charged. The simulator's `ttft_s` and
   * `ttfet_s` mean the same (its prefiller and engines emit the first token at the prefill's end).
   */
  readonly ttft_s: number;
  readonly tpot_s: number;
  readonly kv_bytes_per_token: number;
  readonly kv_capacity_tokens: number;
  readonly prefill_power_w: number;
  readonly decode_power_w: number;
  readonly source: string;
}

export type PredictResult =
  | ({ readonly fits: true } & OperatingPoint)
  | {
      readonly fits: false;
      readonly reason: string;
      readonly kv_bytes_per_token: number;
      /** The instance's real KV capacity (0 only when the weights themselves do not fit). */
      readonly kv_capacity_tokens: number;
      /** What does not fit: the weights on the GPUs, or this batch's KV in the capacity left. */
      readonly misfit: 'weights' | 'batch';
    };

/** Predicts prefill, decode step, TTFT, TPOT and power for `batch` identical requests on one instance. */
export function predictOperatingPoint(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, input: OperatingPointInput, options: CreatePerfModelOptions = {}): PredictResult {
  const model = createPerfModel(gpu, llm, layout, options);
  const capacity = computeKvCapacity(gpu, llm, layout);
  if (!capacity.fits) return { fits: false, misfit: 'weights', reason: capacity.reason, kv_bytes_per_token: model.kvBytesPerToken, kv_capacity_tokens: 0 };
  const batch = input.batch ?? 1;
  const output = input.outputTokens ?? 128;
  const needed = batch * (input.inputTokens + output);
  if (needed > capacity.kvCapacityTokens) {
    return {
      fits: false,
      misfit: 'batch',
      reason: `the batch's KV, ${batch} × (${input.inputTokens} + ${output}) = ${needed} KV tokens exceed the ${capacity.kvCapacityTokens} that fit on ${model.gpus}× ${gpu.id} with ${llm.id}`,
      kv_bytes_per_token: model.kvBytesPerToken,
      kv_capacity_tokens: capacity.kvCapacityTokens,
    };
  }
  const prefill = model.prefillSeconds(batch * input.inputTokens, 0, batch);
  const firstStep = model.decodeStepSeconds(batch, batch * input.inputTokens);
  // Mean step over the decode: the context grows linearly, and the step is affine in it.
  const meanStep = model.decodeStepSeconds(batch, batch * (input.inputTokens + output / 2));
  const p = model.provenance;
  return {
    fits: true,
    prefill_s: prefill,
    decode_step_s: firstStep,
    ttft_s: prefill,
    tpot_s: meanStep,
    kv_bytes_per_token: model.kvBytesPerToken,
    kv_capacity_tokens: model.kvCapacityTokens,
    prefill_power_w: model.powerWatts('prefill'),
    decode_power_w: model.powerWatts('decode', batch),
    source: `${p.kind}: ${p.from}${p.note ? ` (${p.note})` : ''}`,
  };
}
