/** Seeded hold-out split: the same seed and key always hold out the same rows, independently of other keys. */
import { createStream } from './random.js';

/** Splits `items` into train/test, holding out round(fraction × n) of them (at least 1 when fraction > 0 and n ≥ 2). */
export function splitHoldout<T>(items: readonly T[], fraction: number, seed: number, key: string): { train: T[]; test: T[] } {
  if (fraction <= 0 || items.length < 2) return { train: [...items], test: [] };
  const u = createStream(seed, `holdout/${key}`);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.min(items.length - 1, Math.max(1, Math.round(fraction * items.length)));
  const test = new Set(order.slice(0, nTest));
  return { train: items.filter((_, i) => !test.has(i)), test: items.filter((_, i) => test.has(i)) };
}
