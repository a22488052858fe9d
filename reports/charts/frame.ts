/**
 * The frame every x/y chart shares: the SVG root with its accessible title, gridlines, ticks, axis labels with
 * units, and a legend that wraps onto as many rows as the series names need.
 */
import { formatNumber, formatShare } from '../format.js';
import { createLinearScale, createLogScale, createLogTicks, createNiceTicks, type LinearScale } from './scale.js';
import { escapeXml, formatCoordinate, seriesStyle, svgElement, svgText } from './svg.js';

export const CHART_WIDTH = 640;
const PLOT_HEIGHT = 240;
const MARGIN = { left: 64, right: 28, top: 14, bottom: 46 } as const;
const LEGEND_ROW = 18;
/** Generous glyph width (12 px font, up to 15 px on phones), for laying out the legend without measuring text. */
const CHAR_WIDTH = 8.2;

export interface FrameOptions {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly xExtent: readonly [number, number];
  readonly yExtent: readonly [number, number];
  readonly xAsShare?: boolean;
  readonly yAsShare?: boolean;
  /** Series names shown in the legend; none for a single unnamed series. */
  readonly legend: readonly string[];
  /** Draw the legend entries as markers (scatter) instead of lines. */
  readonly legendMarkers?: boolean;
  /** Category names along x (bars): the x domain becomes [0, n] with one slot per category. */
  readonly xCategories?: readonly string[];
  /** A log10 x axis; the x extent must be positive. */
  readonly xLog?: boolean;
}

export interface Frame {
  readonly x: LinearScale;
  readonly y: LinearScale;
  readonly plot: { readonly left: number; readonly top: number; readonly right: number; readonly bottom: number };
  /** Wraps the chart body (drawn by the caller) into the finished SVG. */
  readonly finish: (body: string) => string;
}

/** Tick labels stay short so they never run past the plot: 1,250,000 → "1.25M", 950,000 → "950k". */
export function formatTick(value: number, asShare?: boolean): string {
  if (asShare) return formatShare(value, 0);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e9) return `${formatNumber(value / 1e9)}G`;
  if (magnitude >= 1e6) return `${formatNumber(value / 1e6)}M`;
  if (magnitude >= 1e4) return `${formatNumber(value / 1e3)}k`;
  return formatNumber(value);
}

interface LegendItem {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly index: number;
}

/** Places legend entries left to right, wrapping to a new row when the next would overflow the plot width. */
function layoutLegend(names: readonly string[], left: number, top: number, width: number): { readonly items: readonly LegendItem[]; readonly height: number } {
  let x = left;
  let row = 0;
  const items: LegendItem[] = [];
  names.forEach((name, index) => {
    const itemWidth = 30 + name.length * CHAR_WIDTH + 16;
    if (x + itemWidth > left + width && x > left) {
      row += 1;
      x = left;
    }
    items.push({ name, x, y: top + row * LEGEND_ROW, index });
    x += itemWidth;
  });
  return { items, height: names.length === 0 ? 0 : (row + 1) * LEGEND_ROW + 6 };
}

/** Category labels centred under their slots; turned 20° when they would collide. */
function drawCategoryLabels(categories: readonly string[], x: LinearScale, bottom: number, width: number): string {
  const longest = Math.max(0, ...categories.map((c) => c.length));
  const slanted = longest * CHAR_WIDTH > width / Math.max(1, categories.length) - 6;
  return categories
    .map((name, i) => {
      const px = x(i + 0.5);
      return slanted
        ? svgText(0, 0, name, { 'text-anchor': 'end', class: 'tick', transform: `translate(${formatCoordinate(px)} ${formatCoordinate(bottom + 14)}) rotate(-20)` })
        : svgText(px, bottom + 18, name, { 'text-anchor': 'middle', class: 'tick' });
    })
    .join('');
}

/** Lays out the frame for the given data extents and returns scales into the plot area. */
export function createFrame(options: FrameOptions): Frame {
  const categories = options.xCategories;
  const xt = categories
    ? { domain: [0, Math.max(1, categories.length)] as const, ticks: [] }
    : options.xLog
      ? createLogTicks(options.xExtent[0], options.xExtent[1])
      : createNiceTicks(options.xExtent[0], options.xExtent[1], 6);
  const yt = createNiceTicks(options.yExtent[0], options.yExtent[1], 5);
  const plot = { left: MARGIN.left, top: MARGIN.top, right: CHART_WIDTH - MARGIN.right, bottom: MARGIN.top + PLOT_HEIGHT };
  const x = options.xLog ? createLogScale(xt.domain, [plot.left, plot.right]) : createLinearScale(xt.domain, [plot.left, plot.right]);
  const y = createLinearScale(yt.domain, [plot.bottom, plot.top]);
  const legendTop = plot.bottom + MARGIN.bottom + 8;
  const legend = layoutLegend(options.legend, plot.left, legendTop, plot.right - plot.left);
  const height = legendTop + legend.height;

  const grid: string[] = [];
  for (const t of yt.ticks) {
    const py = y(t);
    grid.push(svgElement('line', { x1: plot.left, x2: plot.right, y1: py, y2: py, class: 'grid' }));
    grid.push(svgText(plot.left - 6, py + 4, formatTick(t, options.yAsShare), { 'text-anchor': 'end', class: 'tick' }));
  }
  for (const t of xt.ticks) {
    const px = x(t);
    grid.push(svgElement('line', { x1: px, x2: px, y1: plot.bottom, y2: plot.bottom + 5, class: 'axis' }));
    grid.push(svgText(px, plot.bottom + 18, formatTick(t, options.xAsShare), { 'text-anchor': 'middle', class: 'tick' }));
  }
  if (categories) grid.push(drawCategoryLabels(categories, x, plot.bottom, plot.right - plot.left));
  grid.push(svgElement('line', { x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom, class: 'axis' }));
  grid.push(svgElement('line', { x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom, class: 'axis' }));
  grid.push(svgText((plot.left + plot.right) / 2, plot.bottom + 38, options.xLabel, { 'text-anchor': 'middle', class: 'axis-label' }));
  const midY = (plot.top + plot.bottom) / 2;
  grid.push(svgText(0, 0, options.yLabel, { 'text-anchor': 'middle', class: 'axis-label', transform: `translate(16 ${midY}) rotate(-90)` }));

  const legendItems = legend.items.map((item) => {
    const style = seriesStyle(item.index);
    const mark = options.legendMarkers
      ? svgElement('circle', { cx: item.x + 12, cy: item.y - 4, r: 4, fill: style.color })
      : svgElement('line', { x1: item.x, x2: item.x + 24, y1: item.y - 4, y2: item.y - 4, stroke: style.color, 'stroke-width': 2.5, 'stroke-dasharray': style.dash });
    return mark + svgText(item.x + 30, item.y, item.name, { class: 'legend' });
  });

  const finish = (body: string): string => {
    const titleId = `chart-${options.id}-title`;
    const descId = `chart-${options.id}-desc`;
    return svgElement(
      'svg',
      {
        xmlns: 'http://www.w3.org/2000/svg',
        viewBox: `0 0 ${CHART_WIDTH} ${Math.round(height)}`,
        class: 'chart',
        id: `chart-${options.id}`,
        'data-chart-type': options.type,
        role: 'img',
        'aria-labelledby': `${titleId} ${descId}`,
      },
      `<title id="${escapeXml(titleId)}">${escapeXml(options.title)}</title><desc id="${escapeXml(descId)}">${escapeXml(options.description)}</desc>` +
        grid.join('') +
        body +
        legendItems.join(''),
    );
  };
  return { x, y, plot, finish };
}
