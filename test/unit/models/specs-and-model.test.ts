import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeKvCapacity, createPerfModel, kvBytesPerToken, weightBytes } from '../../../models/index.js';
import { H100, LLAMA70B, SMALL, TEST_GPU } from './fixtures.js';

describe('memory arithmetic', () => {
  it('kvBytesPerToken() is 2 × layers × kv_heads × head_dim × dtype bytes', () => {
    expect(kvBytesPerToken(LLAMA70B)).toBe(2 * 80 * 8 * 128 * 2);
  });
  it('weightBytes() is parameters × dtype bytes', () => expect(weightBytes(LLAMA70B)).toBe(138e9));
  it('reports a pair whose weights do not fit instead of a negative capacity', () => {
    const c = computeKvCapacity(H100, LLAMA70B, { tp: 1 });
    expect(c.fits).toBe(false);
    expect(c.kvCapacityTokens).toBe(0);
    if (!c.fits) expect(c.reason).toMatch(/does not fit on 1× h100-sxm/);
    const tp2 = computeKvCapacity(H100, LLAMA70B, { tp: 2 });
    expect(tp2.fits).toBe(true);
    expect(tp2.kvCapacityTokens).toBeGreaterThan(0);
  });
});

describe('createPerfModel()', () => {
  it('uses built-in fitted coefficients for a measured pair and a roofline otherwise', () => {
    expect(createPerfModel(H100, LLAMA70B, { tp: 4 }).provenance.kind).toBe('builtin');
    expect(createPerfModel(TEST_GPU, SMALL, { tp: 1 }).provenance.kind).toBe('roofline');
  });

  it('decodeStepSeconds is exactly affine in context for fixed batch and chunk (fast path contract)', () => {
    for (const m of [createPerfModel(H100, LLAMA70B, { tp: 4 }), createPerfModel(TEST_GPU, SMALL, { tp: 1 })]) {
      fc.assert(fc.property(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 0, max: 2048 }), fc.integer({ min: 0, max: 1e6 }), (b, chunk, ctx) => {
        const a = m.decodeStepAffine(b, chunk);
        expect(m.decodeStepSeconds(b, ctx, chunk)).toBe(a.baseSeconds + a.perContextTokenSeconds * ctx);
        expect(a.baseSeconds).toBeGreaterThan(0);
        expect(a.perContextTokenSeconds).toBeGreaterThanOrEqual(0);
      }), { seed: 3 });
    }
  });

  it('prefill is positive and grows with tokens; a chunk makes a decode step longer', () => {
    const m = createPerfModel(TEST_GPU, SMALL, { tp: 1 });
    expect(m.prefillSeconds(4096, 0)).toBeGreaterThan(m.prefillSeconds(512, 0));
    expect(m.prefillSeconds(512, 8192)).toBeGreaterThan(m.prefillSeconds(512, 0));
    expect(m.decodeStepSeconds(8, 1000, 512)).toBeGreaterThan(m.decodeStepSeconds(8, 1000, 0));
  });

  it('power: idle < decode(1) ≤ decode(64) ≤ prefill, and a cap clips busy power and stretches prefill only', () => {
    const free = createPerfModel(TEST_GPU, SMALL, { tp: 2 });
    const capped = createPerfModel(TEST_GPU, SMALL, { tp: 2 }, { powerCapWatts: 400 });
    expect(free.powerWatts('idle')).toBe(2 * TEST_GPU.idleWatts);
    expect(free.powerWatts('decode', 1)).toBeGreaterThan(free.powerWatts('idle'));
    expect(free.powerWatts('decode', 64)).toBeGreaterThanOrEqual(free.powerWatts('decode', 1));
    expect(free.powerWatts('prefill')).toBeGreaterThanOrEqual(free.powerWatts('decode', 64));
    expect(capped.powerWatts('prefill')).toBe(800);
    expect(capped.prefillSeconds(8192, 0)).toBeGreaterThan(free.prefillSeconds(8192, 0) * 1.2);
    expect(capped.decodeStepSeconds(16, 16000)).toBe(free.decodeStepSeconds(16, 16000));
  });

  it('at the paper A40 point (300 → 200 W) the compute-bound prefill slows by 1.3–1.6×', () => {
    const a40 = { ...TEST_GPU, id: 'a40-like', tdpWatts: 300, idleWatts: 30 };
    const r = createPerfModel(a40, SMALL, { tp: 1 }, { powerCapWatts: 200 }).prefillSeconds(65536, 0) / createPerfModel(a40, SMALL, { tp: 1 }).prefillSeconds(65536, 0);
    expect(r).toBeGreaterThan(1.3);
    expect(r).toBeLessThan(1.6);
  });
});
