/**
 * Linear-attention layers (Qwen3.5-397B-A17B: 45 of 60 layers are Gated DeltaNet): they keep no per-token KV but a
 * fixed state per sequence. KV tokens count the 15 full-attention layers only; the state is set aside per sequence
 * (split over TP ranks, not replicated), read and written back by every decode step, and its update priced per token.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { LlmSpec } from '../../../catalogs/types.js';
import { BUILTIN_COEFFICIENTS } from '../../../models/builtin.js';
import { layoutKvCapacity } from '../../../models/moe/memory.js';
import { computePhysicalTimes, efficiencyFor, linearAttentionFlopsPerToken } from '../../../models/roofline.js';
import {
  SLIDING_WINDOW_RESERVE_SEQUENCES, computeKvCapacity, fullAttentionLayers, kvBytesForSequence, kvBytesPerToken, linearStateBytesPerSequence,
} from '../../../models/specs.js';

const catalog = loadBuiltinCatalog();
const qwen = catalog.llms.get('qwen3.5-397b-a17b')!;
/** 45 layers × (64 value heads × 128 × 128 recurrent state + (2 × 16 × 128 + 64 × 128) × (4 − 1) conv inputs) × 4 B (float32). */
const STATE_BYTES = 45 * (64 * 128 * 128 + (2 * 16 * 128 + 64 * 128) * 3) * 4;

/** The same LLM as if every layer were full attention (what fleetplan could express before the field). */
function allFull(llm: LlmSpec): LlmSpec {
  return { ...llm, attention: { kind: 'gqa' } };
}

describe('linear-attention state', () => {
  it('Qwen3.5: 15 full layers of KV, 2 x 15 x 2 kv_heads x 256 x 2 B = 30,720 B per token, 195,379,200 B of state per sequence', () => {
    expect(fullAttentionLayers(qwen)).toBe(15);
    expect(kvBytesPerToken(qwen)).toBe(2 * 15 * 2 * 256 * 2);
    expect(kvBytesPerToken(qwen)).toBe(30_720);
    expect(linearStateBytesPerSequence(qwen)).toBe(STATE_BYTES);
    expect(STATE_BYTES).toBe(195_379_200);
    // A sequence's bytes: its tokens at the full layers plus the fixed state, whatever its length.
    expect(kvBytesForSequence(qwen, 1000) - kvBytesForSequence(qwen, 0)).toBe(1000 * 30_720);
    expect(kvBytesForSequence(qwen, 0)).toBe(STATE_BYTES);
    expect(linearStateBytesPerSequence(catalog.llms.get('minimax-m2.5')!)).toBe(0);
  });

  it('sets 256 sequences\' state aside before counting KV tokens, split over TP (not replicated like 2 KV heads at TP 8)', () => {
    const gpu = catalog.gpus.get('b200')!;
    const hybrid = computeKvCapacity(gpu, qwen, { tp: 8 });
    const plain = computeKvCapacity(gpu, { ...allFull(qwen), layers: 15 } as LlmSpec, { tp: 8 });
    if (!hybrid.fits || !plain.fits) throw new Error('Qwen3.5 fits 8 B200s');
    expect(plain.freeBytes - hybrid.freeBytes).toBeCloseTo(SLIDING_WINDOW_RESERVE_SEQUENCES * STATE_BYTES, 0);
    // The MoE memory rule per GPU: the same reserve over 8 GPUs.
    const moe = layoutKvCapacity(gpu, qwen, { tp: 8, ep: 1 });
    const moePlain = layoutKvCapacity(gpu, { ...allFull(qwen), layers: 15 } as LlmSpec, { tp: 8, ep: 1 });
    if (!moe.fits || !moePlain.fits) throw new Error('Qwen3.5 fits 8 B200s');
    expect(moePlain.freeBytesPerGpu - moe.freeBytesPerGpu).toBeCloseTo((SLIDING_WINDOW_RESERVE_SEQUENCES * STATE_BYTES) / 8, 0);
  });

  it('a decode step reads and writes each sequence\'s state; a prompt token pays 6 x value_heads x dk x dv per linear layer', () => {
    const gpu = catalog.gpus.get('b200')!;
    const eff = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, gpu.id);
    const p = computePhysicalTimes(gpu, qwen, { tp: 8 }, eff);
    const memory = 8 * gpu.memoryBandwidthBytesPerSecond * eff.memoryFraction;
    expect(p.kvWindowReadSecondsPerSequence).toBeCloseTo((2 * STATE_BYTES) / memory, 15);
    expect(linearAttentionFlopsPerToken(qwen)).toBe(6 * 45 * 64 * 128 * 128);
    const attention = 8 * gpu.bf16FlopsPerSecond * eff.computeFraction;
    expect(p.slidingAttentionSecondsPerToken).toBeCloseTo(linearAttentionFlopsPerToken(qwen) / attention, 18);
    // Full attention only on 15 of 60 layers: a quarter of the all-full pairs' price.
    const f = computePhysicalTimes(gpu, allFull(qwen), { tp: 8 }, eff);
    expect(p.attentionSecondsPerPair).toBeCloseTo(f.attentionSecondsPerPair / 4, 18);
    expect(p.kvReadSecondsPerContextToken).toBeCloseTo(f.kvReadSecondsPerContextToken / 4, 18);
  });
});
