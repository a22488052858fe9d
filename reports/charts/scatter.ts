/** The cost–energy Pareto chart: every plan as a point, the non-dominated ones joined, the chosen one ringed. */
import { createFrame } from './frame.js';
import { findExtent } from './scale.js';
import { escapeXml, pathThrough, seriesStyle, svgElement } from './svg.js';
import type { ScatterChart } from './types.js';

/**
 * Marks the points no other point beats on both axes (lower is better on both); ties keep both points.
 *
 * @example markParetoFront([[1, 3], [2, 2], [3, 3]]) // [true, true, false]
 */
export function markParetoFront(points: ReadonlyArray<readonly [number, number]>): boolean[] {
  return points.map(([x, y], i) =>
    !points.some(([ox, oy], j) => j !== i && ox <= x && oy <= y && (ox < x || oy < y)),
  );
}

/** Renders the scatter chart as an SVG string. */
export function renderScatterChart(spec: ScatterChart): string {
  const [xlo, xhi] = findExtent(spec.points.map((p) => p.x));
  const [ylo, yhi] = findExtent(spec.points.map((p) => p.y));
  const frame = createFrame({
    id: spec.id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    xLabel: spec.xLabel,
    yLabel: spec.yLabel,
    xExtent: [xlo, xhi],
    yExtent: [ylo, yhi],
    legend: ['plan', 'on the Pareto front', 'chosen plan'],
    legendMarkers: true,
  });
  const { x, y } = frame;
  const front = spec.points.filter((p) => p.onFront).sort((a, b) => a.x - b.x || a.y - b.y);
  let body = front.length > 1 ? svgElement('path', { d: pathThrough(front.map((p) => [x(p.x), y(p.y)])), fill: 'none', stroke: seriesStyle(1).color, 'stroke-width': 1.5, class: 'front' }) : '';
  for (const p of spec.points) {
    const color = seriesStyle(p.chosen ? 2 : p.onFront ? 1 : 0).color;
    const title = `<title>${escapeXml(p.label)}</title>`;
    body += svgElement('circle', { cx: x(p.x), cy: y(p.y), r: p.chosen ? 6 : 4, fill: color, class: p.onFront ? 'point front-point' : 'point', 'data-label': p.label }, title);
  }
  return frame.finish(body);
}
