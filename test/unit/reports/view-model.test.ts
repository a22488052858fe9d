import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildViewModel, renderReport, RESULT_KINDS, type ReportViewModel } from '../../../reports/index.js';

const fixture = (kind: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/results/${kind}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

function allText(vm: ReportViewModel): string {
  return JSON.stringify(vm);
}

function findTable(vm: ReportViewModel, id: string) {
  for (const s of vm.sections) for (const b of s.blocks) if (b.table?.id === id) return b.table;
  throw new Error(`no table ${id}`);
}

describe('buildViewModel()', () => {
  it('puts a holding plan\'s verdict, bill and costs first', () => {
    const vm = buildViewModel(fixture('plan'));
    expect(vm.verdict.status).toBe('pass');
    expect(vm.verdict.label).toBe('HOLDS');
    expect(vm.verdict.headline).toBe('This plan meets its SLOs with 22 GPUs: 3 × h100-sxm prefill (TP 2) + 4 × h200 decode (TP 4).');
    expect(vm.sections[0].id).toBe('bill');
    const bill = findTable(vm, 'bill');
    expect(bill.rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['prefill', 'h100-sxm', 'llama-3.1-70b', '2', '3', '6', 'TDP'],
      ['decode', 'h200', 'llama-3.1-70b', '4', '4', '16', 'TDP'],
      ['total', '', '', '', '7', '22', ''],
    ]);
    expect(vm.keyFacts.map((f) => f.value)).toEqual(['22', '$776,213', '13.24 kW', '6.92 J']);
    expect(vm.subtitle).toBe('fleetplan 0.1.0 · seed 42 · catalogs sha256:5f2c8e1a9b7d4c3e');
  });

  it('explains the plan: tiers, binding constraints, rounds, provenance, Pareto front and inputs', () => {
    const vm = buildViewModel(fixture('plan'));
    expect(vm.sections.map((s) => s.id)).toEqual(['bill', 'tiers', 'binding', 'rounds', 'slo', 'check-latency', 'check-energy', 'check-pools', 'pareto', 'solver', 'provenance', 'inputs']);
    expect(allText(vm)).toContain('Mixing GPU types saves $36,667 (−4.5%) against the best single-type fleet.');
    const rounds = findTable(vm, 'rounds');
    expect(rounds.rows[0].cells[3]).toMatchObject({ text: '✘ fail', status: 'fail' });
    expect(rounds.rows[1].cells[3]).toMatchObject({ text: '✔ pass', status: 'pass' });
    expect(findTable(vm, 'provenance').rows[1].cells[4].text).toBe('not measured');
    const pareto = findTable(vm, 'pareto-points');
    expect(pareto.rows.filter((r) => r.cells[4].text === 'chosen')).toHaveLength(1);
    expect(pareto.rows.filter((r) => r.cells[3].text === 'yes')).toHaveLength(4);
  });

  it('judges a simulation against the absolute SLO targets it was given', () => {
    const vm = buildViewModel(fixture('simulation'));
    expect(vm.verdict.status).toBe('pass');
    const slo = findTable(vm, 'slo-targets');
    expect(slo.rows.map((r) => [r.cells[0].text, r.cells[2].text, r.cells[3].text, r.cells[4].text])).toEqual([
      ['TTFET (ttfet_s)', '7.66 s', '≤ 8 s', '✔ pass'],
      ['TTFT (turns ≥ 2) (ttft_s)', '1.127 s', '≤ 1.5 s', '✔ pass'],
      ['TBT (tbt_ms)', '46.77 ms', '≤ 60 ms', '✔ pass'],
      ['Last-turn TBT (last_turn_tbt_ms)', '41.64 ms', '≤ 50 ms', '✔ pass'],
      ['SLO attainment', '97.3%', '≥ 95.0%', '✔ pass'],
    ]);
  });

  it('turns a missed target into a failing simulation verdict', () => {
    const sim = fixture('simulation');
    const vm = buildViewModel({ ...sim, ttfet_s: { ...(sim['ttfet_s'] as object), p95: 9.5 } });
    expect(vm.verdict.status).toBe('fail');
    expect(vm.verdict.points).toEqual(['TTFET (ttfet_s) p95: 9.5 s, target ≤ 8 s.']);
  });

  it('lists every failed SLO of a validation with how much it missed by', () => {
    const vm = buildViewModel(fixture('validation'));
    expect(vm.verdict.label).toBe('FAILS');
    expect(vm.verdict.headline).toBe('The plan does not hold: 5 of 9 SLO checks pass.');
    expect(vm.verdict.points[0]).toBe('p95 TTFET for class edit-loop: 12.7 s against a target of 8 s (missed by 58.7%).');
    expect(vm.verdict.points).toHaveLength(4);
  });

  it('compares policies, marks the best of each column and says conserve against each baseline', () => {
    const vm = buildViewModel(fixture('comparison'));
    expect(vm.verdict.headline).toBe('4 policies compared; lowest p95 TTFET: conserve (3.983 s).');
    expect(vm.verdict.points).toContain('conserve against per-turn-predict: p95 TTFET −53.1%, last-turn p95 TBT +1.1%, tokens per joule +7.6%.');
    const table = findTable(vm, 'policies');
    expect(table.rows.map((r) => r.cells[0].text)).toEqual(['conserve', 'per-turn-predict', 'per-turn-disagg', 'colocated']);
    expect(table.rows[0].cells[1]).toMatchObject({ text: '3.983 s', strong: true });
    expect(table.rows[2].cells[4]).toMatchObject({ text: '2.009 ms', strong: true });
    const charts = vm.sections.flatMap((s) => s.blocks.flatMap((b) => (b.chart ? [b.chart.type] : [])));
    expect(charts).toEqual(['bars', 'bars', 'bars', 'bars', 'cdf', 'cdf', 'heatmap']);
  });

  it.each(RESULT_KINDS.map((k) => [k]))('renders a bare %s result (only kind and version) and says what is missing', (kind) => {
    const vm = buildViewModel({ kind, format_version: 1 });
    expect(vm.sections.at(-1)?.id).toBe('inputs');
    expect(allText(vm)).toContain('not recorded in this result');
    expect(renderReport({ kind, format_version: 1 })).toContain('<!DOCTYPE html>');
  });

  it('is a pure function of the result: plain JSON, equal for equal input, input left untouched', () => {
    for (const kind of RESULT_KINDS) {
      const result = fixture(kind);
      const before = JSON.stringify(result);
      const vm = buildViewModel(result);
      expect(JSON.parse(JSON.stringify(vm))).toEqual(vm);
      expect(buildViewModel(JSON.parse(before))).toEqual(vm);
      expect(JSON.stringify(result)).toBe(before);
    }
  });
});
