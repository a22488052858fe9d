import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../../catalogs/types.js';
import { sampleDistribution } from '../../../models/distribution.js';
import { createStream } from '../../../models/random.js';
import { generateConversations, withPoissonArrivals } from '../../../planner/kernel/workload.js';
import { buildMix } from './fixtures.js';

describe('generateConversations()', () => {
  it('yields conversations lazily in arrival order at the class rate', () => {
    const mix = buildMix(2);
    let last = 0;
    let n = 0;
    for (const c of generateConversations(mix, { seed: 3, durationSeconds: 5000 })) {
      expect(c.arrivalSeconds).toBeGreaterThanOrEqual(last);
      last = c.arrivalSeconds;
      n++;
      expect(c.turns[0].toolLatencySeconds).toBe(0);
      for (const t of c.turns) {
        expect(Number.isInteger(t.inputTokens) && t.inputTokens >= 1).toBe(true);
        expect(Number.isInteger(t.outputTokens) && t.outputTokens >= 1).toBe(true);
      }
    }
    // 10,000 expected; Poisson standard deviation 100.
    expect(Math.abs(n - 10_000)).toBeLessThan(400);
  });

  it('draws empirical distributions exactly as sampleDistribution() does', () => {
    const d: Distribution = { kind: 'empirical', points: [[67, 20250], [62, 1], [190, 114], [313, 3], [69, 113]], max: 200 };
    const mix = buildMix(1, { turns: { kind: 'fixed', value: 1 }, firstInputTokens: d });
    const u = createStream(9, 'workload/agent/first-input');
    const cuts = { count: 0 };
    for (const c of generateConversations(mix, { seed: 9, maxConversations: 2000, cuts })) {
      expect(c.turns[0].inputTokens).toBe(Math.round(sampleDistribution(d, u).value));
    }
    expect(cuts.count).toBeGreaterThan(0);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const take = (seed: number) => JSON.stringify([...generateConversations(buildMix(1), { seed, maxConversations: 50 })]);
    expect(take(1)).toBe(take(1));
    expect(take(2)).not.toBe(take(1));
  });
});

describe('withPoissonArrivals()', () => {
  it('cycles a timestamp-free trace with fresh ids when asked, and stops at its end otherwise', () => {
    const trace = [{ id: 'a', turns: [{ inputTokens: 10, outputTokens: 2, toolLatencySeconds: 0 }] }, { id: 'b', turns: [{ inputTokens: 20, outputTokens: 3, toolLatencySeconds: 0 }] }];
    expect([...withPoissonArrivals(trace, 1, { seed: 1 })].map((c) => c.id)).toEqual(['a', 'b']);
    expect([...withPoissonArrivals(trace, 1, { seed: 1, cycle: true, maxConversations: 5 })].map((c) => c.id)).toEqual(['a', 'b', 'a#1', 'b#1', 'a#2']);
  });
});
