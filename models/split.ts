/** Seeded hold-out split: the same seed and key always hold out the same rows, independently of other keys. */
import { createStream } from './random.js';

function shuffledIndices(n: number, seed: number, key: string): number[] {
  const u = createStream(seed, `holdout/${key}`);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function testCount(n: number, fraction: number): number {
  return Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
}

/** Splits `items` into train/test, holding out round(fraction × n) of them (at least 1 when fraction > 0 and n ≥ 2). */
export function splitHoldout<T>(items: readonly T[], fraction: number, seed: number, key: string): { train: T[]; test: T[] } {
  if (fraction <= 0 || items.length < 2) return { train: [...items], test: [] };
  const test = new Set(shuffledIndices(items.length, seed, key).slice(0, testCount(items.length, fraction)));
  return { train: items.filter((_, i) => !test.has(i)), test: items.filter((_, i) => test.has(i)) };
}

/**
 * Like `splitHoldout`, but the training set always keeps the smallest and the largest value of every extent
 * (`extent(item)` lists the design variables: batch, tokens, …): a row that is the last one at a group's end point
 * is skipped and the next shuffled row is held out instead. The held-out error then measures interpolation inside
 * the measured range — what a model fitted on a profile is used for — instead of extrapolating beyond a sweep's end
 * (with ~4 held-out rows of a ~19-row one-factor-at-a-time sweep, a random split removes a sweep's end point in most
 * seeds). Holds out the same number of rows as `splitHoldout` when enough interior rows exist, fewer otherwise.
 */
export function splitHoldoutInterior<T>(items: readonly T[], fraction: number, seed: number, key: string, extent: (item: T) => readonly number[]): { train: T[]; test: T[] } {
  if (fraction <= 0 || items.length < 2) return { train: [...items], test: [] };
  const values = items.map(extent);
  const dims = values[0].length;
  const lo = Array.from({ length: dims }, (_, j) => Math.min(...values.map((v) => v[j])));
  const hi = Array.from({ length: dims }, (_, j) => Math.max(...values.map((v) => v[j])));
  const test = new Set<number>();
  const othersKeep = (i: number, j: number, end: number) => values.some((v, k) => k !== i && !test.has(k) && v[j] === end);
  const nTest = testCount(items.length, fraction);
  for (const i of shuffledIndices(items.length, seed, key)) {
    if (test.size >= nTest) break;
    const keepsEnds = values[i].every((x, j) => (x !== lo[j] || othersKeep(i, j, lo[j])) && (x !== hi[j] || othersKeep(i, j, hi[j])));
    if (keepsEnds) test.add(i);
  }
  return { train: items.filter((_, i) => !test.has(i)), test: items.filter((_, i) => test.has(i)) };
}
