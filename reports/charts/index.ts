/** Charts as inline SVG strings, rendered without a browser and byte-for-byte deterministic. */
import { renderBarChart } from './bars.js';
import { renderCdfChart } from './cdf.js';
import { renderHeatmapChart } from './heatmap.js';
import { renderLineChart } from './line.js';
import { renderScatterChart } from './scatter.js';
import type { ChartSpec } from './types.js';

export type { BarChart, CdfChart, ChartSeries, ChartSpec, HeatmapChart, LineChart, ScatterChart } from './types.js';
export { markParetoFront } from './scatter.js';
export { escapeXml } from './svg.js';

/** Renders any chart specification as an `<svg>` element string. */
export function renderChart(spec: ChartSpec): string {
  switch (spec.type) {
    case 'cdf':
      return renderCdfChart(spec);
    case 'line':
      return renderLineChart(spec);
    case 'bars':
      return renderBarChart(spec);
    case 'scatter':
      return renderScatterChart(spec);
    case 'heatmap':
      return renderHeatmapChart(spec);
  }
}
