/**
 * KernelOptions.firstTokenAt: where a disaggregated turn 1's first token reaches the client. 'decoder' (what
 * `benchmark --mode disagg` runs) delivers it when the decoder takes the request into a batch after the KV transfer;
 * the token is the prefiller's either way, so tokens, transfers and later turns are the same work.
 */
import { describe, expect, it } from 'vitest';
import { simulateConversations } from '../../../planner/kernel/kernel.js';
import type { ConversationSpec, KernelOptions } from '../../../planner/kernel/types.js';
import { generateConversations } from '../../../planner/kernel/workload.js';
import { buildFleet, buildMix, createSyntheticPerfModel, DEFAULT_COEFFICIENTS as C } from './fixtures.js';

const perf = createSyntheticPerfModel;
const run = (specs: Iterable<ConversationSpec>, firstTokenAt: KernelOptions['firstTokenAt'], fleet = buildFleet({ prefill: 1, decode: 1 })) =>
  simulateConversations(fleet, specs, perf, { policy: 'conserve', seed: 1, firstTokenAt });

describe('firstTokenAt', () => {
  it('alone on an idle set, the decoder delivers the first token exactly one KV transfer after the prefill ends', () => {
    const input = 3000;
    const spec: ConversationSpec = { id: 'a', classId: 'x', arrivalSeconds: 0, turns: [{ inputTokens: input, outputTokens: 50, toolLatencySeconds: 0 }] };
    const atPrefiller = run([spec], 'prefiller');
    const atDecoder = run([spec], 'decoder');
    // buildFleet's link: 0.5 ms + bytes / 12.5 GB/s; the KV of the prompt and the first token crosses it.
    const transferSeconds = 0.0005 + ((input + 1) * C.kvBytesPerToken) / 12.5e9;
    expect(atDecoder.ttfet_s.mean - atPrefiller.ttfet_s.mean).toBeCloseTo(transferSeconds, 6);
    // The decode steps after the first token are the same; only the gap the transfer made is gone from TBT.
    expect(atDecoder.tbt_ms.max).toBeLessThan(atPrefiller.tbt_ms.max);
    expect(atDecoder.output_tokens).toBe(atPrefiller.output_tokens);
  });

  it('under load and over multi-turn conversations: the same conversations, tokens and transfers, and a median TTFET no earlier', () => {
    const specs = [...generateConversations(buildMix(3), { seed: 7, maxConversations: 200 })];
    const fleet = buildFleet({ prefill: 2, decode: 2 });
    const a = run(specs, 'prefiller', fleet);
    const b = run(specs, 'decoder', fleet);
    expect(b.conversations).toBe(a.conversations);
    expect(b.output_tokens).toBe(a.output_tokens);
    expect(b.kv_transfers).toBe(a.kv_transfers);
    expect(b.ttfet_s.p50).toBeGreaterThanOrEqual(a.ttfet_s.p50);
  });
});
