/**
 * A mergeable log-bucket histogram (DDSketch-like) with a fixed bucket ratio of 1.02: every positive value lands in
 * bucket ⌊log(v)/log(1.02)⌋ and is represented by the bucket's geometric midpoint, so a quantile's relative error is
 * at most √1.02 − 1 ≈ 0.995 %. Count, sum, min and max are exact. Buckets are dense over [1e-12, 1e12] so two
 * histograms merge by adding arrays; values outside are kept exactly in min/max and counted in the edge buckets.
 *
 * A histogram created with `{ exact: true }` also keeps its sample (value, weight) while it holds at most
 * EXACT_SAMPLE_LIMIT entries, and then answers quantiles exactly (weighted nearest rank: the smallest value whose
 * cumulative weight reaches q·count, the rule the buckets follow). Bucket midpoints are ~2% apart, so a p95 read
 * off buckets moves in 2% steps across seeds (issue 13: 203.8 → 207.8 → 212.0 → 216.2 s) and hides small policy
 * differences; the kernel's per-conversation metrics (TTFET, TTFT, end-to-end and slowdowns) are exact this way.
 * Past the limit, or after a bulk arithmetic add (the kernel's macro-step TBT samples), the sample is dropped and the
 * buckets' ≤ 1% promise applies.
 */

const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
const MIN_INDEX = Math.floor(Math.log(1e-12) / LOG_GAMMA);
const MAX_INDEX = Math.ceil(Math.log(1e12) / LOG_GAMMA);
const NUM_BUCKETS = MAX_INDEX - MIN_INDEX + 1;
/** Sample entries kept for exact quantiles (two float64 each: 16 MB at most per histogram). */
export const EXACT_SAMPLE_LIMIT = 1 << 20;

/** The six statistics of the JSON contract. */
export interface Summary {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface Histogram {
  /** Bucket counts (weights), index i ↔ bucket MIN_INDEX + i; zeros and negatives go to `zeroCount`. */
  readonly buckets: Float64Array;
  zeroCount: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** The sample itself while it is kept (exact quantiles), else null. */
  exact: ExactSample | null;
}

interface ExactSample {
  values: number[];
  weights: number[];
  /** Whether values are in ascending order (sorted lazily by the first quantile after an add). */
  sorted: boolean;
  /** Whether every weight is 1 (the kernel's per-conversation metrics): then the values sort on their own. */
  unitWeights: boolean;
}

/** An empty histogram; `exact` keeps the sample for exact quantiles while it fits (see above). */
export function createHistogram(options: { readonly exact?: boolean } = {}): Histogram {
  return { buckets: new Float64Array(NUM_BUCKETS), zeroCount: 0, count: 0, sum: 0, min: Infinity, max: -Infinity, exact: options.exact ? { values: [], weights: [], sorted: true, unitWeights: true } : null };
}

/** Whether quantiles of `h` are exact (its whole sample is kept). */
export function isExact(h: Histogram): boolean {
  return h.exact !== null;
}

function keep(h: Histogram, value: number, weight: number): void {
  const e = h.exact;
  if (e === null) return;
  if (e.values.length >= EXACT_SAMPLE_LIMIT) {
    h.exact = null;
    return;
  }
  if (e.sorted && e.values.length > 0 && value < e.values[e.values.length - 1]) e.sorted = false;
  if (weight !== 1) e.unitWeights = false;
  e.values.push(value);
  e.weights.push(weight);
}

function bucketOf(value: number): number {
  const i = Math.floor(Math.log(value) / LOG_GAMMA) - MIN_INDEX;
  return i < 0 ? 0 : i >= NUM_BUCKETS ? NUM_BUCKETS - 1 : i;
}

/** Adds `value` with a weight (default 1). */
export function addValue(h: Histogram, value: number, weight = 1): void {
  if (weight <= 0) return;
  keep(h, value, weight);
  if (value > 0) h.buckets[bucketOf(value)] += weight;
  else h.zeroCount += weight;
  h.count += weight;
  h.sum += value * weight;
  if (value < h.min) h.min = value;
  if (value > h.max) h.max = value;
}

/**
 * Adds the arithmetic series first, first + delta, …, first + (n − 1)·delta, each `multiplicity` times, in time
 * proportional to the number of buckets it spans rather than n (the kernel's bulk TBT samples).
 * Requires delta ≥ 0 and first > 0.
 */
export function addArithmetic(h: Histogram, first: number, delta: number, n: number, multiplicity = 1): void {
  if (n <= 0 || multiplicity <= 0) return;
  if (n === 1 || delta === 0) {
    addValue(h, first, n * multiplicity);
    return;
  }
  // A bulk series is what keeps macro-steps fast: it is not expanded into the sample.
  h.exact = null;
  if (!(first > 0) || delta < 0) throw new RangeError(`addArithmetic needs first > 0 and delta ≥ 0, received ${first}, ${delta}`);
  const last = first + (n - 1) * delta;
  let k = 0;
  let bucket = bucketOf(first);
  const lastBucket = bucketOf(last);
  while (k < n) {
    let kEnd: number;
    if (bucket >= lastBucket) kEnd = n;
    else {
      const upper = Math.exp((bucket + MIN_INDEX + 1) * LOG_GAMMA);
      kEnd = Math.min(n, Math.max(k + 1, Math.ceil((upper - first) / delta)));
      // Rounding can put the boundary one term off: re-check against the bucket function itself.
      while (kEnd > k + 1 && bucketOf(first + (kEnd - 1) * delta) > bucket) kEnd--;
      while (kEnd < n && bucketOf(first + kEnd * delta) <= bucket) kEnd++;
    }
    h.buckets[bucket] += (kEnd - k) * multiplicity;
    k = kEnd;
    if (k < n) bucket = bucketOf(first + k * delta);
  }
  h.count += n * multiplicity;
  h.sum += (n * first + (delta * n * (n - 1)) / 2) * multiplicity;
  if (first < h.min) h.min = first;
  if (last > h.max) h.max = last;
}

/** Adds `other` into `into` (histograms are mergeable). */
export function mergeHistogram(into: Histogram, other: Histogram): void {
  for (let i = 0; i < NUM_BUCKETS; i++) into.buckets[i] += other.buckets[i];
  if (into.exact !== null && other.exact !== null && into.exact.values.length + other.exact.values.length <= EXACT_SAMPLE_LIMIT) {
    for (let i = 0; i < other.exact.values.length; i++) keep(into, other.exact.values[i], other.exact.weights[i]);
  } else into.exact = null;
  into.zeroCount += other.zeroCount;
  into.count += other.count;
  into.sum += other.sum;
  if (other.min < into.min) into.min = other.min;
  if (other.max > into.max) into.max = other.max;
}

/** The value at quantile q ∈ [0, 1]; NaN when empty. Exact at q = 0 and q = 1. */
export function quantile(h: Histogram, q: number): number {
  if (h.count === 0) return NaN;
  if (q <= 0) return h.min;
  if (q >= 1) return h.max;
  const rank = q * h.count;
  if (h.exact !== null) return exactQuantile(h.exact, rank);
  let acc = h.zeroCount;
  if (rank <= acc) return Math.max(h.min, Math.min(0, h.max));
  for (let i = 0; i < NUM_BUCKETS; i++) {
    acc += h.buckets[i];
    if (rank <= acc && h.buckets[i] > 0) {
      const mid = Math.exp((i + MIN_INDEX + 0.5) * LOG_GAMMA);
      return Math.min(h.max, Math.max(h.min, mid));
    }
  }
  return h.max;
}

/**
 * The sample's values in ascending order as a typed-array sort gives them (native, no comparator: the kernel's 45,000
 * TTFT values sort ~20× faster), or null where it could differ from the stable comparator sort below: NaN (the
 * comparator leaves it where it was) or a zero (−0 and +0 compare equal there, not here). With unit weights, equal
 * values are interchangeable, so the quantiles are the same bit for bit.
 */
function sortedUnitValues(e: ExactSample): number[] | null {
  if (!e.unitWeights) return null;
  const values = new Float64Array(e.values);
  for (let i = 0; i < values.length; i++) if (values[i] === 0 || Number.isNaN(values[i])) return null;
  values.sort();
  const out = e.values;
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

function exactQuantile(e: ExactSample, rank: number): number {
  const fast = e.sorted ? null : sortedUnitValues(e);
  if (fast !== null) {
    e.values = fast;
    e.sorted = true;
  }
  if (!e.sorted) {
    const order = e.values.map((_, i) => i).sort((a, b) => e.values[a] - e.values[b] || a - b);
    e.values = order.map((i) => e.values[i]);
    e.weights = order.map((i) => e.weights[i]);
    e.sorted = true;
  }
  let acc = 0;
  for (let i = 0; i < e.values.length; i++) {
    acc += e.weights[i];
    if (rank <= acc) return e.values[i];
  }
  return e.values[e.values.length - 1];
}

/** mean/p50/p90/p95/p99/max, each multiplied by `scale` (1000 turns seconds into ms); zeros when empty. */
export function summarize(h: Histogram, scale = 1): Summary {
  if (h.count === 0) return { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
  return {
    mean: (h.sum / h.count) * scale,
    p50: quantile(h, 0.5) * scale,
    p90: quantile(h, 0.9) * scale,
    p95: quantile(h, 0.95) * scale,
    p99: quantile(h, 0.99) * scale,
    max: h.max * scale,
  };
}
