/**
 * Small SVG-writing helpers shared by the charts. Every piece of text goes through {@link escapeXml}, because chart
 * labels carry user-chosen names (GPU, pool, class ids) and a report must show them as text, never as markup.
 */

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * A coordinate with at most one decimal, without a trailing ".0" or a negative zero, so the same data always
 * gives the same bytes and the SVG stays small.
 */
export function formatCoordinate(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Writes one element; attribute values are escaped, `undefined` attributes are left out. */
export function svgElement(name: string, attributes: Readonly<Record<string, string | number | undefined>>, children = ''): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    parts.push(`${key}="${escapeXml(typeof value === 'number' ? formatCoordinate(value) : value)}"`);
  }
  const open = parts.length === 0 ? name : `${name} ${parts.join(' ')}`;
  return children === '' ? `<${open}/>` : `<${open}>${children}</${name}>`;
}

/** A text element whose content is escaped. */
export function svgText(x: number, y: number, text: string, attributes: Readonly<Record<string, string | number | undefined>> = {}): string {
  return svgElement('text', { x, y, ...attributes }, escapeXml(text));
}

/** A path through the points, as `M x y L x y …`. */
export function pathThrough(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${formatCoordinate(x)} ${formatCoordinate(y)}`).join('');
}

/**
 * Series colours: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies; each series
 * also gets its own dash pattern so the charts stay readable printed in black and white.
 */
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;
export const SERIES_DASHES = [undefined, '6 3', '2 3', '8 3 2 3', '1 2', '10 4'] as const;

/** The colour and dash of the i-th series (cycling). */
export function seriesStyle(index: number): { readonly color: string; readonly dash: string | undefined } {
  return { color: SERIES_COLORS[index % SERIES_COLORS.length], dash: SERIES_DASHES[index % SERIES_DASHES.length] };
}

/**
 * Thins a polyline in pixel space so its size is bounded by the chart's width, not by the data: within each
 * pixel column it keeps the first, lowest, highest and last point, so the drawn envelope is unchanged (a
 * 100,000-point series draws the same as the raw one). The data themselves are untouched; only the path is.
 */
export function thinToPixelColumns(points: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number]> {
  if (points.length <= 4) return [...points];
  const out: Array<readonly [number, number]> = [];
  let column = Number.NaN;
  let bucket: Array<readonly [number, number]> = [];
  const flush = (): void => {
    if (bucket.length === 0) return;
    let low = bucket[0];
    let high = bucket[0];
    for (const p of bucket) {
      if (p[1] < low[1]) low = p;
      if (p[1] > high[1]) high = p;
    }
    const keep = new Set([bucket[0], low, high, bucket[bucket.length - 1]]);
    for (const p of bucket) if (keep.has(p)) out.push(p);
    bucket = [];
  };
  for (const p of points) {
    const c = Math.round(p[0]);
    if (c !== column) {
      flush();
      column = c;
    }
    bucket.push(p);
  }
  flush();
  return out;
}
