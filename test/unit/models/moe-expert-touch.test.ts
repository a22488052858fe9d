import { describe, expect, it } from 'vitest';
import { balancedDistinctExpertsPerRank, expectedDistinctExperts, expectedDistinctExpertsPerRank } from '../../../models/moe/expert-touch.js';

describe('expected distinct experts E·(1 − (1 − k/E)^b)', () => {
  it('touches exactly k experts with one token', () => {
    expect(expectedDistinctExperts(256, 8, 1)).toBeCloseTo(8, 12);
    expect(expectedDistinctExperts(128, 4, 1)).toBeCloseTo(4, 12);
  });

  it('tends to every expert as the batch grows, never past it', () => {
    expect(expectedDistinctExperts(256, 8, 10_000)).toBeCloseTo(256, 6);
    expect(expectedDistinctExperts(256, 8, 1e9)).toBeLessThanOrEqual(256);
    let last = 0;
    for (const b of [1, 2, 4, 16, 64, 256, 1024]) {
      const u = expectedDistinctExperts(256, 8, b);
      expect(u).toBeGreaterThan(last);
      expect(u).toBeLessThanOrEqual(Math.min(256, 8 * b));
      last = u;
    }
  });

  it('matches a hand-computed value: top-8 of 256 at b = 64 is 256·(1 − (31/32)^64) = 222.44', () => {
    // (31/32)^64 = exp(64 × ln(0.96875)) = exp(−2.031917) = 0.131084; 256 × 0.868916 = 222.442
    expect(expectedDistinctExperts(256, 8, 64)).toBeCloseTo(256 * (1 - Math.exp(64 * Math.log(31 / 32))), 9);
    expect(expectedDistinctExperts(256, 8, 64)).toBeCloseTo(222.442, 3);
    // Mixtral top-2 of 8 at b = 2: 8·(1 − 0.75²) = 3.5
    expect(expectedDistinctExperts(8, 2, 2)).toBeCloseTo(3.5, 12);
  });

  it('returns 0 for no tokens and rejects top-k above the experts', () => {
    expect(expectedDistinctExperts(256, 8, 0)).toBe(0);
    expect(() => expectedDistinctExperts(8, 9, 1)).toThrow(/experts_per_token/);
  });

  it('splits evenly over expert-parallel ranks; balanced routing fills ranks linearly', () => {
    expect(expectedDistinctExpertsPerRank(256, 8, 64, 8)).toBeCloseTo(expectedDistinctExperts(256, 8, 64) / 8, 12);
    expect(balancedDistinctExpertsPerRank(256, 8, 2, 8)).toBe(2);
    expect(balancedDistinctExpertsPerRank(256, 8, 1000, 8)).toBe(32);
  });
});
