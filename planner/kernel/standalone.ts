/**
 * A conversation's standalone latencies: served alone at batch 1 on one engine of the reference GPU type, every
 * turn prefilled against its resident history and decoded token by token, tools taking their trace latency. The
 * paper normalises every latency this way (its SLOs are 5× standalone); one reference model per run keeps the
 * normalisation identical across policies.
 */
import type { PerfModel } from '../../models/types.js';
import type { ConversationSpec } from './types.js';

export interface Standalone {
  readonly ttfetSeconds: number;
  /** Arrival → last output token of the last turn (the paper's E2E), seconds. */
  readonly e2eSeconds: number;
  /** Per turn: input ready → first token (index 0 is turn 1). */
  readonly ttftSeconds: readonly number[];
  /** Mean gap between consecutive tokens over all turns, and over the last turn; NaN when there is no gap. */
  readonly meanTbtSeconds: number;
  readonly lastTurnMeanTbtSeconds: number;
}

/** Computes the standalone latencies of `spec` on `model`. */
export function computeStandalone(spec: ConversationSpec, model: PerfModel): Standalone {
  const { baseSeconds, perContextTokenSeconds } = model.decodeStepAffine(1);
  const ttft: number[] = [];
  let elapsed = 0;
  let context = 0;
  let ttfet = 0;
  let decodeSum = 0;
  let gaps = 0;
  let lastTurnMean = NaN;
  for (let j = 0; j < spec.turns.length; j++) {
    const turn = spec.turns[j];
    elapsed += turn.toolLatencySeconds;
    const prefill = model.prefillSeconds(turn.inputTokens, context);
    ttft.push(prefill);
    elapsed += prefill;
    if (j === spec.turns.length - 1) ttfet = elapsed;
    // After the first token the context is history + input + 1; step i reads history + input + i tokens.
    const prompt = context + turn.inputTokens;
    const steps = turn.outputTokens - 1;
    const decode = steps * (baseSeconds + perContextTokenSeconds * prompt) + (perContextTokenSeconds * steps * (steps + 1)) / 2;
    elapsed += decode;
    decodeSum += decode;
    gaps += steps;
    if (j === spec.turns.length - 1) lastTurnMean = steps > 0 ? decode / steps : NaN;
    context = prompt + turn.outputTokens;
  }
  return { ttfetSeconds: ttfet, e2eSeconds: elapsed, ttftSeconds: ttft, meanTbtSeconds: gaps > 0 ? decodeSum / gaps : NaN, lastTurnMeanTbtSeconds: lastTurnMean };
}
