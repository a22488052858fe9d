/** Line charts over a continuous x (KV occupancy and utilisation over time, per pool). */
import { createFrame } from './frame.js';
import { findExtent } from './scale.js';
import { pathThrough, seriesStyle, svgElement, thinToPixelColumns } from './svg.js';
import type { LineChart } from './types.js';

/** Renders a line chart as an SVG string; non-finite points break the line rather than being drawn at 0. */
export function renderLineChart(spec: LineChart): string {
  const xs = spec.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = spec.series.flatMap((s) => s.points.map(([, y]) => y));
  const frame = createFrame({
    id: spec.id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
    xExtent: findExtent(xs),
    yExtent: spec.yDomain ?? findExtent([0, ...ys]),
    yAsShare: spec.yAsShare,
    legend: spec.series.map((s) => s.name),
  });
  let body = '';
  spec.series.forEach((series, index) => {
    const style = seriesStyle(index);
    const runs: Array<Array<readonly [number, number]>> = [[]];
    for (const [vx, vy] of series.points) {
      if (Number.isFinite(vx) && Number.isFinite(vy)) runs[runs.length - 1].push([frame.x(vx), frame.y(vy)]);
      else if (runs[runs.length - 1].length > 0) runs.push([]);
    }
    const d = runs.filter((r) => r.length > 0).map((r) => pathThrough(thinToPixelColumns(r))).join('');
    if (d === '') return;
    body += svgElement('path', { d, fill: 'none', stroke: style.color, 'stroke-width': 2, 'stroke-dasharray': style.dash, class: 'series', 'data-series': series.name });
  });
  return frame.finish(body);
}
