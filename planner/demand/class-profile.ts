/**
 * Per-class workload statistics that do not depend on the GPU: the turn-count distribution, mean tokens per turn,
 * mean context at each turn, tool waits, and the quantiles the latency floors use. Means come from meanOf/quantileOf
 * (models/distribution.ts); the turn count is rounded to an integer ≥ 1 exactly as the kernel samples it.
 */
import type { ConversationClass, Distribution } from '../../catalogs/types.js';
import { meanOf, quantileOf } from '../../models/distribution.js';
import { jointQuantile } from './attainment.js';

/** Quantile grid size for expectations of nonlinear functions of a distribution (midpoint rule). */
const GRID = 256;

export interface ClassProfile {
  readonly id: string;
  readonly ratePerSecond: number;
  /** survival[i] = P(turns ≥ i + 1), i = 0 … maxTurns − 1. */
  readonly survival: readonly number[];
  readonly meanTurns: number;
  /** Turn count at the TTFET percentile. */
  readonly turnsAtPercentile: number;
  /** Midpoint-rule quantile grid of first-turn input tokens (for E[f(tokens)]). */
  readonly firstInputGrid: readonly number[];
  readonly firstInputMeanTokens: number;
  readonly firstInputAtPercentileTokens: number;
  readonly appendedMeanTokens: number;
  readonly appendedAtPercentileTokens: number;
  /**
   * Appended input at the per-turn quantile later-turn TTFT needs (see profileClass's `ttft`): a conversation meets
   * TTFT only when every later turn does, so with m later turns a per-conversation quantile q needs q^(1/m) per turn.
   */
  readonly appendedForTtftTokens: number;
  /** The per-turn quantile (0–1) `appendedForTtftTokens` was read at. */
  readonly ttftTurnQuantile: number;
  /** Mean output tokens of turn i (0-based), i = 0 … maxTurns − 1. */
  readonly outputMeanTokens: readonly number[];
  readonly toolMeanSeconds: number;
  /** Mean context before turn i's appended input (0-based; turn 0 has no history). */
  readonly historyTokens: readonly number[];
  /** Mean context when turn i starts decoding (history + its new input). */
  readonly decodeStartTokens: readonly number[];
  /** E[output tokens per conversation]. */
  readonly outputTokensPerConversation: number;
  /** Output-token-weighted mean context of a decoding sequence. */
  readonly meanDecodeContextTokens: number;
}

/** The midpoint-rule quantile grid of a distribution. */
export function quantileGrid(d: Distribution, points = GRID): number[] {
  return Array.from({ length: points }, (_, i) => quantileOf(d, (i + 0.5) / points));
}

function turnSurvival(turns: Distribution): number[] {
  const grid = quantileGrid(turns, 4096).map((t) => Math.max(1, Math.round(t)));
  const maxTurns = Math.min(Math.max(...grid), 10_000);
  const survival = new Array<number>(maxTurns).fill(0);
  for (const k of grid) for (let i = 0; i < Math.min(k, maxTurns); i++) survival[i] += 1 / grid.length;
  return survival;
}

function outputDistribution(c: ConversationClass, turn: number): Distribution {
  const byTurn = c.outputTokensByTurn;
  if (!byTurn || byTurn.length === 0) return c.outputTokens;
  return byTurn[Math.min(turn, byTurn.length - 1)];
}

/** How later-turn TTFT is judged: its own percentile, and the joint attainment over all targets (fractions). */
export interface TtftQuantileInputs {
  readonly percentile: number;
  readonly requiredAttainment: number;
  readonly targets: number;
}

/**
 * Builds the profile of one class; `percentile` is the TTFET percentile as a fraction. With `ttft`, the appended input
 * the TTFT bound is checked at is read at the per-turn quantile joint attainment needs (attainment.ts): the kernel
 * judges a conversation on its worst later turn, so a p95 per turn leaves a many-turn class far short of attainment.
 */
export function profileClass(c: ConversationClass, percentile: number, ttft?: TtftQuantileInputs): ClassProfile {
  const survival = turnSurvival(c.turns);
  const maxTurns = survival.length;
  const firstInputMeanTokens = meanOf(c.firstInputTokens);
  const appendedMeanTokens = meanOf(c.appendedInputTokens);
  const outputMeanTokens = Array.from({ length: maxTurns }, (_, i) => meanOf(outputDistribution(c, i)));
  const historyTokens: number[] = [];
  const decodeStartTokens: number[] = [];
  let history = 0;
  for (let i = 0; i < maxTurns; i++) {
    historyTokens.push(history);
    const start = history + (i === 0 ? firstInputMeanTokens : appendedMeanTokens);
    decodeStartTokens.push(start);
    history = start + outputMeanTokens[i];
  }
  let tokens = 0;
  let weightedContext = 0;
  for (let i = 0; i < maxTurns; i++) {
    tokens += survival[i] * outputMeanTokens[i];
    weightedContext += survival[i] * outputMeanTokens[i] * (decodeStartTokens[i] + outputMeanTokens[i] / 2);
  }
  const meanTurns = survival.reduce((a, b) => a + b, 0);
  const ttftTurnQuantile = ttft ? Math.max(ttft.percentile, jointQuantile(ttft.requiredAttainment, ttft.targets, meanTurns - 1)) : percentile;
  return {
    id: c.id,
    ratePerSecond: c.arrivalRatePerSecond,
    survival,
    meanTurns,
    turnsAtPercentile: Math.min(maxTurns, Math.max(1, Math.round(quantileOf(c.turns, percentile)))),
    firstInputGrid: quantileGrid(c.firstInputTokens),
    firstInputMeanTokens,
    firstInputAtPercentileTokens: quantileOf(c.firstInputTokens, percentile),
    appendedMeanTokens,
    appendedAtPercentileTokens: quantileOf(c.appendedInputTokens, percentile),
    appendedForTtftTokens: quantileOf(c.appendedInputTokens, ttftTurnQuantile),
    ttftTurnQuantile,
    outputMeanTokens,
    toolMeanSeconds: meanOf(c.toolLatencySeconds),
    historyTokens,
    decodeStartTokens,
    outputTokensPerConversation: tokens,
    meanDecodeContextTokens: tokens > 0 ? weightedContext / tokens : firstInputMeanTokens,
  };
}
