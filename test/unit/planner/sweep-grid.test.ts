import { describe, expect, it } from 'vitest';
import { InputError, loadBuiltinCatalog } from '../../../catalogs/index.js';
import { enumerateCells, parseGridSpec, parseShard, selectShard } from '../../../planner/sweep/grid.js';
import { mergeShards, toShardDocument, type ShardDocument } from '../../../planner/sweep/merge.js';
import { scaleScenario, type ScenarioBase } from '../../../planner/sweep/scenario.js';
import { runCells } from '../../../planner/sweep/threads.js';

const gridDoc = {
  kind: 'sweep',
  mix: 'coding-agent',
  llm: 'llama-3.1-8b',
  slo: 'relaxed',
  gpus: ['h100-sxm', 'l40s'],
  // bf16 only: the rate-2 cells with fp8 copies take 8-12 s on a loaded 2-core machine, near the solver's wall-clock
  // deadline, and a deadline stop would make the two runs differ for reasons this test is not about.
  precisions: ['bf16'],
  check: false,
  x: { axis: 'rate_scale', values: [0.5, 1, 2] },
  y: { axis: 'price_scale', values: [1, 3] },
};

const catalog = loadBuiltinCatalog();
const spec = parseGridSpec(gridDoc, 'grid.yaml');
const base: ScenarioBase = {
  mix: catalog.mixes.get('coding-agent')!,
  slo: catalog.slos.get('relaxed')!,
  datacenter: catalog.datacenters.get('default')!,
  gpus: ['h100-sxm', 'l40s'].map((id) => catalog.gpus.get(id)!),
  llm: catalog.llms.get('llama-3.1-8b')!,
  precisions: ['bf16'],
  objective: 'tco',
  metric: 'tco_usd',
  check: false,
  durationS: 60,
  seed: 1,
};

describe('scenario grid file', () => {
  it('names the field and what it expected on bad input', () => {
    const bad = (doc: unknown) => {
      try {
        parseGridSpec(doc, 'g.yaml');
      } catch (error) {
        return (error as InputError).message;
      }
      return 'no error';
    };
    expect(bad({ ...gridDoc, x: { axis: 'speed', values: [1] } })).toMatch(/x\.axis.*expected one of rate_scale, slo_scale, price_scale/);
    expect(bad({ ...gridDoc, y: { axis: 'rate_scale', values: [1] } })).toMatch(/y\.axis.*two different axes/);
    expect(bad({ ...gridDoc, x: { axis: 'slo_scale', values: [1, -2] } })).toMatch(/x\.values\.1.*positive number/);
    expect(bad({ ...gridDoc, fixed: { rate_scale: 2 } })).toMatch(/fixed\.rate_scale.*slo_scale/);
    expect(bad({ ...gridDoc, kind: 'plan' })).toMatch(/kind.*"sweep"/);
  });

  it('numbers cells row-major and any shard count partitions them exactly', () => {
    const cells = enumerateCells(spec);
    expect(cells.map((c) => [c.row, c.col, c.scales.rate_scale, c.scales.price_scale, c.scales.slo_scale])).toEqual([
      [0, 0, 0.5, 1, 1], [0, 1, 1, 1, 1], [0, 2, 2, 1, 1], [1, 0, 0.5, 3, 1], [1, 1, 1, 3, 1], [1, 2, 2, 3, 1],
    ]);
    for (const n of [1, 2, 4, 7]) {
      const seen = Array.from({ length: n }, (_, i) => selectShard(cells, { index: i + 1, count: n })).flat().map((c) => c.index).sort((a, b) => a - b);
      expect(seen).toEqual(cells.map((c) => c.index));
    }
    expect(() => parseShard('0/3')).toThrow(InputError);
    expect(() => parseShard('4/3')).toThrow(/expected i\/n/);
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  });

  it('scales arrival rates, every SLO bound and GPU prices', () => {
    const s = scaleScenario(base, { rate_scale: 2, slo_scale: 1.5, price_scale: 3 });
    expect(s.mix.classes[0].arrivalRatePerSecond).toBeCloseTo(base.mix.classes[0].arrivalRatePerSecond * 2, 12);
    const t0 = base.slo.targets[0];
    const s0 = s.slo.targets[0];
    expect(s0.kind === 'slowdown' && t0.kind === 'slowdown' ? s0.maxSlowdown / t0.maxSlowdown : s0.kind === 'absolute' && t0.kind === 'absolute' ? s0.maxValue / t0.maxValue : NaN).toBeCloseTo(1.5, 12);
    expect(s.gpus[0].capexUsd).toBeCloseTo(base.gpus[0].capexUsd! * 3, 6);
  });
});

describe('sweep shards and merge', () => {
  it('shards merged (any order) equal the unsharded run on worker threads, byte for byte', async () => {
    const cells = enumerateCells(spec);
    const whole = JSON.stringify(mergeShards([{ file: 'all', doc: toShardDocument(spec, { index: 1, count: 1 }, await runCells(base, cells, 2)) }]), null, 2);
    // Each shard gets the whole grid: its cells are offered their harder neighbours' plans, planned in the shard if
    // another shard owns them (sweep/neighbours.ts).
    const shards: Array<{ file: string; doc: ShardDocument }> = [];
    for (const index of [3, 1, 2]) {
      const shard = { index, count: 3 };
      shards.push({ file: `s${index}`, doc: JSON.parse(JSON.stringify(toShardDocument(spec, shard, await runCells(base, selectShard(cells, shard), 1, undefined, undefined, cells)))) });
    }
    expect(JSON.stringify(mergeShards(shards), null, 2)).toBe(whole);
    const doc = JSON.parse(whole);
    expect(doc.sweep.values).toHaveLength(2);
    expect(doc.sweep.values[0]).toHaveLength(3);
    expect(doc.sweep.metric).toEqual({ name: 'tco_usd', unit: 'USD', lower_is_better: true });
    // More traffic never costs less; dearer GPUs never cost less.
    for (const row of doc.sweep.values) expect(row[0]).toBeLessThanOrEqual(row[2]);
    for (let c = 0; c < 3; c++) expect(doc.sweep.values[0][c]).toBeLessThan(doc.sweep.values[1][c]);
    expect(() => mergeShards(shards.slice(0, 2))).toThrow(/found 4 of 6 cells/);
    expect(() => mergeShards([...shards, shards[0]])).toThrow(/twice/);
    const other = { file: 'x', doc: { ...shards[0].doc, grid: { ...shards[0].doc.grid, seed: 9 } } };
    expect(() => mergeShards([shards[1], other])).toThrow(/different grid/);
  }, 300_000);
});
