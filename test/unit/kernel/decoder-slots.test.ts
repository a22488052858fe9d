/**
 * KernelOptions.decoderSlots: a disaggregated conversation takes a decoder's KV reservation and one of its request
 * slots at admission, and its prompt enters a prefiller's queue only then (SGLang's bootstrap queue, which
 * `benchmark --backend sglang --mode disagg` turns on). Off (the default), admission is conserve's, unchanged.
 */
import { describe, expect, it } from 'vitest';
import { simulateConversations } from '../../../planner/kernel/kernel.js';
import type { ConversationSpec, KernelOptions } from '../../../planner/kernel/types.js';
import { generateConversations } from '../../../planner/kernel/workload.js';
import { buildFleet, buildMix, createSyntheticPerfModel, DEFAULT_COEFFICIENTS as C } from './fixtures.js';

const INPUT = 2000;
const OUTPUT = 100;
const single = (id: string): ConversationSpec => ({ id, classId: 'x', arrivalSeconds: 0, turns: [{ inputTokens: INPUT, outputTokens: OUTPUT, toolLatencySeconds: 0 }] });
// The synthetic prefill of one prompt alone: intercept + per token + attention over the prompt's own triangle.
const PREFILL_SECONDS = C.prefillInterceptSeconds + C.prefillPerTokenSeconds * INPUT + C.prefillAttentionSeconds * INPUT * (INPUT / 2);

const run = (specs: Iterable<ConversationSpec>, options: Partial<KernelOptions>, counts = { prefill: 1, decode: 1 }) =>
  simulateConversations(buildFleet(counts), specs, createSyntheticPerfModel, { policy: 'conserve', seed: 1, ...options });

describe('decoderSlots (the bootstrap queue)', () => {
  it('holds a prompt out of the prefiller while its only decoder has no free slot: it starts prefilling when the slot frees', () => {
    // a alone: when its slot would free (its last token).
    const finishA = run([single('a')], {}).e2e_s.max;
    const free = run([single('a'), single('b')], {});
    const held = run([single('a'), single('b')], { decoderSlots: 1 });
    // Without a slot limit both prompts are prefilled at once, well before a finishes decoding.
    expect(free.ttfet_s.max).toBeLessThan(finishA / 2);
    // With one slot, b is admitted (and prefilled) only after a finishes: its first token comes a whole prefill later,
    // and TTFT still counts from b's arrival, the wait for the slot included.
    expect(held.ttfet_s.max).toBeGreaterThanOrEqual((finishA + PREFILL_SECONDS) * 0.999);
    expect(held.e2e_s.max).toBeGreaterThan(2 * finishA * 0.999);
    // The same work is done.
    expect(held.output_tokens).toBe(free.output_tokens);
    expect(held.conversations).toBe(2);
  });

  it('counts slots per decoder: a second decoder with a free slot takes the second prompt at once', () => {
    const finishA = run([single('a')], {}).e2e_s.max;
    const r = run([single('a'), single('b')], { decoderSlots: 1 }, { prefill: 1, decode: 2 });
    expect(r.ttfet_s.max).toBeLessThan(finishA / 2);
  });

  it('off (absent, Infinity, or more slots than conversations) leaves every figure unchanged; a binding limit does not', () => {
    const specs = [...generateConversations(buildMix(3), { seed: 7, maxConversations: 200 })];
    const counts = { prefill: 2, decode: 2 };
    const base = JSON.stringify(run(specs, {}, counts));
    expect(JSON.stringify(run(specs, { decoderSlots: Infinity }, counts))).toBe(base);
    expect(JSON.stringify(run(specs, { decoderSlots: 1_000 }, counts))).toBe(base);
    const bound = run(specs, { decoderSlots: 2 }, counts);
    expect(JSON.stringify(bound)).not.toBe(base);
    expect(bound.ttfet_s.mean).toBeGreaterThan(JSON.parse(base).ttfet_s.mean);
  });

  it('rejects a slot count that is not a positive integer', () => {
    expect(() => run([single('a')], { decoderSlots: 0 })).toThrow(RangeError);
    expect(() => run([single('a')], { decoderSlots: 1.5 })).toThrow(/decoderSlots/);
  });
});
