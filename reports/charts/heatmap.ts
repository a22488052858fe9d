/** The sweep heat-map: a scenario grid (e.g. arrival rate × SLO) coloured by a metric, each cell labelled. */
import { formatNumber } from '../format.js';
import { CHART_WIDTH } from './frame.js';
import { findExtent } from './scale.js';
import { escapeXml, svgElement, svgText } from './svg.js';
import type { HeatmapChart } from './types.js';

const LEFT = 110;
const TOP = 30;
const CELL_HEIGHT = 30;
const LEGEND_HEIGHT = 40;

/**
 * A colour from light (good) to dark blue (bad) on a share 0..1: lightness goes from 95% to 30%, so the scale
 * survives greyscale printing. Text on cells darker than the middle is white.
 */
export function shadeFor(share: number): { readonly fill: string; readonly text: string } {
  const t = Math.min(1, Math.max(0, share));
  const lightness = Math.round(95 - t * 65);
  return { fill: `hsl(210, 60%, ${lightness}%)`, text: lightness < 60 ? '#ffffff' : '#111111' };
}

/** Renders the heat-map as an SVG string; empty cells (no result) are hatched grey and say so in their title. */
export function renderHeatmapChart(spec: HeatmapChart): string {
  const numbers = spec.values.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const [lo, hi] = findExtent(numbers);
  const width = CHART_WIDTH - LEFT - 20;
  const cellWidth = width / Math.max(1, spec.columns.length);
  const gridBottom = TOP + CELL_HEIGHT * spec.rows.length;
  const height = gridBottom + 46 + LEGEND_HEIGHT;
  let body = '';
  spec.rows.forEach((rowName, r) => {
    const cy = TOP + r * CELL_HEIGHT;
    body += svgText(LEFT - 8, cy + CELL_HEIGHT / 2 + 4, rowName, { 'text-anchor': 'end', class: 'tick' });
    spec.columns.forEach((columnName, c) => {
      const value = spec.values[r]?.[c] ?? null;
      const cx = LEFT + c * cellWidth;
      const text = spec.cellText[r]?.[c] ?? '';
      if (value === null || !Number.isFinite(value)) {
        body += svgElement('rect', { x: cx, y: cy, width: cellWidth - 1, height: CELL_HEIGHT - 1, fill: '#e5e5e5', class: 'cell empty' }, `<title>${escapeXml(`${rowName}, ${columnName}: no result`)}</title>`);
        body += svgText(cx + cellWidth / 2, cy + CELL_HEIGHT / 2 + 4, 'no result', { 'text-anchor': 'middle', fill: '#555555', class: 'cell-label' });
        return;
      }
      const share = hi === lo ? 0.5 : (value - lo) / (hi - lo);
      const shade = shadeFor(spec.lowerIsBetter ? share : 1 - share);
      body += svgElement('rect', { x: cx, y: cy, width: cellWidth - 1, height: CELL_HEIGHT - 1, fill: shade.fill, class: 'cell', 'data-value': String(value) }, `<title>${escapeXml(`${rowName}, ${columnName}: ${text}`)}</title>`);
      body += svgText(cx + cellWidth / 2, cy + CELL_HEIGHT / 2 + 4, text, { 'text-anchor': 'middle', fill: shade.text, class: 'cell-label' });
    });
  });
  spec.columns.forEach((columnName, c) => {
    body += svgText(LEFT + (c + 0.5) * cellWidth, gridBottom + 16, columnName, { 'text-anchor': 'middle', class: 'tick' });
  });
  body += svgText(LEFT + width / 2, gridBottom + 36, spec.xLabel, { 'text-anchor': 'middle', class: 'axis-label' });
  // The y label sits above the row names, not rotated: a grid of a few rows is too short for a turned label.
  // Anchored at the left edge above the row names: a long axis name anchored at the grid's edge ran off the picture.
  body += svgText(4, TOP - 10, `${spec.yLabel} ↓`, { 'text-anchor': 'start', class: 'axis-label' });
  const legendY = gridBottom + 50;
  const better = spec.lowerIsBetter ? formatNumber(lo) : formatNumber(hi);
  const worse = spec.lowerIsBetter ? formatNumber(hi) : formatNumber(lo);
  for (let i = 0; i < 10; i++) {
    body += svgElement('rect', { x: LEFT + i * 18, y: legendY, width: 18, height: 12, fill: shadeFor(i / 9).fill });
  }
  body += svgText(LEFT - 8, legendY + 10, `${better} (better)`, { 'text-anchor': 'end', class: 'legend' });
  body += svgText(LEFT + 188, legendY + 10, `${worse} (worse) · ${spec.valueLabel}`, { class: 'legend' });
  const titleId = `chart-${spec.id}-title`;
  const descId = `chart-${spec.id}-desc`;
  return svgElement(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', viewBox: `0 0 ${CHART_WIDTH} ${Math.round(height)}`, class: 'chart', id: `chart-${spec.id}`, 'data-chart-type': spec.type, role: 'img', 'aria-labelledby': `${titleId} ${descId}` },
    `<title id="${escapeXml(titleId)}">${escapeXml(spec.title)}</title><desc id="${escapeXml(descId)}">${escapeXml(spec.description)}</desc>${body}`,
  );
}
