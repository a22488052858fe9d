import { describe, expect, it } from 'vitest';
import { splitHoldout, splitHoldoutInterior } from '../../../models/split.js';

// A one-factor-at-a-time sweep like Splitwise's: batch 1..64 at 512 tokens, then 128..8192 tokens at batch 1.
const sweep = [
  ...[1, 2, 4, 8, 16, 32, 64].map((batch) => ({ batch, tokens: 512 })),
  ...[128, 256, 1024, 2048, 4096, 8192].map((tokens) => ({ batch: 1, tokens })),
];
const extent = (r: { batch: number; tokens: number }) => [r.batch, r.tokens];

describe('splitHoldoutInterior()', () => {
  it('never holds out a sweep end point, over many seeds, and holds out as many rows as the random split', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { train, test } = splitHoldoutInterior(sweep, 0.2, seed, 'g', extent);
      expect(test.length).toBe(splitHoldout(sweep, 0.2, seed, 'g').test.length);
      expect(train.length + test.length).toBe(sweep.length);
      expect(Math.max(...train.map((r) => r.batch))).toBe(64);
      expect(Math.min(...train.map((r) => r.tokens))).toBe(128);
      expect(Math.max(...train.map((r) => r.tokens))).toBe(8192);
      for (const r of test) expect([64, 128, 8192]).not.toContain(r.batch === 64 ? 64 : r.tokens);
    }
  });

  it('the random split does remove end points for some seeds (why the interior split exists)', () => {
    const removed = Array.from({ length: 50 }, (_, i) => splitHoldout(sweep, 0.2, i + 1, 'g').test).filter((t) => t.some((r) => r.batch === 64 || r.tokens === 128 || r.tokens === 8192));
    expect(removed.length).toBeGreaterThan(10);
  });

  it('is deterministic per seed and key, and keeps one of tied end rows', () => {
    const a = splitHoldoutInterior(sweep, 0.2, 7, 'k', extent);
    expect(splitHoldoutInterior(sweep, 0.2, 7, 'k', extent)).toEqual(a);
    const tied = [{ batch: 1, tokens: 10 }, { batch: 1, tokens: 10 }, { batch: 2, tokens: 20 }, { batch: 3, tokens: 30 }];
    for (let seed = 1; seed <= 20; seed++) {
      const { train, test } = splitHoldoutInterior(tied, 0.5, seed, 't', extent);
      expect(train.some((r) => r.tokens === 10)).toBe(true);
      expect(train.some((r) => r.tokens === 30)).toBe(true);
      expect(test.length).toBe(2);
      expect(train.filter((r) => r.tokens === 10).length).toBe(1);
    }
  });
});
