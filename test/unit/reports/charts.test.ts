import { describe, expect, it } from 'vitest';
import { renderChart, markParetoFront, type ChartSpec } from '../../../reports/charts/index.js';
import { buildStepPoints } from '../../../reports/charts/cdf.js';
import { formatTick } from '../../../reports/charts/frame.js';
import { chooseTickStep, createLinearScale, createLogTicks, createNiceTicks, findExtent } from '../../../reports/charts/scale.js';
import { escapeXml, formatCoordinate, thinToPixelColumns } from '../../../reports/charts/svg.js';

const EVIL = '<script>alert(1)</script>';

const specs: ChartSpec[] = [
  { type: 'cdf', id: 'c', title: 'TTFET', description: 'd', xLabel: 'TTFET (s)', series: [{ name: EVIL, points: [[1, 0.5], [2, 0.9], [4, 1]] }] },
  { type: 'line', id: 'l', title: 'KV', description: 'd', xLabel: 't (s)', yLabel: 'share', yDomain: [0, 1], yAsShare: true, series: [{ name: EVIL, points: [[0, 0.1], [10, 0.5], [20, Number.NaN], [30, 0.7]] }] },
  { type: 'bars', id: 'b', title: 'bars', description: 'd', yLabel: 'tokens per J', bars: [{ label: EVIL, value: 62.1, text: '62.1', highlight: true }, { label: 'b', value: 30.4, text: '30.4', highlight: false }] },
  { type: 'scatter', id: 's', title: 'pareto', description: 'd', xLabel: 'USD', yLabel: 'J', points: [{ x: 1, y: 3, label: EVIL, onFront: true, chosen: true }, { x: 2, y: 4, label: 'b', onFront: false, chosen: false }] },
  { type: 'heatmap', id: 'h', title: 'sweep', description: 'd', xLabel: 'rate', yLabel: EVIL, columns: ['0.5', '1'], rows: [EVIL, 'r2'], values: [[1, 2], [3, null]], cellText: [['1', '2'], ['3', 'no result']], valueLabel: 'p95 TTFET (s)', lowerIsBetter: true },
];

describe('charts', () => {
  it.each(specs.map((s) => [s.type, s] as const))('renderChart(%s) returns one labelled svg element with user text escaped', (_type, spec) => {
    const svg = renderChart(spec);
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain(`id="chart-${spec.id}"`);
    expect(svg).toContain(`data-chart-type="${spec.type}"`);
    expect(svg).toContain('<title id=');
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('renders the same bytes for the same spec', () => {
    for (const spec of specs) expect(renderChart(spec)).toBe(renderChart(structuredClone(spec)));
  });

  it('a line with a missing point is broken into two runs, not drawn through zero', () => {
    const svg = renderChart(specs[1]);
    const d = /<path d="([^"]+)"[^>]*class="series"/.exec(svg)?.[1] ?? '';
    expect(d.match(/M/g)?.length).toBe(2);
  });

  it('a CDF spanning more than 50× gets a log axis and says so', () => {
    const wide: ChartSpec = { type: 'cdf', id: 'w', title: 't', description: 'd', xLabel: 'TTFET (s)', series: [{ name: 'a', points: [[1, 0.5], [600, 1]] }] };
    expect(renderChart(wide)).toContain('TTFET (s), log scale');
    expect(renderChart(specs[0])).not.toContain('log scale');
  });

  it('buildStepPoints() sorts points and rises at each x from the previous share', () => {
    expect(buildStepPoints([[2, 0.9], [1, 0.5]])).toEqual([[1, 0], [1, 0.5], [2, 0.5], [2, 0.9]]);
    expect(buildStepPoints([[Number.NaN, 0.5]])).toEqual([]);
  });

  it('markParetoFront() keeps exactly the points no other beats on both axes', () => {
    expect(markParetoFront([[1, 3], [2, 2], [3, 3], [2, 2]])).toEqual([true, true, false, true]);
    expect(markParetoFront([[5, 5]])).toEqual([true]);
  });

  it('highlights the best bar and puts each value on its bar', () => {
    const svg = renderChart(specs[2]);
    expect(svg.match(/class="bar best"/g)?.length).toBe(1);
    expect(svg).toContain('>62.1</text>');
  });

  it('heat-map cells without a result are drawn as such', () => {
    const svg = renderChart(specs[4]);
    expect(svg).toContain('class="cell empty"');
    expect(svg.match(/class="cell"/g)?.length).toBe(3);
  });
});

describe('scales and ticks', () => {
  it('createNiceTicks() widens to whole steps of 1, 2, 2.5 or 5 × 10^k', () => {
    expect(createNiceTicks(0.13, 9.7, 5)).toEqual({ domain: [0, 10], ticks: [0, 2, 4, 6, 8, 10] });
    expect(createNiceTicks(0, 0.3, 6).ticks).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(createNiceTicks(5, 5, 5).domain[0]).toBeLessThan(5);
    expect(chooseTickStep(1000, 4)).toBe(250);
  });

  it('createLogTicks() spans whole decades', () => {
    expect(createLogTicks(1.2, 600)).toEqual({ domain: [1, 1000], ticks: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] });
    expect(createLogTicks(0.5, 5000).ticks).toEqual([0.1, 1, 10, 100, 1000, 10000]);
  });

  it('createLinearScale() maps the domain ends onto the range ends', () => {
    const s = createLinearScale([0, 10], [100, 200]);
    expect(s(0)).toBe(100);
    expect(s(5)).toBe(150);
    expect(createLinearScale([3, 3], [0, 10])(3)).toBe(5);
  });

  it('findExtent() ignores non-finite values', () => {
    expect(findExtent([3, Number.NaN, -1, Infinity])).toEqual([-1, 3]);
    expect(findExtent([])).toEqual([0, 1]);
  });

  it('formats coordinates and ticks compactly', () => {
    expect(formatCoordinate(-0.04)).toBe('0');
    expect(formatCoordinate(12.345)).toBe('12.3');
    expect(formatTick(1_000_000)).toBe('1M');
    expect(formatTick(950_000)).toBe('950k');
    expect(formatTick(0.25, true)).toBe('25%');
    expect(escapeXml(`a<b>&"'`)).toBe('a&lt;b&gt;&amp;&quot;&#39;');
  });
});

describe('thinToPixelColumns()', () => {
  it('keeps at most four points per pixel column, including each column\'s lowest and highest', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => [i / 100, Math.sin(i / 7) * 50] as const);
    const thin = thinToPixelColumns(points);
    expect(thin.length).toBeLessThanOrEqual(4 * 101);
    for (let column = 0; column <= 100; column++) {
      const inColumn = points.filter(([x]) => Math.round(x) === column).map(([, y]) => y);
      const kept = thin.filter(([x]) => Math.round(x) === column).map(([, y]) => y);
      expect(Math.min(...kept)).toBe(Math.min(...inColumn));
      expect(Math.max(...kept)).toBe(Math.max(...inColumn));
    }
    expect(thin[0]).toEqual(points[0]);
    expect(thin.at(-1)).toEqual(points.at(-1));
  });
});
