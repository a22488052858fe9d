/**
 * Linear scales and "nice" axis ticks (1, 2, 2.5, 5 × 10^k steps), so axes read 0, 0.5, 1, 1.5 rather than
 * 0, 0.4871, 0.9742.
 */

/** A function from a data value to a pixel position, with the domain it covers. */
export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
}

/**
 * Maps a positive `domain` onto `range` by log10, for distributions spanning orders of magnitude (one policy's
 * TTFET at 2 s, another's at 600 s). Non-positive values map to the start of the range.
 */
export function createLogScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const l0 = Math.log10(domain[0]);
  const l1 = Math.log10(domain[1]);
  const [r0, r1] = range;
  const scale = ((value: number) => (value <= 0 ? r0 : l1 === l0 ? (r0 + r1) / 2 : r0 + ((Math.log10(value) - l0) / (l1 - l0)) * (r1 - r0))) as LinearScale;
  Object.defineProperty(scale, 'domain', { value: [domain[0], domain[1]] });
  return scale;
}

/**
 * Ticks for a log axis over positive [min, max]: whole decades, plus 2× and 5× when fewer than three decades
 * are spanned.
 *
 * @example createLogTicks(1.2, 600) // { domain: [1, 1000], ticks: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }
 */
export function createLogTicks(min: number, max: number): { readonly domain: readonly [number, number]; readonly ticks: readonly number[] } {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
  const ticks: number[] = [];
  const dense = hi - lo < 4;
  for (let e = lo; e <= hi; e++) {
    for (const m of dense && e < hi ? [1, 2, 5] : [1]) ticks.push(Number((m * 10 ** e).toPrecision(12)));
  }
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/** Maps `domain` linearly onto `range`; a zero-width domain maps everything to the middle of the range. */
export function createLinearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const width = d1 - d0;
  const scale = ((value: number) => (width === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / width) * (r1 - r0))) as LinearScale;
  Object.defineProperty(scale, 'domain', { value: [d0, d1] });
  return scale;
}

/** The step between ticks: the nice number nearest to span / count. */
export function chooseTickStep(span: number, count: number): number {
  if (!(span > 0) || !(count > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction < 1.5 ? 1 : fraction < 2.25 ? 2 : fraction < 3.5 ? 2.5 : fraction < 7.5 ? 5 : 10;
  return nice * power;
}

/**
 * Widens [min, max] outward to whole tick steps and lists the ticks. A single value gets a domain around it.
 *
 * @example createNiceTicks(0.13, 9.7, 5) // { domain: [0, 10], ticks: [0, 2, 4, 6, 8, 10] }
 */
export function createNiceTicks(min: number, max: number, count: number): { readonly domain: readonly [number, number]; readonly ticks: readonly number[] } {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : 1;
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = chooseTickStep(hi - lo, count);
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; start + i * step <= end + step * 1e-9; i++) {
    // Rounding to the step's decimals removes float noise such as 0.30000000000000004 from tick labels.
    const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
    ticks.push(Number((start + i * step).toFixed(decimals)));
  }
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/** The smallest and largest finite values, or [0, 1] when there are none. */
export function findExtent(values: Iterable<number>): readonly [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}
