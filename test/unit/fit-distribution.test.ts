import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../catalogs/types.js';
import { cdfBelowOf, cdfOf, meanOf, quantileOf, sampleDistribution } from '../../models/distribution.js';
import {
  assessFit,
  fitEmpirical,
  fitLognormal,
  ksStatistic,
  roundEmpirical,
  roundSignificant,
  summarizeSamples,
} from '../../models/fit-distribution.js';
import { createStream } from '../../models/random.js';

function draw(d: Distribution, n: number, seed: number): number[] {
  const u = createStream(seed, 'fit-test');
  return Array.from({ length: n }, () => sampleDistribution(d, u).value);
}

describe('cdfOf() and cdfBelowOf()', () => {
  it('invert quantileOf for continuous distributions', () => {
    const shapes: Distribution[] = [
      { kind: 'lognormal', median: 67, sigma: 0.9 },
      { kind: 'exponential', mean: 2.5 },
      { kind: 'uniform', min: 1, max: 3 },
    ];
    for (const d of shapes) {
      for (const p of [0.01, 0.1, 0.5, 0.9, 0.99]) expect(cdfOf(d, quantileOf(d, p))).toBeCloseTo(p, 6);
    }
  });

  it('put the mass a bound cuts on the bound', () => {
    const d: Distribution = { kind: 'lognormal', median: 67, sigma: 0.9, min: 10, max: 313 };
    expect(cdfBelowOf(d, 10)).toBe(0);
    expect(cdfOf(d, 10)).toBeCloseTo(cdfOf({ kind: 'lognormal', median: 67, sigma: 0.9 }, 10), 12);
    expect(cdfOf(d, 313)).toBe(1);
    expect(cdfBelowOf(d, 313)).toBeLessThan(1);
  });

  it('separate P(X < x) from P(X ≤ x) at an empirical atom', () => {
    const d: Distribution = { kind: 'empirical', points: [[67, 3], [190, 1]] };
    expect(cdfBelowOf(d, 67)).toBe(0);
    expect(cdfOf(d, 67)).toBe(0.75);
    expect(cdfBelowOf(d, 190)).toBe(0.75);
    expect(cdfOf(d, 190)).toBe(1);
  });
});

describe('fitLognormal()', () => {
  it('recovers median and sigma from 20,000 seeded lognormal draws', () => {
    const samples = draw({ kind: 'lognormal', median: 67, sigma: 0.9 }, 20_000, 1);
    const fit = fitLognormal(samples);
    expect(fit.median / 67).toBeGreaterThan(0.98);
    expect(fit.median / 67).toBeLessThan(1.02);
    expect(fit.sigma).toBeCloseTo(0.9, 1);
    expect(Math.abs(fit.sigma - 0.9)).toBeLessThan(0.015);
    expect(ksStatistic(samples, fit)).toBeLessThan(0.015);
  });

  it('gives the exact MLE on a tiny sample', () => {
    const fit = fitLognormal([1, Math.E * Math.E]);
    expect(fit.median).toBeCloseTo(Math.E, 12);
    expect(fit.sigma).toBeCloseTo(1, 12);
  });

  it('rejects a non-positive sample', () => {
    expect(() => fitLognormal([3, 0])).toThrow('Cannot fit a lognormal: sample "0" is not positive');
    expect(() => fitLognormal([])).toThrow('Cannot fit a lognormal: no samples');
  });
});

describe('fitEmpirical()', () => {
  it('keeps every distinct value when there are at most `bins` of them', () => {
    expect(fitEmpirical([1, 1, 2, 9], 4).points).toEqual([[1, 2], [2, 1], [9, 1]]);
  });

  it('keeps the sample mean exactly and approximates the shape by quantile bins', () => {
    const samples = draw({ kind: 'exponential', mean: 4 }, 10_000, 2);
    const fit = fitEmpirical(samples, 25);
    expect(fit.points).toHaveLength(25);
    for (const [, w] of fit.points) expect(w).toBe(400);
    expect(meanOf(fit)).toBeCloseTo(summarizeSamples(samples).mean, 9);
    expect(ksStatistic(samples, fit)).toBeLessThan(0.05);
  });

  it('never splits a run of equal values across bins', () => {
    const samples = [...Array<number>(90).fill(67), 1, 2, 3, 4, 5, 190, 191, 192, 193, 194];
    const fit = fitEmpirical(samples, 5);
    expect(fit.points).toEqual([[3, 5], [67, 90], [190.5, 2], [192.5, 2], [194, 1]]);
  });
});

describe('ksStatistic()', () => {
  it('matches the textbook value for a uniform', () => {
    expect(ksStatistic([1, 2, 3, 4], { kind: 'uniform', min: 0, max: 4 })).toBe(0.25);
  });

  it('is 0 for an exact empirical distribution of the same samples', () => {
    const samples = [5, 5, 7, 9, 9, 9];
    expect(ksStatistic(samples, fitEmpirical(samples, 10))).toBe(0);
  });

  it('is large when the distribution is wrong', () => {
    const samples = draw({ kind: 'lognormal', median: 67, sigma: 0.9 }, 5_000, 3);
    expect(ksStatistic(samples, { kind: 'lognormal', median: 134, sigma: 0.9 })).toBeGreaterThan(0.25);
    expect(ksStatistic(samples, { kind: 'fixed', value: 67 })).toBeGreaterThan(0.45);
  });
});

describe('summaries and rounding', () => {
  it('summarizeSamples() interpolates quantiles like numpy', () => {
    const s = summarizeSamples([4, 1, 3, 2]);
    expect(s).toMatchObject({ count: 4, mean: 2.5, stdDev: Math.sqrt(1.25), min: 1, median: 2.5, max: 4 });
    expect(s.p5).toBeCloseTo(1.15, 12);
    expect(s.p95).toBeCloseTo(3.85, 12);
  });

  it('roundSignificant() and roundEmpirical() round to significant figures and merge collisions', () => {
    expect(roundSignificant(15488.03, 4)).toBe(15490);
    expect(roundSignificant(0.098765, 3)).toBe(0.0988);
    expect(roundEmpirical([[10.04, 1], [10.01, 2], [3.14159, 5]], 3)).toEqual([[3.14, 5], [10, 3]]);
  });

  it('assessFit() reports KS and mean error together', () => {
    const q = assessFit([1, 2, 3, 4], { kind: 'uniform', min: 0, max: 4 });
    expect(q).toEqual({ ks: 0.25, sampleMean: 2.5, fittedMean: 2, meanRelativeError: -0.2 });
  });
});
