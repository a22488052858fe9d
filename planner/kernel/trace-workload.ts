/**
 * Parsed traces (catalogs/traces) as kernel workloads. Pure: the CLI reads and parses the file, this maps values.
 * Timestamp-free traces (the ConServe CSV) get Poisson arrivals from workload.ts's withPoissonArrivals.
 */
import type { AzureRequest, ConserveConversation, ConserveRow, FleetplanConversation, ReconstructedConversation } from '../../catalogs/traces/index.js';
import type { ConversationSpec } from './types.js';
import type { UntimedConversation } from './workload.js';

/** fleetplan conversation JSONL: already conversations with arrivals and tool latencies. */
export function* fromFleetplanTrace(conversations: Iterable<FleetplanConversation>): Generator<ConversationSpec> {
  for (const c of conversations) yield { id: c.id, classId: c.classId ?? 'trace', arrivalSeconds: c.arrivalSeconds, turns: c.turns, userVisibleTurns: 'last' };
}

/** Azure LLM inference CSV: every request is a single-turn conversation. */
export function* fromAzureTrace(requests: Iterable<AzureRequest>): Generator<ConversationSpec> {
  let i = 0;
  for (const r of requests) {
    yield { id: `azure-${i++}`, classId: 'azure', arrivalSeconds: r.arrivalSeconds, turns: [{ inputTokens: r.inputTokens, outputTokens: Math.max(1, r.outputTokens), toolLatencySeconds: 0 }], userVisibleTurns: 'last' };
  }
}

/** The ConServe per-turn CSV: turns back to back (the paper's replay: no tool delay). */
export function toUntimedConserve(conversations: readonly ConserveConversation[]): UntimedConversation[] {
  return conversations.map((c) => ({
    id: c.id,
    turns: c.turns.map((t) => ({ inputTokens: t.appendedInputTokens, outputTokens: Math.max(1, t.outputTokens), toolLatencySeconds: 0 })),
  }));
}

/**
 * ConServe CSV rows (in file order, as createConserveReader checks them) grouped into untimed conversations, one at
 * a time, cut to `maxTurns` turns; turns back to back, as the paper replays them.
 */
export function* fromConserveRows(rows: Iterable<ConserveRow>, maxTurns = Infinity): Generator<UntimedConversation> {
  let current: { id: string; turns: Array<{ inputTokens: number; outputTokens: number; toolLatencySeconds: number }> } | undefined;
  for (const row of rows) {
    if (current === undefined || row.turnIndex === 0) {
      if (current !== undefined) yield current;
      current = { id: row.conversationId, turns: [] };
    }
    if (current.turns.length < maxTurns) current.turns.push({ inputTokens: row.turn.appendedInputTokens, outputTokens: Math.max(1, row.turn.outputTokens), toolLatencySeconds: 0 });
  }
  if (current !== undefined) yield current;
}

/**
 * Mooncake conversations reconstructed from hash ids, in order of first arrival. A later turn's wait is its gap to
 * the previous turn's arrival (that gap also holds the previous turn's service, so it is an upper bound on think
 * time). Turns whose appended input is not positive (the service dropped history) are given 1 token and counted.
 */
export function fromMooncakeConversations(conversations: readonly ReconstructedConversation[], adjusted: { count: number }): ConversationSpec[] {
  const out: ConversationSpec[] = conversations.map((c) => ({
    id: `mooncake-${c.id}`,
    classId: 'mooncake',
    arrivalSeconds: c.turns[0].arrivalSeconds,
    turns: c.turns.map((t, i) => {
      const appended = i === 0 ? t.inputTokens : t.appendedInputTokens;
      if (appended < 1) adjusted.count++;
      return { inputTokens: Math.max(1, appended), outputTokens: Math.max(1, t.outputTokens), toolLatencySeconds: i === 0 ? 0 : t.gapSeconds };
    }),
    userVisibleTurns: 'last' as const,
  }));
  return out.sort((a, b) => a.arrivalSeconds - b.arrivalSeconds);
}
