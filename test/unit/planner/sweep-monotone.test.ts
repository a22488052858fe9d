/**
 * Monotone sweeps (issue 13): each cell's loop is offered its harder neighbours' plans (more traffic, a tighter SLO,
 * dearer GPUs) first, so across a sweep a cheaper GPU, a looser SLO or less traffic never returns a dearer plan, and
 * a shard plans the cells its own depend on so sharded answers equal the unsharded ones.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, loadDocumentText, toMix, toSloSet } from '../../../catalogs/index.js';
import { enumerateCells, parseGridSpec, selectShard, type Cell } from '../../../planner/sweep/grid.js';
import { harderNeighbours, planningWaves } from '../../../planner/sweep/neighbours.js';
import type { ScenarioBase } from '../../../planner/sweep/scenario.js';
import { runCells } from '../../../planner/sweep/threads.js';
import { ISSUE13_MIX_YAML as MIX, ISSUE13_SLO_YAML as SLO } from '../../helpers/issue13-shape.js';


const grid = (x: { axis: string; values: number[] }, y: { axis: string; values: number[] }) => enumerateCells(parseGridSpec({ kind: 'sweep', mix: 'm', x, y }, 'grid.yaml'));

describe('harder neighbours and planning waves', () => {
  it('a cell depends on the next harder value of each axis (rate up, price up, SLO down), whatever order the values are listed in', () => {
    const cells = grid({ axis: 'rate_scale', values: [2, 0.5, 1] }, { axis: 'slo_scale', values: [1, 2] });
    const at = (rate: number, slo: number): Cell => cells.find((c) => c.scales.rate_scale === rate && c.scales.slo_scale === slo)!;
    expect(harderNeighbours(at(0.5, 2), cells)).toEqual([at(1, 2), at(0.5, 1)]);
    expect(harderNeighbours(at(1, 1), cells)).toEqual([at(2, 1)]);
    expect(harderNeighbours(at(2, 1), cells)).toEqual([]);
    const waves = planningWaves(cells, cells);
    expect(waves[0]).toEqual([at(2, 1)]);
    const waveOf = (c: Cell) => waves.findIndex((w) => w.includes(c));
    for (const c of cells) for (const n of harderNeighbours(c, cells)) expect(waveOf(n)).toBeLessThan(waveOf(c));
    // A shard holding only the easiest cell plans everything it depends on, in order.
    expect(planningWaves([at(0.5, 2)], cells).flat()).toHaveLength(cells.length);
    expect(planningWaves([at(2, 1)], cells).flat()).toEqual([at(2, 1)]);
  });
});

describe('a checked sweep is monotone', () => {
  const catalog = loadBuiltinCatalog();
  const base: ScenarioBase = {
    mix: toMix(loadDocumentText(MIX, 'mix.yaml').raw as never),
    slo: toSloSet(loadDocumentText(SLO, 'slo.yaml').raw as never),
    datacenter: catalog.datacenters.get('default')!,
    gpus: ['a40', 'l40s'].map((id) => catalog.gpus.get(id)!),
    llm: catalog.llms.get('llama-3.1-8b')!,
    precisions: ['bf16'],
    objective: 'tco',
    metric: 'tco_usd',
    check: true,
    durationS: 300,
    seed: 1,
  };
  const cells = grid({ axis: 'rate_scale', values: [0.5, 1] }, { axis: 'price_scale', values: [0.7, 1] });

  it('less traffic or cheaper GPUs never give a dearer plan, and a shard gives the unsharded answers', async () => {
    const results = await runCells(base, cells, 1, undefined, undefined, cells);
    expect(results.every((r) => r.ok && r.holds)).toBe(true);
    let pairs = 0;
    for (const c of cells) {
      for (const n of harderNeighbours(c, cells)) {
        expect(results[c.index].tco_usd!, `cell ${c.index} vs harder cell ${n.index}`).toBeLessThanOrEqual(results[n.index].tco_usd! * (1 + 1e-9));
        pairs++;
      }
    }
    expect(pairs).toBe(4);
    const shard = selectShard(cells, { index: 1, count: 2 });
    expect(await runCells(base, shard, 1, undefined, undefined, cells)).toEqual(shard.map((c) => results[c.index]));
  }, 600_000);
});
