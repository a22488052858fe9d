/**
 * The computed "Which runs miss the TTFT targets" section of docs/accuracy.md against the per-run rows it is computed
 * from, recounted here independently from docs/accuracy-rows.csv: which groups are above each target, their run counts
 * and runs above the target, how many runs must move for the protocol's median to meet it — and every bullet the
 * section cites exists in "Why the misses miss". (test/data/accuracy-doc.test.ts checks the doc is what the code renders.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TTFT_MISS_HEADING } from '../../models/serving/ttft-miss-section.js';
import { repoRoot } from '../helpers/paths.js';

const doc = readFileSync(join(repoRoot, 'docs', 'accuracy.md'), 'utf8');
const [header, ...lines] = readFileSync(join(repoRoot, 'docs', 'accuracy-rows.csv'), 'utf8').trimEnd().split('\n');
const columns = header.split(',');
const rows = lines.map((l) => {
  const cells = l.split(',');
  return Object.fromEntries(columns.map((c, i) => [c, cells[i]])) as Record<string, string>;
});
// The target rows: dense agg bf16 + fp8 on H100 and B200 (the rows file holds agg runs only).
const targetRows = rows.filter((r) => (r.precision === 'bf16' || r.precision === 'fp8') && (r.gpu === 'h100-sxm' || r.gpu === 'b200'));

const section = doc.slice(doc.indexOf(`## ${TTFT_MISS_HEADING}`), doc.indexOf('\n## ', doc.indexOf(`## ${TTFT_MISS_HEADING}`) + 4));
const medianOf = (v: number[]) => { const s = [...v].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };

describe.each([
  { protocol: 'lomo', title: 'leave-one-model-out', target: 0.2 },
  { protocol: 'logo', title: 'leave-one-GPU-out', target: 0.3 },
])('the TTFT miss section, $title', ({ protocol, title, target }) => {
  const part = section.slice(section.indexOf(`### ${title} (TTFT ≤ ${(target * 100).toFixed(1)}%)`)).split('\n### ')[0];
  const errors = targetRows.map((r) => ({ group: [r.gpu, r.llm, r.precision, r.backend].join(' '), e: (Number(r[`${protocol}_ttft_ms`]) - Number(r.measured_ttft_ms)) / Number(r.measured_ttft_ms) }));
  const groups = [...new Set(errors.map((x) => x.group))].sort();

  it('lists exactly the groups whose median |TTFT error| is above the target, with their runs and runs above it', () => {
    expect(part.length).toBeGreaterThan(100);
    const table = part.split('\n').filter((l) => /^\| (h100-sxm|b200) /.test(l)).map((l) => l.split('|').map((c) => c.trim()));
    const above = groups.filter((g) => medianOf(errors.filter((x) => x.group === g).map((x) => Math.abs(x.e))) > target);
    expect(above.length).toBeGreaterThan(0);
    expect(table.map((c) => c[1])).toEqual(above);
    for (const c of table) {
      const es = errors.filter((x) => x.group === c[1]).map((x) => x.e);
      expect(Number(c[2])).toBe(es.length);
      expect(Number(c[3])).toBe(es.filter((e) => Math.abs(e) > target).length);
    }
  });

  it('says how many runs are within the target and how many more must move for the median to meet it', () => {
    const within = errors.filter((x) => Math.abs(x.e) <= target).length;
    const needed = Math.max(0, Math.floor(errors.length / 2) + 1 - within);
    expect(part).toContain(`${errors.length} runs, ${within} within ${(target * 100).toFixed(1)}%`);
    expect(part).toContain(`**${needed} more**`);
    // The headline median misses today, so some runs must move.
    expect(needed).toBeGreaterThan(0);
    // The nearest runs that would have to move, by group, add up to that count.
    const nearest = /are in: (.+?)\. Every run/.exec(part)![1].split(', ').map((s) => Number(s.split(' ').at(-1)));
    expect(nearest.reduce((a, b) => a + b, 0)).toBe(needed);
  });
});

describe('the TTFT miss section\'s citations', () => {
  it('cite only bullets that "Why the misses miss" has', () => {
    const cited = [...section.matchAll(/«([^»]+)»/g)].map((m) => m[1]);
    expect(cited.length).toBeGreaterThan(5);
    const titles = new Set([...doc.matchAll(/^- \*\*(.+?)\*\*/gm)].map((m) => m[1]));
    for (const title of new Set(cited)) expect(titles.has(title), `cited bullet «${title}»`).toBe(true);
  });
});
