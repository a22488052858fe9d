import { describe, expect, it } from 'vitest';
import { createStream } from '../../../models/random.js';
import { addArithmetic, addValue, createHistogram, EXACT_SAMPLE_LIMIT, isExact, mergeHistogram, quantile, summarize } from '../../../planner/kernel/histogram.js';

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

describe('histogram', () => {
  it('quantile() is within 1% relative error of the exact quantile on lognormal samples', () => {
    const u = createStream(7, 'histogram-test');
    const h = createHistogram();
    const values: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const v = Math.exp(3 * (u() - 0.5) * 4) * 0.01;
      values.push(v);
      addValue(h, v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(quantile(h, q) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
    expect(h.count).toBe(50_000);
    expect(summarize(h).max).toBe(values[values.length - 1]);
  });

  it('addArithmetic() puts the same counts in the same buckets as adding each term', () => {
    for (const [first, delta, n, mult] of [[0.0081, 2e-7, 5000, 3], [0.5, 0.013, 900, 1], [1e-3, 0, 17, 2], [0.02, 1e-5, 1, 4]] as const) {
      const bulk = createHistogram();
      const single = createHistogram();
      addArithmetic(bulk, first, delta, n, mult);
      for (let k = 0; k < n; k++) addValue(single, first + k * delta, mult);
      expect(Array.from(bulk.buckets)).toEqual(Array.from(single.buckets));
      expect(bulk.count).toBe(single.count);
      expect(bulk.sum).toBeCloseTo(single.sum, 9);
      expect(bulk.max).toBeCloseTo(single.max, 15);
    }
  });

  it('mergeHistogram() of two halves equals the histogram of the whole', () => {
    const a = createHistogram();
    const b = createHistogram();
    const whole = createHistogram();
    for (let i = 1; i <= 1000; i++) {
      addValue(i % 2 === 0 ? a : b, i / 7);
      addValue(whole, i / 7);
    }
    mergeHistogram(a, b);
    expect(summarize(a)).toEqual(summarize(whole));
  });

  it('summarize() of an empty histogram is all zeros and quantile() is NaN', () => {
    expect(summarize(createHistogram())).toEqual({ mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
    expect(quantile(createHistogram(), 0.5)).toBeNaN();
  });

  it('an exact histogram answers every quantile with a sample value (nearest rank), not a bucket midpoint', () => {
    const u = createStream(11, 'histogram-exact');
    const h = createHistogram({ exact: true });
    const bucketed = createHistogram();
    const values: number[] = [];
    for (let i = 0; i < 20_001; i++) {
      const v = 150 + 100 * u();
      values.push(v);
      addValue(h, v);
      addValue(bucketed, v);
    }
    values.sort((a, b) => a - b);
    expect(isExact(h)).toBe(true);
    for (const q of [0.001, 0.1, 0.5, 0.9, 0.95, 0.99]) expect(quantile(h, q)).toBe(exactQuantile(values, q));
    // The buckets are ~2% wide: their p95 is a midpoint, generally not a sample value.
    expect(quantile(bucketed, 0.95)).not.toBe(exactQuantile(values, 0.95));
    // Adding after a quantile keeps it exact (the sample is re-sorted lazily).
    addValue(h, 1);
    expect(quantile(h, 0)).toBe(1);
    expect(quantile(h, 1 / h.count)).toBe(1);
  });

  it('unit-weight samples with ties, negatives and zeros give the nearest-rank quantiles whichever sort ran', () => {
    // Unit weights sort natively; a zero sends the sample to the stable comparator sort (−0 and +0 tie there).
    const u = createStream(5, 'histogram-ties');
    for (const extra of [[], [-2.5], [0], [-0, 0, -1]]) {
      const h = createHistogram({ exact: true });
      const values: number[] = [];
      for (let i = 0; i < 5_000; i++) {
        const v = 0.1 + Math.round(100 * u()) / 10;
        values.push(v);
        addValue(h, v);
      }
      for (const v of extra) {
        values.push(v);
        addValue(h, v);
      }
      values.sort((a, b) => a - b);
      for (const q of [0.0001, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.9999]) expect(quantile(h, q)).toBe(exactQuantile(values, q));
      expect(isExact(h)).toBe(true);
    }
  });

  it('weights count as repeated values in exact quantiles', () => {
    const h = createHistogram({ exact: true });
    addValue(h, 3, 9);
    addValue(h, 1, 1);
    addValue(h, 2, 90);
    expect(quantile(h, 0.01)).toBe(1);
    expect(quantile(h, 0.5)).toBe(2);
    expect(quantile(h, 0.91)).toBe(2);
    expect(quantile(h, 0.92)).toBe(3);
  });

  it('falls back to the buckets (≤ 1%) after a bulk arithmetic add or past the sample limit; merging keeps exactness only when both are exact', () => {
    const bulk = createHistogram({ exact: true });
    addValue(bulk, 5);
    addArithmetic(bulk, 0.01, 1e-4, 100);
    expect(isExact(bulk)).toBe(false);
    const big = createHistogram({ exact: true });
    for (let i = 0; i <= EXACT_SAMPLE_LIMIT; i++) addValue(big, 1 + (i % 1000));
    expect(isExact(big)).toBe(false);
    expect(Math.abs(quantile(big, 0.5) - 500) / 500).toBeLessThanOrEqual(0.01);
    const a = createHistogram({ exact: true });
    const b = createHistogram({ exact: true });
    const whole = createHistogram({ exact: true });
    for (let i = 1; i <= 999; i++) {
      addValue(i % 3 === 0 ? a : b, i / 7);
      addValue(whole, i / 7);
    }
    mergeHistogram(a, b);
    expect(isExact(a)).toBe(true);
    expect(summarize(a)).toEqual(summarize(whole));
    mergeHistogram(a, createHistogram());
    expect(isExact(a)).toBe(false);
  });
});
