/**
 * Reports as a person reads them: each kind rendered to a file, opened from a file:// URL in headless Debian
 * chromium (playwright-core), checked for its verdict, table values and charts, for zero network requests and zero
 * console errors, at desktop and phone width and printed; screenshots go to test/.artifacts/ for a human look.
 * Under CI the browser must exist; locally a missing browser skips with the reason printed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../reports/index.js';
import { repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const executablePath = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const artifacts = join(repoRoot, 'test', '.artifacts');
const EVIL = '<script>alert(1)</script>';

if (!executablePath) {
  if (process.env['CI']) throw new Error('chromium is not installed (looked for /usr/lib/chromium/chromium and /usr/bin/chromium); CI must run the report browser tests: apt-get install -y chromium');
  console.warn('report-browser tests skipped: no chromium at /usr/lib/chromium/chromium or /usr/bin/chromium (apt-get install -y chromium)');
}

const fixture = (kind: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'results', `${kind}.json`), 'utf8')) as Record<string, unknown>;

interface Visit {
  readonly page: Page;
  readonly foreignRequests: string[];
  readonly consoleErrors: string[];
  readonly dialogs: string[];
}

describe.skipIf(!executablePath)('reports in a real browser', () => {
  let context: BrowserContext;
  let userDataDir: string;
  let pagesDir: string;

  beforeAll(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), 'fleetplan-chromium-'));
    pagesDir = mkdtempSync(join(tmpdir(), 'fleetplan-reports-'));
    mkdirSync(artifacts, { recursive: true });
    context = await chromium.launchPersistentContext(userDataDir, { executablePath, args: ARGS, headless: true, viewport: { width: 1100, height: 900 } });
  });

  afterAll(async () => {
    await context?.close();
    rmSync(userDataDir, { recursive: true, force: true });
    rmSync(pagesDir, { recursive: true, force: true });
  });

  async function visit(name: string, result: unknown, width = 1100): Promise<Visit> {
    const file = join(pagesDir, `${name}.html`);
    writeFileSync(file, renderReport(result));
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    const visitRecord: Visit = { page, foreignRequests: [], consoleErrors: [], dialogs: [] };
    page.on('request', (r) => void (r.url() !== url && visitRecord.foreignRequests.push(r.url())));
    page.on('console', (m) => void (m.type() === 'error' && visitRecord.consoleErrors.push(m.text())));
    page.on('pageerror', (e) => void visitRecord.consoleErrors.push(e.message));
    page.on('dialog', (d) => {
      visitRecord.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(url, { waitUntil: 'load' });
    return visitRecord;
  }

  async function finish(v: Visit, shot: string): Promise<void> {
    await v.page.screenshot({ path: join(artifacts, `${shot}.png`), fullPage: true });
    expect(v.foreignRequests).toEqual([]);
    expect(v.consoleErrors).toEqual([]);
    await v.page.close();
  }

  const cellText = (page: Page, table: string, row: number, col: number): Promise<string> =>
    page.locator(`#table-${table} tbody tr`).nth(row).locator('td').nth(col).innerText();

  it('plan: verdict first, the bill of GPUs, and every chart drawn', async () => {
    const v = await visit('plan', fixture('plan'));
    const { page } = v;
    const verdict = page.locator('#verdict');
    expect(await verdict.locator('.verdict-label').innerText()).toBe('HOLDS');
    expect(await verdict.locator('.verdict-headline').innerText()).toContain('22 GPUs');
    // The verdict is the first thing under the title.
    const order = await page.evaluate(() => Array.from(document.querySelectorAll('main > section')).map((s) => s.id || s.className));
    expect(order[0]).toBe('verdict');
    expect(await cellText(page, 'bill', 1, 1)).toBe('h200');
    expect(await cellText(page, 'bill', 2, 5)).toBe('22');
    expect(await cellText(page, 'slo-targets', 0, 4)).toContain('pass');
    expect(await page.locator('.key-facts .fact-value').allInnerTexts()).toEqual(['22', '$776,213', '13.24 kW', '6.92 J']);
    const charts = await page.locator('svg.chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart-type')));
    expect(charts).toEqual(['cdf', 'cdf', 'line', 'line', 'scatter']);
    // Charts are drawn, not empty boxes: each has a visible size and its series paths.
    const box = await page.locator('#chart-check-ttfet-s-cdf').boundingBox();
    expect(box?.width).toBeGreaterThan(400);
    expect(await page.locator('#chart-check-kv-occupancy-time path.series').count()).toBe(2);
    await finish(v, 'report-plan');
  });

  it('simulation: SLO table and charts', async () => {
    const v = await visit('simulation', fixture('simulation'));
    expect(await v.page.locator('.verdict-label').innerText()).toBe('MEETS SLOs');
    expect(await cellText(v.page, 'slo-targets', 0, 2)).toBe('7.66 s');
    expect(await cellText(v.page, 'run-latency', 0, 5)).toBe('7.66 s');
    expect(await v.page.locator('svg.chart').count()).toBe(4);
    await finish(v, 'report-simulation');
  });

  it('comparison: policies table, bars, CDFs and the sweep heat-map', async () => {
    const v = await visit('comparison', fixture('comparison'));
    expect(await v.page.locator('.verdict-headline').innerText()).toContain('lowest p95 TTFET: conserve');
    expect(await cellText(v.page, 'policies', 0, 0)).toBe('conserve');
    expect(await cellText(v.page, 'policies-energy', 1, 1)).toBe('57.7');
    expect(await v.page.locator('svg.chart[data-chart-type="bars"]').count()).toBe(4);
    expect(await v.page.locator('svg.chart[data-chart-type="heatmap"] rect.cell').count()).toBe(24);
    expect(await v.page.locator('#chart-compare-ttfet-s-cdf path.series').count()).toBe(4);
    await finish(v, 'report-comparison');
  });

  it('validation: a failing plan says which SLOs failed and by how much', async () => {
    const v = await visit('validation', fixture('validation'));
    expect(await v.page.locator('.verdict-label').innerText()).toBe('FAILS');
    const points = await v.page.locator('.verdict-points li').allInnerTexts();
    expect(points[0]).toBe('p95 TTFET for class edit-loop: 12.7 s against a target of 8 s (missed by 58.7%).');
    expect(await cellText(v.page, 'slo-verdicts', 0, 6)).toContain('fail');
    expect(await v.page.locator('#table-slo-verdicts td.status-fail').count()).toBeGreaterThan(0);
    await finish(v, 'report-validation');
  });

  /** A result written by the real producer, in process, with the built-in example's fleet and mix. */
  async function produce(argv: readonly string[], file: string): Promise<unknown> {
    const out = join(pagesDir, `produced-${file}`);
    const run = await runCli([...argv, '--out', out], { cwd: repoRoot });
    expect(run.code === 0 || run.code === 1, run.stderr).toBe(true);
    return JSON.parse(readFileSync(join(out, file), 'utf8'));
  }

  const PAPER_RUN = ['--fleet', 'examples/fleets/paper-a40.yaml', '--mix', 'swe-agent-paper', '--duration-s', '300', '--slo', 'paper-5x', '--seed', '1'];

  it('real simulation (paper fleet, paper-5x): slowdown SLOs judged, tables filled, charts drawn', async () => {
    const v = await visit('real-simulation', await produce(['simulate', ...PAPER_RUN], 'result.json'));
    const { page } = v;
    expect(await page.locator('.verdict-label').innerText()).toBe('MISSES SLOs');
    expect(await page.locator('.verdict-headline').innerText()).toContain('SLO set paper-5x');
    // The kernel's slowdown verdicts are shown, not "needs standalone latencies".
    expect(await cellText(page, 'slo-targets', 0, 0)).toBe('TTFET (ttfet_s)');
    expect(await cellText(page, 'slo-targets', 0, 2)).toMatch(/^\d+(\.\d+)? × standalone$/);
    expect(await cellText(page, 'slo-targets', 0, 3)).toBe('≤ 5 × standalone');
    expect(await page.locator('#table-slo-targets td', { hasText: 'standalone latencies' }).count()).toBe(0);
    expect(await page.locator('#table-slo-targets tbody tr').count()).toBe(3);
    expect(await cellText(page, 'run-slowdown', 0, 0)).toBe('TTFET');
    expect(await cellText(page, 'run-pools', 1, 2)).toBe('decode');
    // Columns: pool, GPU, role, TP, precision (the simulation records formats), instances, utilisation, KV mean, …
    expect(await cellText(page, 'run-pools', 0, 4)).toBe('bf16');
    expect(await cellText(page, 'run-pools', 0, 7)).toBe('not held');
    // No table cell of the real report is left empty for want of a field read under another name.
    for (const id of ['run-latency', 'run-slowdown', 'run-pools']) {
      const texts = await page.locator(`#table-${id} tbody td`).allInnerTexts();
      expect(texts.filter((t) => t.trim() === '' || t === '—').length, id).toBeLessThanOrEqual(id === 'run-slowdown' ? 2 : 0);
    }
    const charts = await page.locator('svg.chart').evaluateAll((els) => els.map((e) => e.getAttribute('data-chart-type')));
    expect(charts).toEqual(['cdf', 'cdf', 'line']);
    expect(await page.locator('#chart-run-ttfet-s-cdf path.series').count()).toBe(1);
    await finish(v, 'report-real-simulation');
  });

  it('real comparison (paper fleet, four policies): policies table, bars and CDFs', async () => {
    const v = await visit('real-comparison', await produce(['compare', ...PAPER_RUN], 'comparison.json'));
    const { page } = v;
    expect(await page.locator('.verdict-headline').innerText()).toMatch(/^4 policies compared; lowest p95 TTFET: /);
    expect(await page.locator('#table-policies tbody tr td:first-child').allInnerTexts()).toEqual(['conserve', 'per-turn-predict', 'per-turn-disagg', 'colocated']);
    const headers = await page.locator('#table-policies thead th').allInnerTexts();
    expect(headers).toContain('SLO attainment');
    expect(headers).toContain('p95 TTFET slowdown');
    expect(await cellText(page, 'policies', 0, 1)).toMatch(/ s$/);
    expect(await page.locator('svg.chart[data-chart-type="bars"]').count()).toBe(4);
    expect(await page.locator('#chart-compare-ttfet-s-cdf path.series').count()).toBe(4);
    expect(await page.locator('#table-pools-1 tbody tr').count()).toBe(2);
    await finish(v, 'report-real-comparison');
  });

  it('a GPU, mix and class named <script>alert(1)</script> show as text and run nothing', async () => {
    const text = JSON.stringify(fixture('plan')).replaceAll('"h200"', JSON.stringify(EVIL)).replaceAll('"coding-agent"', JSON.stringify(EVIL)).replaceAll('"edit-loop"', JSON.stringify(EVIL))
      .replaceAll('"decode/h200/tp4"', JSON.stringify(EVIL));
    const v = await visit('hostile', JSON.parse(text));
    expect(await v.page.evaluate(() => document.scripts.length)).toBe(0);
    expect(await v.page.title()).toBe(`Fleet plan for ${EVIL} serving llama-3.1-70b`);
    expect(await cellText(v.page, 'bill', 1, 1)).toBe(EVIL);
    expect(await v.page.locator('svg.chart text.legend', { hasText: EVIL }).count()).toBeGreaterThan(0);
    expect(v.dialogs).toEqual([]);
    await finish(v, 'report-hostile');
  });

  it('reads at phone width without sideways scrolling of the page, and prints without the contents list', async () => {
    const v = await visit('plan-phone', fixture('plan'), 390);
    const overflow = await v.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const fontPx = await v.page.locator('.verdict-headline').evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
    expect(fontPx).toBeGreaterThanOrEqual(14);
    await v.page.screenshot({ path: join(artifacts, 'report-plan-phone.png'), fullPage: true });
    await v.page.emulateMedia({ media: 'print' });
    expect(await v.page.locator('nav.contents').isVisible()).toBe(false);
    const pdf = await v.page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await finish(v, 'report-plan-print');
  });
});
