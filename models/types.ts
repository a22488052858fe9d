/**
 * What a GPU does with an LLM: the interface the planner and the kernel use. All times in seconds, sizes in bytes or
 * tokens, power in watts (per instance, i.e. summed over its `gpus` GPUs).
 */
import type { ResolvedLayout } from '../catalogs/precision.js';
import type { GpuSpec, KvDtype, LlmSpec, Precision } from '../catalogs/types.js';

import type { PrefillPiece } from './features.js';

export type { PrefillPiece } from './features.js';

/** Where a model's figures come from, printed by `predict` and in reports. */
export interface ModelProvenance {
  /** 'fitted' from measured rows, 'roofline' from the spec sheet, or 'builtin' coefficients shipped in catalogs/. */
  readonly kind: 'fitted' | 'roofline' | 'builtin';
  /** Data file(s) or catalog entry the figures were derived from. */
  readonly from: string;
  readonly rows?: number;
  /** Held-out mean absolute percentage error, as a fraction (0.05 = 5%). */
  readonly heldOutMape?: number;
  readonly note?: string;
}

/** The operating state used for power. */
export type PowerState = 'idle' | 'prefill' | 'decode';

/** Performance and power of one engine instance: (GPU type, LLM, layout and formats, optional power cap). */
export interface PerfModel {
  readonly gpu: string;
  readonly llm: string;
  /** Attention tensor-parallel degree. */
  readonly tp: number;
  /** Expert-parallel degree (1 on a dense LLM). */
  readonly ep: number;
  /** GPUs of one instance: max(tp, ep). */
  readonly gpus: number;
  readonly precision: Precision;
  readonly kvDtype: KvDtype;
  readonly powerCapWatts?: number;
  /** Time of one prefill batch of `newTokens` new tokens attending to `cachedTokens` already-resident tokens. */
  prefillSeconds(newTokens: number, cachedTokens: number, batch?: number): number;
  /**
   * Time of one prefill iteration computing several sequences at once, each with its own new and cached tokens: the
   * batched time the model was fitted on (one floor, hinges on the batch's total tokens), not the sum of the pieces
   * alone. With `ridesDecodeStep` the per-iteration floor is left out: the pieces ride an engine step that pays it
   * (chunked prefill in a decode or colocated engine). Pieces with no new tokens cost nothing.
   */
  prefillBatchSeconds(pieces: readonly PrefillPiece[], options?: { readonly ridesDecodeStep?: boolean }): number;
  /**
   * Time of one engine iteration decoding `batch` sequences whose contexts sum to `totalContextTokens`, with
   * `prefillChunkTokens` of chunked prefill riding along. Affine in `totalContextTokens` for fixed batch and chunk:
   * the kernel's fast path relies on it (see `decodeStepAffine`).
   */
  decodeStepSeconds(batch: number, totalContextTokens: number, prefillChunkTokens?: number): number;
  /** `decodeStepSeconds(batch, c, chunk) = base + perContextToken × c` exactly. */
  decodeStepAffine(batch: number, prefillChunkTokens?: number): { readonly baseSeconds: number; readonly perContextTokenSeconds: number };
  /**
   * Extra time a chunk of `newTokens` prefill tokens, attending to `cachedTokens` already-resident tokens, adds to an
   * engine iteration it rides in (chunked prefill): the prefill's cost without the per-iteration floor the step
   * already pays. Keeps chunked and standalone prefill consistent: a prompt costs about the same either way.
   */
  chunkedPrefillSeconds(newTokens: number, cachedTokens: number): number;
  readonly weightBytes: number;
  readonly kvBytesPerToken: number;
  readonly kvCapacityTokens: number;
  /** Instance power (all `gpus` GPUs) in a state; `batch` shapes decode power between idle and busy. */
  powerWatts(state: PowerState, batch?: number): number;
  readonly provenance: ModelProvenance;
  /**
   * Per-term step accounting (serving-calibrated models): when present, an engine iteration lasts exactly
   * Σ secondsPerUnit[j] × iterationTerms(…)[j] and the kernel sums the term vectors along every request, so a fit can
   * read what each request's TTFT and TPOT were made of (models/serving/fit.ts) and refit through the kernel itself.
   */
  readonly stepAccounting?: StepAccounting;
}

/** The linear step model behind a calibrated PerfModel, as the kernel's engines charge it. */
export interface StepAccounting {
  readonly terms: readonly string[];
  /** Seconds per unit of each term (the fitted coefficients, a power cap's slowdown folded in). */
  readonly secondsPerUnit: readonly number[];
  /**
   * Term vector of one engine iteration: `batch` decoding sequences whose contexts sum to `contextTokens`, and the
   * prefill pieces riding the same iteration (or alone when `batch` is 0). Affine in `contextTokens`. `noDecoder`: no
   * request of the engine is decoding (none has its first token and not its last), so no TPOT window contains the
   * iteration: a prefill-only iteration of an idle engine (a closed loop's first wave, a prompt arriving at an empty
   * engine), as against prompts that pause decoders (prefill-first) or ride a decode step.
   */
  iterationTerms(batch: number, contextTokens: number, pieces: readonly PrefillPiece[], noDecoder?: boolean): number[];
}

/** A link between pools. */
export interface LinkModel {
  readonly bandwidthBytesPerSecond: number;
  readonly latencySeconds: number;
}

/** `kv_transfer_s(bytes, link)`: latency + bytes / bandwidth. */
export function kvTransferSeconds(bytes: number, link: LinkModel): number {
  return link.latencySeconds + bytes / link.bandwidthBytesPerSecond;
}

/** The fields that say which instance a PerfModel describes, the same for every kind of model (dense, MoE, calibrated). */
export function perfModelIdentity(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, powerCapWatts?: number): Pick<PerfModel, 'gpu' | 'llm' | 'tp' | 'ep' | 'gpus' | 'precision' | 'kvDtype' | 'powerCapWatts'> {
  return {
    gpu: gpu.id, llm: llm.id, tp: layout.tp, ep: layout.ep, gpus: layout.gpus, precision: layout.precision, kvDtype: layout.kvDtype,
    ...(powerCapWatts !== undefined ? { powerCapWatts } : {}),
  };
}
