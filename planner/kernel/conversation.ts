/**
 * A conversation's state while the kernel serves it. Token counts are KV tokens: `contextTokens` is everything the
 * conversation's KV would hold if fully resident (prefilled input and emitted output), `residentTokens` what its
 * engine holds now (less after a preemption).
 */
import type { Standalone } from './standalone.js';
import type { ConversationSpec } from './types.js';

export interface ConvState {
  readonly spec: ConversationSpec;
  /** Arrival index in the stream (tie-breaks and ids). */
  readonly ordinal: number;
  /** Arrived at or after the warm-up: counted in statistics. */
  readonly measured: boolean;
  /** 0-based index of the current turn. */
  turn: number;
  remainingOutputTokens: number;
  contextTokens: number;
  residentTokens: number;
  /** Tokens swapped to host memory by a swap preemption (restored before it runs again). */
  swappedTokens: number;
  /** Index of the pinned decoder/colocated engine, or -1. */
  engineIndex: number;
  /** KV reservation held on that engine (admission bookkeeping, not memory). */
  reservedTokens: number;
  /** Sequence number of the last join to a batch: preemption picks the newest first. */
  joinSeq: number;
  /** While decoding: the engine's decode-log entry its fields were last brought up to (running-batch.ts). */
  settledAt: number;
  /** True while a mispredicted turn is away on a prefiller (its KV must stay). */
  away: boolean;
  turnReadySeconds: number;
  lastTokenSeconds: number;
  firstTokenOfTurnSeconds: number;
  ttfetSeconds: number;
  maxTtftSeconds: number;
  maxTtftSlowdown: number;
  tbtSumSeconds: number;
  tbtCount: number;
  lastTurnTbtSumSeconds: number;
  lastTurnTbtCount: number;
  /** Prefiller index used for turn 1 (or -1). */
  prefillerIndex: number;
  done: boolean;
  /** KV transfers of this conversation so far (credited to the run's statistics when a measured one finishes). */
  kvTransfers: number;
  kvTransferBytes: number;
  /** Latencies served alone (for slowdowns and slowdown SLOs). */
  standalone: Standalone;
  /**
   * Step accounting (engines whose model has `stepAccounting`): the engine's cumulative term vector when the
   * request reached it, when its first token came out, and when its last one did (null otherwise).
   */
  termsAtArrival: Float64Array | null;
  termsAtFirstToken: Float64Array | null;
  termsAtLastToken: Float64Array | null;
  /**
   * Disaggregated turn 1 delivered at the decoder (`firstTokenAt: 'decoder'`): the prefiller's clock when the prefill
   * completed, the decoder's when the KV landed there (mid-iteration share included), and the seconds between the
   * two that no step charges (the KV transfer over the link model).
   */
  termsAtPrefillDone: Float64Array | null;
  /** The first token was computed by a prefiller and waits for the decoder to deliver it. */
  firstTokenPending: boolean;
  termsAtDecoderArrival: Float64Array | null;
  firstTokenFixedSeconds: number;
}

/** A fresh state for a conversation that just arrived. */
export function createConvState(spec: ConversationSpec, ordinal: number, measured: boolean, standalone: Standalone): ConvState {
  return {
    spec,
    ordinal,
    measured,
    turn: 0,
    remainingOutputTokens: spec.turns[0].outputTokens,
    contextTokens: 0,
    residentTokens: 0,
    swappedTokens: 0,
    engineIndex: -1,
    reservedTokens: 0,
    joinSeq: 0,
    settledAt: 0,
    away: false,
    turnReadySeconds: spec.arrivalSeconds,
    lastTokenSeconds: NaN,
    firstTokenOfTurnSeconds: NaN,
    ttfetSeconds: NaN,
    maxTtftSeconds: 0,
    maxTtftSlowdown: 0,
    tbtSumSeconds: 0,
    tbtCount: 0,
    lastTurnTbtSumSeconds: 0,
    lastTurnTbtCount: 0,
    prefillerIndex: -1,
    done: false,
    kvTransfers: 0,
    kvTransferBytes: 0,
    standalone,
    termsAtArrival: null,
    termsAtFirstToken: null,
    termsAtLastToken: null,
    termsAtPrefillDone: null,
    firstTokenPending: false,
    termsAtDecoderArrival: null,
    firstTokenFixedSeconds: 0,
  };
}

/** Whether the conversation is on its last turn. */
export function isLastTurn(c: ConvState): boolean {
  return c.turn === c.spec.turns.length - 1;
}

/** Peak KV tokens of the whole conversation: every input and every output (known from the trace, an oracle). */
export function peakKvTokens(spec: ConversationSpec): number {
  let total = 0;
  for (const t of spec.turns) total += t.inputTokens + t.outputTokens;
  return total;
}

/** Total tokens as the paper counts them for tokens/J: each turn's full-context input plus its output. */
export function paperTokens(spec: ConversationSpec): number {
  let context = 0;
  let total = 0;
  for (const t of spec.turns) {
    context += t.inputTokens;
    total += context + t.outputTokens;
    context += t.outputTokens;
  }
  return total;
}
