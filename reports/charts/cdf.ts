/** Cumulative distribution charts (TTFET, TBT): one step line per series, with the p95 level marked. */
import { createFrame } from './frame.js';
import { findExtent } from './scale.js';
import { pathThrough, seriesStyle, svgElement, svgText, thinToPixelColumns } from './svg.js';
import type { CdfChart } from './types.js';

/** Above this ratio of largest to smallest value the x axis turns logarithmic. */
export const LOG_AXIS_RATIO = 50;

/** Step points of an empirical CDF: flat until each x, then up to its share; starts at share 0. */
export function buildStepPoints(points: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number]> {
  const sorted = [...points].filter(([x, p]) => Number.isFinite(x) && Number.isFinite(p)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const steps: Array<readonly [number, number]> = [];
  let previous = 0;
  for (const [x, p] of sorted) {
    steps.push([x, previous], [x, p]);
    previous = p;
  }
  return steps;
}

/** Renders a CDF chart as an SVG string. */
export function renderCdfChart(spec: CdfChart): string {
  const xs = spec.series.flatMap((s) => s.points.map(([x]) => x));
  const [lo, hi] = findExtent(xs);
  const positiveLo = findExtent(xs.filter((v) => v > 0))[0];
  // A log axis when the runs span more than 50×: otherwise one slow policy squeezes the others into a corner.
  const xLog = positiveLo > 0 && lo > 0 && hi / positiveLo > LOG_AXIS_RATIO;
  const frame = createFrame({
    id: spec.id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    xLabel: xLog ? `${spec.xLabel}, log scale` : spec.xLabel,
    yLabel: 'share of samples ≤ x',
    xExtent: xLog ? [lo, hi] : [Math.min(0, lo), hi],
    xLog,
    yExtent: [0, 1],
    yAsShare: true,
    legend: spec.series.length > 1 || (spec.series[0]?.name ?? '') !== '' ? spec.series.map((s) => s.name) : [],
  });
  const { x, y, plot } = frame;
  const p95 = y(0.95);
  let body = svgElement('line', { x1: plot.left, x2: plot.right, y1: p95, y2: p95, class: 'marker' });
  body += svgText(plot.right - 4, p95 - 4, 'p95', { 'text-anchor': 'end', class: 'marker-label' });
  spec.series.forEach((series, index) => {
    const steps = buildStepPoints(series.points);
    if (steps.length === 0) return;
    const last = steps[steps.length - 1];
    // Extend the final level to the right edge so curves that end early do not look cut off.
    const pixels = [...steps, [x.domain[1], last[1]] as const].map(([vx, vy]) => [x(vx), y(vy)] as const);
    const style = seriesStyle(index);
    body += svgElement('path', {
      d: pathThrough(thinToPixelColumns(pixels)),
      fill: 'none',
      stroke: style.color,
      'stroke-width': 2,
      'stroke-dasharray': style.dash,
      class: 'series',
      'data-series': series.name,
    });
  });
  return frame.finish(body);
}
