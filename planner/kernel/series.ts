/**
 * A bounded time series for reports: samples are averaged into equal-width time bins, and when the bins outnumber
 * 2 × `maxPoints` adjacent pairs merge (the width doubles), so memory stays O(maxPoints) however long the run, and
 * the result is the same whatever the run length was when a merge happened (merging is exact on sums and counts).
 */

export interface TimeSeries {
  readonly maxPoints: number;
  /** Width of one bin, seconds. */
  binSeconds: number;
  readonly originSeconds: number;
  sums: number[];
  counts: number[];
}

/** A series starting at `originSeconds` with first bins of `binSeconds` (the sampling period is a good choice). */
export function createSeries(originSeconds: number, binSeconds: number, maxPoints = 200): TimeSeries {
  if (!(binSeconds > 0)) throw new RangeError(`binSeconds must be > 0, received ${binSeconds}`);
  return { maxPoints, binSeconds, originSeconds, sums: [], counts: [] };
}

function halve(s: TimeSeries): void {
  const sums: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < s.sums.length; i += 2) {
    sums.push(s.sums[i] + (s.sums[i + 1] ?? 0));
    counts.push(s.counts[i] + (s.counts[i + 1] ?? 0));
  }
  s.sums = sums;
  s.counts = counts;
  s.binSeconds *= 2;
}

/** Adds one sample at `timeSeconds` (≥ origin; earlier ones are ignored). */
export function addSample(s: TimeSeries, timeSeconds: number, value: number): void {
  if (timeSeconds < s.originSeconds) return;
  let bin = Math.floor((timeSeconds - s.originSeconds) / s.binSeconds);
  while (bin >= 2 * s.maxPoints) {
    halve(s);
    bin = Math.floor((timeSeconds - s.originSeconds) / s.binSeconds);
  }
  while (s.sums.length <= bin) {
    s.sums.push(0);
    s.counts.push(0);
  }
  s.sums[bin] += value;
  s.counts[bin]++;
}

/** Bin start times and bin means, empty bins left out (`round` keeps the JSON stable). */
export function readSeries(s: TimeSeries, round: (x: number) => number): { t_s: number[]; values: number[] } {
  const t: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < s.sums.length; i++) {
    if (s.counts[i] === 0) continue;
    t.push(round(s.originSeconds + i * s.binSeconds));
    values.push(round(s.sums[i] / s.counts[i]));
  }
  return { t_s: t, values };
}
