/**
 * The shapes the real producers write, reduced to the fields each report reads: the kernel's own SLO verdicts on a
 * simulation (slowdown targets included), slowdown summaries, pools without names, and a sweep document (a
 * plan-kind result with a grid and cells but no fleet of its own).
 */
import { describe, expect, it } from 'vitest';
import { buildViewModel, type ReportViewModel } from '../../../reports/index.js';

function findTable(vm: ReportViewModel, id: string) {
  for (const s of vm.sections) for (const b of s.blocks) if (b.table?.id === id) return b.table;
  throw new Error(`no table ${id}`);
}

const slowdownSummary = { mean: 2, p50: 1.9, p90: 4, p95: 4.64, p99: 5.7, max: 6.1 };

const simulation = {
  kind: 'simulation', format_version: 1, policy: 'conserve', seed: 1, conversations: 256,
  ttfet_s: { p95: 17.1 }, last_turn_tbt_ms: { p95: 41.7 },
  slowdown: { ttfet: slowdownSummary, last_turn_tbt: { ...slowdownSummary, p95: 5.44 } },
  slowdown_geomean: { ttfet: 2.68 },
  slo_attainment: 0.871,
  slo: {
    id: 'paper-5x', required_attainment: 0.95, met: false,
    targets: [
      { metric: 'ttfet_s', percentile: 95, kind: 'slowdown', bound: 5, value: 4.64, met: true },
      { metric: 'last_turn_tbt_ms', percentile: 95, kind: 'slowdown', bound: 5, value: 5.44, met: false },
    ],
  },
  pools: [
    { gpu: 'a40', tp: 1, role: 'prefill', served_as: 'prefill', count: 1, utilization: 0.6, kv_occupancy: null, energy_j: 64900 },
    { gpu: 'a40', tp: 1, role: 'decode', served_as: 'colocated', count: 3, utilization: 0.93, kv_occupancy: { mean: 0.2, p95: 0.49 }, energy_j: 180100 },
  ],
  inputs: { mix: 'swe-agent-paper', slo: { id: 'paper-5x', attainment: 0.95, targets: [{ metric: 'ttfet_s', percentile: 95, max_slowdown: 5 }] }, seed: 1, fleet: 'examples/fleets/paper-a40.yaml', version: '0.3.0', catalog_hash: 'sha256:abc' },
};

describe('reports on the real producers’ shapes', () => {
  it('judges slowdown SLOs from the kernel’s verdicts instead of asking for standalone latencies', () => {
    const vm = buildViewModel(simulation);
    expect(vm.verdict.status).toBe('fail');
    expect(vm.verdict.headline).toBe('256 conversations under conserve: 2 of 3 SLO targets of SLO set paper-5x missed.');
    expect(findTable(vm, 'slo-targets').rows.map((r) => r.cells.map((c) => c.text))).toEqual([
      ['TTFET (ttfet_s)', 'p95', '4.64 × standalone', '≤ 5 × standalone', '✔ pass'],
      ['Last-turn TBT (last_turn_tbt_ms)', 'p95', '5.44 × standalone', '≤ 5 × standalone', '✘ fail'],
      ['SLO attainment', '—', '87.1%', '≥ 95.0%', '✘ fail'],
    ]);
  });

  it('decides slowdown targets from the slowdown summary when the run carries no verdicts', () => {
    const { slo: _dropped, ...withoutVerdicts } = simulation;
    const rows = findTable(buildViewModel(withoutVerdicts), 'slo-targets').rows.map((r) => [r.cells[2].text, r.cells[4].text]);
    expect(rows[0]).toEqual(['4.64 × standalone', '✔ pass']);
  });

  it('shows the slowdown table, unnamed pools by number, prefill KV as not held, served-as roles and pool energy', () => {
    const vm = buildViewModel(simulation);
    expect(findTable(vm, 'run-slowdown').rows[0].cells.map((c) => c.text)).toEqual(['TTFET', '2.68×', '2×', '1.9×', '4×', '4.64×', '5.7×', '6.1×']);
    const pools = findTable(vm, 'run-pools').rows.map((r) => r.cells.map((c) => c.text));
    expect(pools[0]).toEqual(['pool 1', 'a40', 'prefill', '1', '1', '60.0%', 'not held', 'not held', '64.9 kJ']);
    expect(pools[1][2]).toBe('decode (served as colocated)');
  });

  it('shows version, catalog hash and the echoed fleet among the inputs', () => {
    const vm = buildViewModel(simulation);
    expect(vm.subtitle).toBe('fleetplan 0.3.0 · seed 1 · catalogs sha256:abc');
    const facts = vm.sections.find((s) => s.id === 'inputs')?.blocks[0]?.facts?.map((f) => `${f.label}=${f.value}`);
    expect(facts).toEqual(expect.arrayContaining(['fleetplan version=0.3.0', 'Catalog hash=sha256:abc', 'Fleet=examples/fleets/paper-a40.yaml']));
  });

  it('reports a sweep document as its grid and cells, not as an empty plan', () => {
    const sweep = {
      kind: 'plan', format_version: 1,
      sweep: { x: { name: 'rate_scale', values: [0.5, 1] }, y: { name: 'price_scale', values: [1] }, metric: { name: 'tco_usd', unit: 'USD' }, values: [[100, 200]] },
      cells: [
        { index: 0, scales: { rate_scale: 0.5, price_scale: 1 }, ok: true, holds: null, tco_usd: 100, j_per_output_token: 1.2, gpus: 3, instances: [{ pool: 'a40/tp1/decode/tdp', count: 3 }] },
        { index: 1, scales: { rate_scale: 1, price_scale: 1 }, ok: false, reason: 'budget too small' },
      ],
      inputs: { mix: 'swe-agent-paper' },
    };
    const vm = buildViewModel(sweep);
    expect(vm.title).toBe('Scenario sweep for swe-agent-paper');
    expect(vm.verdict.headline).toBe('1 of 2 scenarios have a plan; none was checked in the kernel.');
    expect(vm.verdict.status).toBe('fail');
    expect(vm.sections.map((s) => s.id)).toEqual(['sweep', 'inputs']);
    const cells = findTable(vm, 'sweep-cells').rows.map((r) => r.cells.map((c) => c.text));
    expect(cells[0]).toEqual(['1', 'rate ×0.5, price ×1', '3 × a40/tp1/decode/tdp', '3', '$100', '1.2 J', 'not checked']);
    expect(cells[1][2]).toBe('no plan: budget too small');
  });

  it('shows a validator verdict on a slowdown target as a factor of standalone latency, not seconds', () => {
    const vm = buildViewModel({
      kind: 'validation', format_version: 1, holds: false,
      slos: [{ name: 'p95 ttfet_s slowdown', metric: 'ttfet_s', percentile: 95, value: 6, target: 5, pass: false, margin: -0.2 }],
    });
    expect(findTable(vm, 'slo-verdicts').rows[0].cells.map((c) => c.text).slice(3, 5)).toEqual(['6× standalone', '5× standalone']);
    expect(vm.verdict.points[0]).toBe('p95 ttfet_s slowdown: 6× standalone against a target of 5× standalone (missed by 20.0%).');
  });
});
