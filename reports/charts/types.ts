/**
 * Chart specifications: plain data built by the view model and turned into SVG by {@link renderChart}. Keeping
 * them as data lets the golden view-model snapshot show what is plotted, not how.
 */

/** One named line; `points` are `[x, y]` in the axis units. */
export interface ChartSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

interface ChartBase {
  /** Unique within a report; used for element ids and by browser tests. */
  readonly id: string;
  readonly title: string;
  /** What the chart shows, in one sentence: the figure caption and the SVG's accessible name. */
  readonly description: string;
}

/** Cumulative distributions drawn as steps; y is a share 0..1. */
export interface CdfChart extends ChartBase {
  readonly type: 'cdf';
  readonly xLabel: string;
  readonly series: readonly ChartSeries[];
}

/** Lines over a continuous x, e.g. occupancy over time. */
export interface LineChart extends ChartBase {
  readonly type: 'line';
  readonly xLabel: string;
  readonly yLabel: string;
  /** Fixed y range when the quantity has natural bounds (shares 0..1); otherwise fitted to the data. */
  readonly yDomain: readonly [number, number] | null;
  readonly yAsShare: boolean;
  readonly series: readonly ChartSeries[];
}

/** One bar per category, with its formatted value printed on it. */
export interface BarChart extends ChartBase {
  readonly type: 'bars';
  readonly yLabel: string;
  readonly bars: ReadonlyArray<{ readonly label: string; readonly value: number; readonly text: string; readonly highlight: boolean }>;
}

/** Points with the non-dominated ones joined into a front (lower x and lower y are better). */
export interface ScatterChart extends ChartBase {
  readonly type: 'scatter';
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number; readonly label: string; readonly onFront: boolean; readonly chosen: boolean }>;
}

/** A grid of values coloured by size; `values[row][column]`, null where the scenario has no result. */
export interface HeatmapChart extends ChartBase {
  readonly type: 'heatmap';
  readonly xLabel: string;
  readonly yLabel: string;
  readonly columns: readonly string[];
  readonly rows: readonly string[];
  readonly values: ReadonlyArray<ReadonlyArray<number | null>>;
  readonly cellText: ReadonlyArray<ReadonlyArray<string>>;
  readonly valueLabel: string;
  readonly lowerIsBetter: boolean;
}

export type ChartSpec = CdfChart | LineChart | BarChart | ScatterChart | HeatmapChart;
