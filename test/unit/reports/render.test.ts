import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReport, RESULT_KINDS } from '../../../reports/index.js';

const EVIL = '<script>alert(1)</script>';
const fixture = (kind: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/results/${kind}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** The plan fixture with a GPU, mix, class, pool and policy all named like a script tag. */
function hostilePlan(): Record<string, unknown> {
  const text = JSON.stringify(fixture('plan'))
    .replaceAll('"h200"', JSON.stringify(EVIL))
    .replaceAll('"coding-agent"', JSON.stringify(EVIL))
    .replaceAll('"edit-loop"', JSON.stringify(EVIL))
    .replaceAll('"decode/h200/tp4"', JSON.stringify(EVIL))
    .replaceAll('"conserve"', JSON.stringify(EVIL));
  return JSON.parse(text) as Record<string, unknown>;
}

describe('renderReport()', () => {
  it('shows names like <script>alert(1)</script> as text, never as markup', () => {
    const html = renderReport(hostilePlan());
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The name reaches every kind of place it can appear: title, tables, chart legends, the inputs as given.
    expect(html).toMatch(/<title>Fleet plan for &lt;script&gt;/);
    expect(html).toMatch(/<td class="[^"]*">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td>/);
    expect(html).toMatch(/class="legend">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/text>/);
    expect(html).toContain('&quot;gpu&quot;: &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;');
  });

  it.each(RESULT_KINDS.map((k) => [k]))('a %s report is one self-contained file under 2 MB with a no-network CSP', (kind) => {
    const html = renderReport(fixture(kind));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(Buffer.byteLength(html)).toBeLessThan(2 * 1024 * 1024);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/NaN|undefined|\[object Object\]/);
  });

  it('renders the same bytes for the same result, and different bytes for a different one', () => {
    const plan = fixture('plan');
    const html = renderReport(plan);
    expect(renderReport(JSON.parse(JSON.stringify(plan)))).toBe(html);
    expect(renderReport({ ...plan, power_w: 15_000 })).not.toBe(html);
  });

  it('stays small with long series and fine-grained CDFs (paths are thinned to pixel columns)', () => {
    const sim = fixture('simulation');
    const n = 20_000;
    const t = Array.from({ length: n }, (_, i) => i * 0.5);
    const wave = t.map((x) => Number((0.5 + 0.4 * Math.sin(x / 50)).toFixed(3)));
    const cdf = Array.from({ length: 5000 }, (_, i) => [Number((1 + i * 0.003).toFixed(4)), Number(((i + 1) / 5000).toFixed(4))]);
    const big = { ...sim, series: { a: { t_s: t, kv_occupancy: wave, utilization: wave }, b: { t_s: t, kv_occupancy: wave, utilization: wave } }, cdf: { ttfet_s: cdf, tbt_ms: cdf } };
    const html = renderReport(big);
    // 80,000 series points and 10,000 CDF points; unthinned this was 1.1 MB, thinned about 100 KB.
    expect(Buffer.byteLength(html)).toBeLessThan(300 * 1024);
  });

  it('accepts the JSON text and names the file in errors', () => {
    expect(renderReport(JSON.stringify(fixture('simulation')))).toContain('Simulation: conserve on coding-agent');
    expect(() => renderReport('{"kind":"fleet"}', 'fleet.json')).toThrow(/^fleet\.json: kind: found kind "fleet", expected a fleetplan result/);
  });
});
