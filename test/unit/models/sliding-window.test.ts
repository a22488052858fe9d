/**
 * Sliding-window attention (gpt-oss: 18 of 36 layers attend to the last 128 tokens): the KV a sequence holds, the
 * capacity left for KV tokens, decode reads and prefill attention, and that models without the field are unchanged.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { LlmSpec } from '../../../catalogs/types.js';
import { createPerfModel } from '../../../models/create.js';
import { computePhysicalTimes, efficiencyFor } from '../../../models/roofline.js';
import {
  SLIDING_WINDOW_RESERVE_SEQUENCES, computeKvCapacity, kvBytesForSequence, kvBytesPerToken, kvWindowBytesPerSequence,
} from '../../../models/specs.js';
import { BUILTIN_COEFFICIENTS } from '../../../models/builtin.js';

const catalog = loadBuiltinCatalog();
const gptOss = catalog.llms.get('gpt-oss-120b')!;
const LAYER_TOKEN_BYTES = 2 * 8 * 64 * 2; // K and V × 8 kv heads × head_dim 64 × bf16

/** The same LLM with every layer at full context (what fleetplan assumed before the field). */
function withoutWindow(llm: LlmSpec): LlmSpec {
  return { ...llm, attention: { kind: 'gqa' } };
}

describe('sliding-window KV bytes', () => {
  it('gpt-oss-120b reads its window from the catalog', () => {
    expect(gptOss.attention).toEqual({ kind: 'gqa', sliding: { windowTokens: 128, layers: 18 } });
  });

  it('holds full layers × L + sliding layers × min(L, 128) layer-tokens at L = 64, 128, 4096', () => {
    expect(kvBytesForSequence(gptOss, 64)).toBe(LAYER_TOKEN_BYTES * (18 * 64 + 18 * 64));
    expect(kvBytesForSequence(gptOss, 128)).toBe(LAYER_TOKEN_BYTES * (18 * 128 + 18 * 128));
    expect(kvBytesForSequence(gptOss, 4096)).toBe(LAYER_TOKEN_BYTES * (18 * 4096 + 18 * 128));
    // Within the window every layer holds every token; at 4096 tokens it is 52% of the all-layers figure.
    expect(kvBytesForSequence(gptOss, 64)).toBe(kvBytesForSequence(withoutWindow(gptOss), 64));
    expect(kvBytesForSequence(gptOss, 4096) / kvBytesForSequence(withoutWindow(gptOss), 4096)).toBeCloseTo((4096 + 128) / 8192, 6);
  });

  it('counts KV tokens at the full layers\' bytes and sets the windows aside', () => {
    expect(kvBytesPerToken(gptOss)).toBe(18 * LAYER_TOKEN_BYTES);
    expect(kvBytesPerToken(gptOss, 'fp8')).toBe(18 * 2 * 8 * 64);
    expect(kvWindowBytesPerSequence(gptOss)).toBe(18 * 128 * LAYER_TOKEN_BYTES);
    const gpu = catalog.gpus.get('h200')!;
    const sliding = computeKvCapacity(gpu, gptOss, { tp: 1 });
    const full = computeKvCapacity(gpu, withoutWindow(gptOss), { tp: 1 });
    if (!sliding.fits || !full.fits) throw new Error('gpt-oss-120b fits one H200');
    // Free memory less 256 windows, counted in 36,864-byte tokens: just under twice the all-layers count.
    expect(sliding.freeBytes).toBeCloseTo(full.freeBytes - SLIDING_WINDOW_RESERVE_SEQUENCES * kvWindowBytesPerSequence(gptOss), 0);
    expect(sliding.kvCapacityTokens).toBe(Math.floor(sliding.freeBytes / (18 * LAYER_TOKEN_BYTES)));
    expect(sliding.kvCapacityTokens / full.kvCapacityTokens).toBeGreaterThan(1.95);
    expect(sliding.kvCapacityTokens / full.kvCapacityTokens).toBeLessThan(2);
  });

  it('leaves dense and MLA models without the field as they were', () => {
    for (const id of ['llama-3.1-70b', 'mixtral-8x22b', 'qwen3-235b-a22b', 'deepseek-v3']) {
      const llm = catalog.llms.get(id)!;
      expect(kvWindowBytesPerSequence(llm)).toBe(0);
      expect(kvBytesForSequence(llm, 4096)).toBe(4096 * kvBytesPerToken(llm));
    }
    expect(kvBytesPerToken(catalog.llms.get('llama-3.1-70b')!)).toBe(2 * 80 * 8 * 128 * 2);
  });
});

describe('sliding-window step times', () => {
  const gpu = catalog.gpus.get('b200')!;

  it('the roofline caps a sliding layer\'s prefill attention at the window and reads one window per decoding sequence', () => {
    const eff = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, gpu.id);
    const s = computePhysicalTimes(gpu, gptOss, { tp: 1 }, eff);
    const f = computePhysicalTimes(gpu, withoutWindow(gptOss), { tp: 1 }, eff);
    expect(s.attentionSecondsPerPair).toBeCloseTo(f.attentionSecondsPerPair / 2, 15);
    expect(s.kvReadSecondsPerContextToken).toBeCloseTo(f.kvReadSecondsPerContextToken / 2, 15);
    // 18 layers × 128 keys per token, at 4·heads·head_dim FLOPs per pair = the full layers' price of 2 × 128 pairs.
    expect(s.slidingAttentionSecondsPerToken).toBeCloseTo(s.attentionSecondsPerPair * 2 * 128, 15);
    expect(s.kvWindowReadSecondsPerSequence).toBeCloseTo(s.kvReadSecondsPerContextToken * 128, 15);
    expect(f.slidingAttentionSecondsPerToken).toBe(0);
    expect(f.kvWindowReadSecondsPerSequence).toBe(0);
  });

  it('a gpt-oss decode step at long context reads about half the KV, and stays affine in the total context', () => {
    const m = createPerfModel(gpu, gptOss, { tp: 1, ep: 1 });
    const all = createPerfModel(gpu, withoutWindow(gptOss), { tp: 1, ep: 1 });
    const a = m.decodeStepAffine(64);
    const b = all.decodeStepAffine(64);
    expect(a.perContextTokenSeconds).toBeCloseTo(b.perContextTokenSeconds / 2, 12);
    // 64 windows of 128 tokens on 18 layers = 64 × 64 all-layer tokens of reads, in the base.
    expect(a.baseSeconds - b.baseSeconds).toBeCloseTo(64 * 64 * b.perContextTokenSeconds, 9);
    expect(m.decodeStepSeconds(64, 64 * 32_000)).toBeCloseTo(a.baseSeconds + a.perContextTokenSeconds * 64 * 32_000, 9);
    expect(m.decodeStepSeconds(64, 64 * 32_000)).toBeLessThan(all.decodeStepSeconds(64, 64 * 32_000));
    // Long prefill: the quadratic term is halved, the window part is linear.
    expect(m.prefillSeconds(32_000, 0)).toBeLessThan(all.prefillSeconds(32_000, 0));
    expect(m.kvBytesPerToken).toBe(18 * LAYER_TOKEN_BYTES);
  });
});
