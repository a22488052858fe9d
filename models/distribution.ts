/**
 * The one distribution syntax (DESIGN.md, Inputs): sampling, means and quantiles. Bounds (`min`/`max`) clamp a
 * sample and the clamp is reported to the caller, which counts it: data is never cut silently.
 */
import type { Distribution } from '../catalogs/types.js';
import { sampleExponential, sampleStandardNormal, type Uniform01 } from './random.js';

export interface BoundedSample {
  readonly value: number;
  /** Which bound cut the raw draw, if any. */
  readonly cut: 'min' | 'max' | null;
}

/** A draw before bounds are applied. */
export function sampleUnbounded(d: Distribution, u: Uniform01): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return d.min + (d.max - d.min) * u();
    case 'exponential':
      return sampleExponential(u, d.mean);
    case 'lognormal':
      return d.median * Math.exp(d.sigma * sampleStandardNormal(u));
    case 'empirical':
      return empiricalQuantile(d.points, u());
  }
}

/** A draw with the distribution's bounds applied; `cut` says whether one applied. */
export function sampleDistribution(d: Distribution, u: Uniform01): BoundedSample {
  const raw = sampleUnbounded(d, u);
  if (d.min !== undefined && raw < d.min) return { value: d.min, cut: 'min' };
  if (d.max !== undefined && raw > d.max) return { value: d.max, cut: 'max' };
  return { value: raw, cut: null };
}

function totalWeight(points: ReadonlyArray<readonly [number, number]>): number {
  let total = 0;
  for (const [, w] of points) total += w;
  return total;
}

/** Inverse CDF of a discrete empirical distribution (points need not be sorted). */
function empiricalQuantile(points: ReadonlyArray<readonly [number, number]>, p: number): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const target = p * totalWeight(sorted);
  let acc = 0;
  for (const [value, weight] of sorted) {
    acc += weight;
    if (target < acc) return value;
  }
  return sorted[sorted.length - 1][0];
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function standardNormalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Quantile (inverse CDF) at `p` ∈ [0, 1], bounds applied. */
export function quantileOf(d: Distribution, p: number): number {
  let raw: number;
  switch (d.kind) {
    case 'fixed':
      raw = d.value;
      break;
    case 'uniform':
      raw = d.min + (d.max - d.min) * p;
      break;
    case 'exponential':
      raw = p >= 1 ? Infinity : -d.mean * Math.log(1 - p);
      break;
    case 'lognormal':
      raw = d.median * Math.exp(d.sigma * standardNormalQuantile(p));
      break;
    case 'empirical':
      raw = empiricalQuantile(d.points, Math.min(p, 1 - 1e-12));
      break;
  }
  if (d.min !== undefined && raw < d.min) return d.min;
  if (d.max !== undefined && raw > d.max) return d.max;
  return raw;
}

function unboundedMean(d: Distribution): number {
  switch (d.kind) {
    case 'fixed':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'lognormal':
      return d.median * Math.exp((d.sigma * d.sigma) / 2);
    case 'empirical': {
      let sum = 0;
      for (const [v, w] of d.points) sum += v * w;
      return sum / totalWeight(d.points);
    }
  }
}

/** The mean of the bounded distribution: exact without bounds, else the midpoint rule over 4096 quantiles. */
export function meanOf(d: Distribution): number {
  if (d.min === undefined && d.max === undefined) return unboundedMean(d);
  const n = 4096;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += quantileOf(d, (i + 0.5) / n);
  return sum / n;
}

/** E[X²] of the bounded distribution (for queueing bounds such as Pollaczek–Khinchine). */
export function secondMomentOf(d: Distribution): number {
  if (d.kind === 'fixed' && d.min === undefined && d.max === undefined) return d.value * d.value;
  const n = 4096;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = quantileOf(d, (i + 0.5) / n);
    sum += x * x;
  }
  return sum / n;
}

/** The standard normal CDF Φ(z) via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7). */
export function standardNormalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const poly =
    -x * x - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfcAbs = t * Math.exp(poly);
  return 0.5 * (x >= 0 ? erfcAbs : 2 - erfcAbs);
}

/** P(X ≤ x) before bounds; `strict` gives P(X < x) (differs only at an atom). */
function unboundedCdf(d: Distribution, x: number, strict: boolean): number {
  switch (d.kind) {
    case 'fixed':
      return strict ? (x > d.value ? 1 : 0) : x >= d.value ? 1 : 0;
    case 'uniform':
      if (d.max === d.min) return strict ? (x > d.min ? 1 : 0) : x >= d.min ? 1 : 0;
      return Math.min(1, Math.max(0, (x - d.min) / (d.max - d.min)));
    case 'exponential':
      return x <= 0 ? 0 : 1 - Math.exp(-x / d.mean);
    case 'lognormal':
      if (x <= 0) return 0;
      if (d.sigma === 0) return strict ? (x > d.median ? 1 : 0) : x >= d.median ? 1 : 0;
      return standardNormalCdf(Math.log(x / d.median) / d.sigma);
    case 'empirical': {
      let below = 0;
      for (const [v, w] of d.points) if (strict ? v < x : v <= x) below += w;
      return below / totalWeight(d.points);
    }
  }
}

/**
 * P(X ≤ x) of the bounded distribution: a bound puts the cut-off mass on the bound itself, as sampling does.
 * @example cdfOf({ kind: 'exponential', mean: 1 }, Math.LN2) // 0.5
 */
export function cdfOf(d: Distribution, x: number): number {
  if (d.min !== undefined && x < d.min) return 0;
  if (d.max !== undefined && x >= d.max) return 1;
  return unboundedCdf(d, x, false);
}

/** P(X < x) of the bounded distribution (the left limit of `cdfOf`, needed where the distribution has atoms). */
export function cdfBelowOf(d: Distribution, x: number): number {
  if (d.min !== undefined && x <= d.min) return 0;
  if (d.max !== undefined && x > d.max) return 1;
  return unboundedCdf(d, x, true);
}
