import { describe, expect, it } from 'vitest';
import { planFleet } from '../../../planner/milp/plan.js';
import { planToFleet } from '../../../planner/check/fleet.js';
import { planToJson } from '../../../planner/result/plan-json.js';
import { DEFAULT_MAX_DECODE_BATCH } from '../../../planner/kernel/types.js';
import type { PlanRequest } from '../../../planner/types.js';
import { DATACENTER, LLAMA_70B, LLAMA_8B, makeClass, makeGpu, makeMix, makeSlo, syntheticPerfFor } from './synthetic.js';

const H100 = makeGpu('h100');
const A100 = makeGpu('a100', { memoryBandwidthBytesPerSecond: 2.0e12, bf16FlopsPerSecond: 312e12, tdpWatts: 400, idleWatts: 60, capexUsd: 15_000 });
const L4 = makeGpu('l4', { memoryBytes: 24e9, memoryBandwidthBytesPerSecond: 0.3e12, bf16FlopsPerSecond: 121e12, tdpWatts: 72, idleWatts: 15, capexUsd: 2_500 });

function request(over: Partial<PlanRequest> = {}): PlanRequest {
  const mix = makeMix([makeClass('agent', { arrivalRatePerSecond: 3 }), makeClass('chat', { arrivalRatePerSecond: 1, turns: { kind: 'fixed', value: 2 } })]);
  return { mix, slo: makeSlo(60, 60), datacenter: DATACENTER, gpus: [H100, A100], llm: LLAMA_70B, perfModelFor: syntheticPerfFor, ...over };
}

async function reason(req: PlanRequest, options = {}): Promise<string> {
  const out = await planFleet(req, options);
  if (out.ok) throw new Error('expected no plan');
  return out.reason;
}

describe('planFleet()', () => {
  it('returns a verified plan whose figures add up', async () => {
    const out = await planFleet(request());
    if (!out.ok) throw new Error(out.reason);
    const p = out.plan;
    expect(p.instances.length).toBeGreaterThan(0);
    expect(p.solver.status).toBe('optimal');
    expect(p.cost.tcoUsd).toBeCloseTo(p.objectiveValue, 6);
    expect(p.cost.capexUsd + p.cost.energyUsd).toBeCloseTo(p.cost.tcoUsd, 6);
    expect(p.lpRelaxationObjective!).toBeLessThanOrEqual(p.objectiveValue + 1e-6);
    for (const shares of Object.values(p.routing)) expect(Object.values(shares).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1 - 1e-6);
    expect(p.binding.some((b) => b.binding && b.pool !== undefined)).toBe(true);
    expect(p.energy.jPerOutputToken).toBeGreaterThan(0);
  });

  it('never counts on a decode batch the kernel will not run (its engine cap, 256)', async () => {
    const loose = request({ slo: makeSlo(600, 600) });
    const capped = await planFleet(loose);
    const uncapped = await planFleet(loose, { maxBatch: 4096 });
    if (!capped.ok || !uncapped.ok) throw new Error('expected plans');
    const largest = (p: typeof capped.plan) => Math.max(...p.operatingPoints.map((o) => o.batch ?? 0));
    expect(largest(uncapped.plan)).toBeGreaterThan(DEFAULT_MAX_DECODE_BATCH); // the loose SLO would use more
    expect(largest(capped.plan)).toBeLessThanOrEqual(DEFAULT_MAX_DECODE_BATCH);
  });

  it('the gpus objective never buys more GPUs than the tco plan', async () => {
    const tco = await planFleet(request());
    const gpus = await planFleet(request(), { objective: 'gpus' });
    if (!tco.ok || !gpus.ok) throw new Error('no plan');
    const count = (p: typeof tco.plan) => p.instances.reduce((a, i) => a + i.count * i.tp, 0);
    expect(count(gpus.plan)).toBeLessThanOrEqual(count(tco.plan));
    expect(gpus.plan.objectiveValue).toBe(count(gpus.plan));
  });

  it('finds a heterogeneous tier: minimising energy picks power-capped decoders when they are offered', async () => {
    const req = request({ gpus: [H100] });
    const out = await planFleet(req, { objective: 'energy', roles: ['prefill', 'decode'], powerCapFractions: { decode: [1, 0.6] } });
    if (!out.ok) throw new Error(out.reason);
    const decoders = out.plan.instances.filter((i) => i.role === 'decode');
    expect(decoders.some((d) => d.powerCapWatts !== undefined)).toBe(true);
    expect(out.plan.instances.filter((i) => i.role === 'prefill').every((p) => p.powerCapWatts === undefined)).toBe(true);
  });

  it('explains an empty candidate set', async () => {
    expect(await reason(request({ gpus: [] }))).toMatchInlineSnapshot(`"the candidate GPU set is empty: name at least one GPU type"`);
  });

  it('explains an LLM that fits on no candidate GPU at any TP', async () => {
    expect(await reason(request({ gpus: [L4] }), { tpDegrees: [1, 2] })).toMatchInlineSnapshot(`"llama-3.1-70b (141 GB of weights) fits on no candidate GPU at any TP ≤ 2; the largest is l4 at TP2 with 48 GB of memory, room for at most 39 GB of weights once the runtime's share and a KV block are set aside"`);
  });

  it('explains a TBT target no candidate GPU reaches, naming the best one', async () => {
    expect(await reason(request({ slo: makeSlo(60, 8) }))).toMatchInlineSnapshot(`"no GPU in the candidate set reaches an 8 ms p95 TBT for llama-3.1-70b at TP ≤ 8 (agent); the best is h100 TP8 at 11.1 ms"`);
  });

  it('explains a TTFET target below the physical floor, naming the floor', async () => {
    expect(await reason(request({ slo: makeSlo(1, 60) }))).toMatchInlineSnapshot(`"the p95 TTFET target of 1.000 s for agent is below the physical floor of 11.348 s (h100/tp8/bf16/prefill/tdp + h100/tp8/bf16/decode/tdp, nothing else running)"`);
  });

  it('says the minimum budget, and that budget then suffices', async () => {
    const text = await reason(request(), { budgetUsd: 50_000 });
    expect(text).toMatch(/^the budget of \$50,000 is below the cheapest feasible plan: the minimum budget is \$[0-9,]+ \(TCO over 3 years\)$/);
    const minimum = Number(/minimum budget is \$([0-9,]+)/.exec(text)![1].replace(/,/g, ''));
    expect((await planFleet(request(), { budgetUsd: minimum + 1 })).ok).toBe(true);
    expect((await planFleet(request(), { budgetUsd: minimum - 1000 })).ok).toBe(false);
  });

  it('says the least facility power that works', async () => {
    const text = await reason(request(), { powerCapWatts: 2000 });
    expect(text).toMatch(/^the facility power cap of 2\.0 kW is below the least provisioned GPU power of any feasible plan: [0-9.]+ kW$/);
    const kw = Number(/: ([0-9.]+) kW$/.exec(text)![1]);
    expect((await planFleet(request(), { powerCapWatts: (kw + 0.1) * 1000 })).ok).toBe(true);
  });

  it('explains exhausted availability', async () => {
    expect(await reason(request({ gpus: [H100] }), { availabilityGpus: { h100: 1 } })).toMatch(/^the available GPUs \(1 × h100\) cannot carry the traffic/);
  });

  it('respects availability: the plan uses at most the GPUs available of a type', async () => {
    const out = await planFleet(request(), { availabilityGpus: { h100: 8 } });
    if (!out.ok) throw new Error(out.reason);
    expect(out.plan.instances.filter((i) => i.gpu === 'h100').reduce((a, i) => a + i.count * i.tp, 0)).toBeLessThanOrEqual(8);
  });

  it('turns a plan into a fleet and into snake_case JSON', async () => {
    const out = await planFleet(request({ gpus: [H100], llm: LLAMA_8B }), { roles: ['prefill', 'decode'] });
    if (!out.ok) throw new Error(out.reason);
    const fleet = planToFleet(out.plan, { datacenter: DATACENTER, interNodeBandwidthBytesPerSecond: { h100: 50e9 } });
    expect(fleet.instances.map((i) => i.role).sort()).toEqual(['decode', 'prefill']);
    const bandwidth = 50e9 * out.plan.instances.find((i) => i.role === 'prefill')!.tp;
    expect(fleet.links).toEqual([
      { from: 'prefill', to: 'decode', bandwidthBytesPerSecond: bandwidth, latencySeconds: 10e-6 },
      { from: 'decode', to: 'prefill', bandwidthBytesPerSecond: bandwidth, latencySeconds: 10e-6 },
    ]);
    const json = planToJson(out.plan);
    expect(Object.keys(json.cost).sort()).toEqual(['capex_usd', 'energy_usd', 'horizon_years', 'rent_usd_per_h', 'tco_usd']);
    expect(Object.keys(json.energy).sort()).toEqual(['average_power_w', 'energy_j_per_day', 'j_per_output_token']);
    expect(json.power_w).toBe(out.plan.powerWatts);
    expect(json.instances[0]).not.toHaveProperty('poolKey');
    expect(json.solver).toMatchObject({ requested: 'jslp', blocks: out.plan.solver.blocks });
    expect(json.solver.blocks).toBeGreaterThanOrEqual(1);
  });
});
