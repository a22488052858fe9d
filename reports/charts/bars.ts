/** Bar charts: one bar per category (per-policy p95 TTFET, tokens per joule, attainment). */
import { createFrame } from './frame.js';
import { findExtent } from './scale.js';
import { seriesStyle, svgElement, svgText } from './svg.js';
import type { BarChart } from './types.js';

/** Renders a bar chart as an SVG string; each bar carries its value as text, so no reading off the axis is needed. */
export function renderBarChart(spec: BarChart): string {
  const values = spec.bars.map((b) => b.value);
  const [lo, hi] = findExtent([0, ...values]);
  const frame = createFrame({
    id: spec.id,
    type: spec.type,
    title: spec.title,
    description: spec.description,
    xLabel: '',
    yLabel: spec.yLabel,
    xExtent: [0, spec.bars.length],
    yExtent: [lo, hi],
    legend: [],
    xCategories: spec.bars.map((b) => b.label),
  });
  const { x, y } = frame;
  const zero = y(0);
  let body = '';
  spec.bars.forEach((bar, i) => {
    if (!Number.isFinite(bar.value)) return;
    const left = x(i + 0.18);
    const width = x(i + 0.82) - left;
    const top = Math.min(y(bar.value), zero);
    const height = Math.abs(zero - y(bar.value));
    const fill = bar.highlight ? seriesStyle(0).color : '#9aa7b4';
    body += svgElement('rect', { x: left, y: top, width, height, fill, class: bar.highlight ? 'bar best' : 'bar', 'data-label': bar.label, 'data-value': String(bar.value) });
    body += svgText(x(i + 0.5), top - 5, bar.text, { 'text-anchor': 'middle', class: 'value-label' });
  });
  return frame.finish(body);
}
