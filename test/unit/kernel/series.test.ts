import { describe, expect, it } from 'vitest';
import { addSample, createSeries, readSeries } from '../../../planner/kernel/series.js';

const id = (x: number) => x;

describe('time series', () => {
  it('averages samples into bins from the origin and skips samples before it', () => {
    const s = createSeries(10, 5, 100);
    addSample(s, 9, 99);
    for (const [t, v] of [[10, 0.2], [12, 0.4], [15, 1], [27, 0.5]] as const) addSample(s, t, v);
    expect(readSeries(s, id)).toEqual({ t_s: [10, 15, 25], values: [0.30000000000000004, 1, 0.5] });
  });

  it('stays bounded on a long run, and merged bins equal binning at the final width directly', () => {
    const s = createSeries(0, 1, 10);
    const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i) + 1);
    values.forEach((v, i) => addSample(s, i + 0.5, v));
    expect(s.sums.length).toBeLessThanOrEqual(20);
    const width = s.binSeconds;
    expect(width).toBe(64);
    const { t_s, values: means } = readSeries(s, id);
    t_s.forEach((t, k) => {
      const inBin = values.filter((_, i) => i + 0.5 >= t && i + 0.5 < t + width);
      expect(means[k]).toBeCloseTo(inBin.reduce((a, b) => a + b, 0) / inBin.length, 12);
    });
  });
});
