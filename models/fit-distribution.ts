/**
 * Fitting the one distribution syntax (DESIGN.md, Inputs) to samples from a trace, and judging the fit: a lognormal
 * by maximum likelihood, an empirical distribution by quantile binning, and the Kolmogorov–Smirnov distance of any
 * distribution from the samples. The catalog's mixes state these figures next to every fitted parameter.
 */
import type { Distribution } from '../catalogs/types.js';
import { cdfBelowOf, cdfOf, meanOf } from './distribution.js';

/** Location and spread of a sample, as a mix's `sources` line quotes them. */
export interface SampleSummary {
  readonly count: number;
  readonly mean: number;
  /** Population standard deviation. */
  readonly stdDev: number;
  readonly min: number;
  readonly p5: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

function requireSamples(samples: readonly number[], what: string): void {
  if (samples.length === 0) throw new RangeError(`Cannot ${what}: no samples`);
  for (const x of samples) {
    if (!Number.isFinite(x)) throw new RangeError(`Cannot ${what}: sample "${x}" is not a finite number`);
  }
}

/** Quantile of sorted values by linear interpolation between order statistics (type 7, as numpy and R default). */
function sortedQuantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Count, mean, spread and quantiles of `samples`.
 * @example summarizeSamples([1, 2, 3, 4]).median // 2.5
 */
export function summarizeSamples(samples: readonly number[]): SampleSummary {
  requireSamples(samples, 'summarize samples');
  const sorted = [...samples].sort((a, b) => a - b);
  let sum = 0;
  for (const x of sorted) sum += x;
  const mean = sum / sorted.length;
  let squares = 0;
  for (const x of sorted) squares += (x - mean) * (x - mean);
  return {
    count: sorted.length,
    mean,
    stdDev: Math.sqrt(squares / sorted.length),
    min: sorted[0],
    p5: sortedQuantile(sorted, 0.05),
    median: sortedQuantile(sorted, 0.5),
    p95: sortedQuantile(sorted, 0.95),
    max: sorted[sorted.length - 1],
  };
}

/**
 * Maximum-likelihood lognormal: median = exp(mean of logs), sigma = population standard deviation of logs.
 * Samples must be > 0 (filter zeros first and say how many were dropped).
 * @example fitLognormal([1, Math.E * Math.E]) // { kind: 'lognormal', median: Math.E, sigma: 1 }
 */
export function fitLognormal(samples: readonly number[]): Distribution & { kind: 'lognormal' } {
  requireSamples(samples, 'fit a lognormal');
  let sum = 0;
  for (const x of samples) {
    if (x <= 0) throw new RangeError(`Cannot fit a lognormal: sample "${x}" is not positive`);
    sum += Math.log(x);
  }
  const mu = sum / samples.length;
  let squares = 0;
  for (const x of samples) squares += (Math.log(x) - mu) ** 2;
  return { kind: 'lognormal', median: Math.exp(mu), sigma: Math.sqrt(squares / samples.length) };
}

/** [value, count] for each distinct value of sorted samples. */
function countDistinct(sorted: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const x of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0] === x) last[1]++;
    else out.push([x, 1]);
  }
  return out;
}

/**
 * An empirical distribution of at most `bins` points by quantile binning: sorted samples are cut into groups of
 * (nearly) equal count, never splitting a run of equal values (a cut inside a run moves to the run's nearer end),
 * and each group becomes one point at its mean with
 * its count as weight — so the distribution's mean equals the sample mean exactly. With at most `bins` distinct
 * values the result is exact: one point per value.
 * @example fitEmpirical([1, 1, 2, 9], 4).points // [[1, 2], [2, 1], [9, 1]]
 */
export function fitEmpirical(samples: readonly number[], bins: number): Distribution & { kind: 'empirical' } {
  requireSamples(samples, 'fit an empirical distribution');
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`Cannot fit an empirical distribution: bins "${bins}" is not a positive integer`);
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const points: Array<[number, number]> = [];
  const distinct = countDistinct(sorted);
  if (distinct.length <= bins) return { kind: 'empirical', points: distinct };
  let start = 0;
  for (let b = 1; b <= bins && start < n; b++) {
    // Each bin aims at an equal share of what is left, so an early long run does not starve later bins.
    let end = b === bins ? n : Math.max(start + 1, start + Math.round((n - start) / (bins - b + 1)));
    if (end < n && sorted[end] === sorted[end - 1]) {
      // The cut falls inside a run of equal values: cut at the nearer end of the run, never through it.
      let runStart = end - 1;
      while (runStart > start && sorted[runStart - 1] === sorted[end]) runStart--;
      let runEnd = end;
      while (runEnd < n && sorted[runEnd] === sorted[end]) runEnd++;
      end = runStart > start && end - runStart <= runEnd - end ? runStart : runEnd;
    }
    let sum = 0;
    for (let i = start; i < end; i++) sum += sorted[i];
    points.push([sum / (end - start), end - start]);
    start = end;
  }
  return { kind: 'empirical', points };
}

/**
 * `x` rounded to `digits` significant figures (how the catalog prints fitted numbers).
 * @example roundSignificant(15488.03, 4) // 15490
 */
export function roundSignificant(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const scale = 10 ** (digits - Math.ceil(Math.log10(Math.abs(x))));
  return Math.round(x * scale) / scale;
}

/**
 * Rounds an empirical distribution's values to `digits` significant figures and merges points that become equal,
 * summing their weights; points come out sorted by value.
 */
export function roundEmpirical(
  points: ReadonlyArray<readonly [number, number]>,
  digits: number,
): Array<[value: number, weight: number]> {
  const merged = new Map<number, number>();
  for (const [v, w] of points) {
    const r = roundSignificant(v, digits);
    merged.set(r, (merged.get(r) ?? 0) + w);
  }
  return [...merged.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Kolmogorov–Smirnov distance sup |F_n(x) − F(x)| between the samples' ECDF and the bounded distribution `d`,
 * exact also where `d` has atoms (empirical, fixed, or bounds): both one-sided limits are compared at every
 * distinct sample value.
 * @example ksStatistic([1, 2, 3, 4], { kind: 'uniform', min: 0, max: 4 }) // 0.25
 */
export function ksStatistic(samples: readonly number[], d: Distribution): number {
  requireSamples(samples, 'compute a KS statistic');
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  let worst = 0;
  let i = 0;
  while (i < n) {
    const x = sorted[i];
    let j = i;
    while (j < n && sorted[j] === x) j++;
    const before = i / n;
    const after = j / n;
    worst = Math.max(worst, Math.abs(before - cdfBelowOf(d, x)), Math.abs(after - cdfOf(d, x)));
    i = j;
  }
  return worst;
}

/** How well `d` describes `samples`: KS distance and the relative error of its mean (meanOf) against the sample mean. */
export interface FitQuality {
  readonly ks: number;
  readonly sampleMean: number;
  readonly fittedMean: number;
  /** (fittedMean − sampleMean) / sampleMean. */
  readonly meanRelativeError: number;
}

/** KS distance and mean error of a fitted distribution, as quoted in a mix's `sources`. */
export function assessFit(samples: readonly number[], d: Distribution): FitQuality {
  const sampleMean = summarizeSamples(samples).mean;
  const fittedMean = meanOf(d);
  return { ks: ksStatistic(samples, d), sampleMean, fittedMean, meanRelativeError: (fittedMean - sampleMean) / sampleMean };
}
