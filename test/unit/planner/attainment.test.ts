import { describe, expect, it } from 'vitest';
import { interpolateQuantile, jointQuantile, rankAttainmentContributors } from '../../../planner/demand/attainment.js';
import { cutsForMisses } from '../../../planner/check/loop.js';
import type { Plan } from '../../../planner/types.js';

const summary = { p50: 1, p90: 2, p95: 3, p99: 7, max: 10 };

describe('attainment contributors', () => {
  it('reads a summary between its points', () => {
    expect(interpolateQuantile(summary, 0.95)).toBe(3);
    expect(interpolateQuantile(summary, 0.97)).toBeCloseTo(5, 12);
    expect(interpolateQuantile(summary, 0.995)).toBeCloseTo(8.5, 12);
    expect(interpolateQuantile(summary, 0.2)).toBe(1);
  });

  it('asks each of k targets for (1 − attainment)/k, and more of a metric checked on a conversation’s worst turn', () => {
    expect(jointQuantile(0.9, 1)).toBeCloseTo(0.9, 12);
    expect(jointQuantile(0.9, 4)).toBeCloseTo(0.975, 12);
    expect(jointQuantile(0.9, 2, 4)).toBeCloseTo(0.95 ** 0.25, 12);
  });

  it('ranks the target furthest over its bound at the joint percentile first', () => {
    const ranked = rankAttainmentContributors([
      { metric: 'ttfet_s', percentile: 95, bound: 3.5, summary },
      { metric: 'ttft_s', percentile: 95, bound: 3.5, summary },
    ], 0.9, 3);
    expect(ranked[0].metric).toBe('ttft_s'); // worst of 3 later turns: read at p(0.95^(1/3)) ≈ p98.3
    expect(ranked[0].percentile).toBeCloseTo(100 * 0.95 ** (1 / 3), 1);
    expect(ranked[1]).toMatchObject({ metric: 'ttfet_s', percentile: 95, value: 3 });
  });

  it('an attainment-only miss cuts the family of the worst contributor, not TTFET by default', () => {
    const plan = { instances: [{ gpu: 'h100', tp: 1, role: 'prefill', count: 1, poolKey: 'h100/tp1/prefill/tdp' }, { gpu: 'h100', tp: 1, role: 'decode', count: 2, poolKey: 'h100/tp1/decode/tdp' }] } as unknown as Plan;
    const contributors = [{ metric: 'ttft_s' as const, percentile: 98.3, value: 6, bound: 3, ratio: 2 }];
    const cuts = cutsForMisses(plan, { holds: false, slos: [], attainment: { observed: 0.85, required: 0.9, holds: false, contributors } });
    expect(cuts).toHaveLength(1);
    expect(cuts[0]).toMatchObject({ kind: 'scale-capacity', poolKey: 'role:decode', family: 'decode', factor: 0.5 });
    const fallback = cutsForMisses(plan, { holds: false, slos: [], attainment: { observed: 0.85, required: 0.9, holds: false } });
    expect(fallback.map((c) => c.kind === 'scale-capacity' && c.family)).toEqual(['prefill', 'decode']);
  });
});
