/**
 * The demand table's remembered pieces (planner/demand/piece-memo.ts) change no answer: a single-type table derived
 * after the catalog-wide one (profiles and batch services remembered, asked for in another order) equals the same
 * table derived from scratch (a copy of the mix: nothing remembered for it), entry by entry; and the remembered
 * pieces are reused (the same objects), which is where the time goes.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { Mix } from '../../../catalogs/types.js';
import { deriveDemand } from '../../../planner/demand/demand.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';
import { memoPrefillBatchService, memoProfileClass } from '../../../planner/demand/piece-memo.js';
import { enumeratePools } from '../../../planner/demand/pools.js';
import { resolveOptions } from '../../../planner/options.js';
import type { PlanRequest } from '../../../planner/types.js';

const catalog = loadBuiltinCatalog();
const perfModelFor = createPerfModelFor();
const requestFor = (mix: Mix, gpuIds: readonly string[]): PlanRequest => ({
  mix,
  slo: catalog.slos.get('standard')!,
  datacenter: catalog.datacenters.get('default')!,
  gpus: gpuIds.map((id) => catalog.gpus.get(id)!),
  llm: catalog.llms.get('llama-3.1-70b')!,
  perfModelFor,
});
const demandOf = (request: PlanRequest) => {
  const options = resolveOptions({}, request.datacenter.powerCapWatts);
  return deriveDemand(request, enumeratePools(request.gpus, request.llm, request.perfModelFor, options).pools, options);
};

describe('remembered demand pieces', () => {
  it('give the same single-type table as a derivation from scratch, after the catalog-wide table', () => {
    const mix = catalog.mixes.get('coding-agent')!;
    const fresh = structuredClone(mix);
    const wide = demandOf(requestFor(mix, ['h200', 'l40s', 'mi355x']));
    const warm = demandOf(requestFor(mix, ['mi355x']));
    const cold = demandOf(requestFor(fresh, ['mi355x']));
    expect(warm.entries.length).toBeGreaterThan(0);
    expect(warm.entries).toEqual(cold.entries);
    expect(warm.floors.map((f) => [f.ttfetTargetSeconds, f.floorSeconds, f.prefillAllowancesSeconds])).toEqual(cold.floors.map((f) => [f.ttfetTargetSeconds, f.floorSeconds, f.prefillAllowancesSeconds]));
    // The warm table reused the wide table's class profiles; the cold one built its own.
    expect(warm.profiles[0]).toBe(wide.profiles[0]);
    expect(cold.profiles[0]).not.toBe(wide.profiles[0]);
    expect(cold.profiles).toEqual(warm.profiles);
  });

  it('remember a batch service per model, role and prompt grid', () => {
    const profile = memoProfileClass(catalog.mixes.get('research-agent')!.classes[0], 95);
    const gpu = catalog.gpus.get('h100-sxm')!;
    const perf = perfModelFor(gpu, catalog.llms.get('llama-3.1-70b')!, { tp: 4, ep: 1, precision: 'bf16', kvDtype: 'bf16' } as never)!;
    const a = memoPrefillBatchService(perf, 'prefill', profile.firstInputGrid);
    expect(memoPrefillBatchService(perf, 'prefill', profile.firstInputGrid)).toBe(a);
    expect(memoPrefillBatchService(perf, 'colocated', profile.firstInputGrid)).not.toBe(a);
    expect(a.meanSeconds(1)).toBeGreaterThan(0);
  });
});
