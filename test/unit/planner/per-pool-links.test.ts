/**
 * The planner prices each prefill pool's KV transfer at that pool's own link (demand/pool-facts.ts pricedKvLink: its
 * max(tp, ep) GPUs' inter-node share); the kernel must move that pool's KV over the same link. It used to take one
 * link for all prefillers at the slowest pool's share (check/fleet.ts Math.min), so a plan with an A40 prefill pool
 * (25 GB/s) next to an H100 TP2 one (2 × 50 GB/s) was checked with 25 GB/s for both: priced right, simulated wrong.
 * Here the kernel's transfer time for a conversation prefilled on each pool, measured as the finish-time difference
 * against the same fleet with instant links, equals the planner's priced transfer of the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { Fleet } from '../../../catalogs/types.js';
import { fleetOptionsFor } from '../../../planner/check/loop.js';
import { planToFleet } from '../../../planner/check/fleet.js';
import { kernelPerfModels } from '../../../planner/cli/commands/plan.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';
import { factsOf } from '../../../planner/demand/pool-facts.js';
import { enumeratePools } from '../../../planner/demand/pools.js';
import { simulateConversations } from '../../../planner/kernel/kernel.js';
import type { ConversationSpec, FinishedConversation, ReactiveWorkload } from '../../../planner/kernel/types.js';
import { resolveOptions } from '../../../planner/options.js';
import type { Plan, PlanRequest, Pool } from '../../../planner/types.js';

const catalog = loadBuiltinCatalog();
const llm = catalog.llms.get('qwen3-0.6b')!;
const perfModelFor = createPerfModelFor();
const request = { gpus: ['a40', 'h100-sxm'].map((id) => catalog.gpus.get(id)!), llm, perfModelFor, datacenter: catalog.datacenters.get('default')! } as unknown as PlanRequest;
const options = resolveOptions({ tpDegrees: [1, 2] }, undefined);
const { pools } = enumeratePools(request.gpus, llm, perfModelFor, options);
const pool = (key: string): Pool => pools.find((p) => p.key === key)!;
const a40Prefill = pool('a40/tp1/bf16/prefill/tdp');
const h100Prefill = pool('h100-sxm/tp2/bf16/prefill/tdp');
const decoder = pool('a40/tp1/bf16/decode/tdp');

const planned = (p: Pool) => ({ gpu: p.gpu.id, llm: llm.id, tp: p.tp, ep: p.ep, precision: p.precision, kvDtype: p.kvDtype, role: p.role, count: 1 });
const planOf = (prefill: readonly Pool[]) => ({ instances: [...prefill, decoder].map(planned) }) as unknown as Plan;

/** One two-turn conversation, told of its finish: the first prefiller (ties go to the first) serves its turn 1. */
class One implements ReactiveWorkload {
  finish = NaN;
  constructor(private readonly inputTokens: number) {}
  *[Symbol.iterator](): Iterator<ConversationSpec> {
    yield { id: 'c', classId: 'c', arrivalSeconds: 0, turns: [{ inputTokens: this.inputTokens, outputTokens: 8, toolLatencySeconds: 0 }, { inputTokens: 50, outputTokens: 4, toolLatencySeconds: 0.5 }] };
  }
  onFinished(f: FinishedConversation): undefined {
    this.finish = f.finishSeconds;
    return undefined;
  }
}

function finishSeconds(fleet: Fleet, inputTokens: number): number {
  const one = new One(inputTokens);
  simulateConversations(fleet, one, kernelPerfModels(catalog, perfModelFor), { policy: 'conserve', seed: 1 });
  return one.finish;
}

describe('per-prefill-pool KV links: the kernel moves each pool\'s KV over the link the planner priced', () => {
  it('plan writes one link pair per prefill pool, each at exactly that pool\'s priced link', () => {
    const fleet = planToFleet(planOf([a40Prefill, h100Prefill]), fleetOptionsFor(request));
    const [a40, h100] = [factsOf(a40Prefill, options).link, factsOf(h100Prefill, options).link];
    expect(a40.bandwidthBytesPerSecond).toBe(25e9);
    expect(h100.bandwidthBytesPerSecond).toBe(2 * 50e9);
    expect(fleet.links).toEqual([
      { from: 'prefill', to: 'decode', ...a40, fromPool: 0 },
      { from: 'prefill', to: 'decode', ...h100, fromPool: 1 },
      { from: 'decode', to: 'prefill', ...a40, fromPool: 0 },
      { from: 'decode', to: 'prefill', ...h100, fromPool: 1 },
    ]);
  });

  it('prefill pools with equal links keep the one role-level pair plans always had', () => {
    // a40 TP2 and h100-sxm TP1: different GPUs, the same 50 GB/s.
    const fleet = planToFleet(planOf([pool('a40/tp2/bf16/prefill/tdp'), pool('h100-sxm/tp1/bf16/prefill/tdp')]), fleetOptionsFor(request));
    expect(fleet.links.map((l) => [l.from, l.to, l.bandwidthBytesPerSecond, l.fromPool])).toEqual([['prefill', 'decode', 50e9, undefined], ['decode', 'prefill', 50e9, undefined]]);
  });

  it('--link gives one link for all pools', () => {
    const link = { bandwidthBytesPerSecond: 7e9, latencySeconds: 1e-3 };
    const fleet = planToFleet(planOf([a40Prefill, h100Prefill]), { ...fleetOptionsFor(request), link });
    expect(fleet.links).toEqual([{ from: 'prefill', to: 'decode', ...link }, { from: 'decode', to: 'prefill', ...link }]);
  });

  for (const [name, first, other] of [['a40 TP1', a40Prefill, h100Prefill], ['h100-sxm TP2', h100Prefill, a40Prefill]] as const) {
    it(`a conversation prefilled on the ${name} pool pays that pool's priced transfer, not the slowest pool's`, () => {
      const inputTokens = 60_000;
      const fleet = planToFleet(planOf([first, other]), fleetOptionsFor(request));
      const instant: Fleet = { ...fleet, links: fleet.links.map((l) => ({ ...l, bandwidthBytesPerSecond: Infinity, latencySeconds: 0 })) };
      const transferSeconds = finishSeconds(fleet, inputTokens) - finishSeconds(instant, inputTokens);
      // The kernel sends turn 1's context: its input plus the first token, computed on the prefiller.
      const bytes = (inputTokens + 1) * first.perf.kvBytesPerToken;
      const priced = factsOf(first, options).link;
      expect(transferSeconds).toBeCloseTo(priced.latencySeconds + bytes / priced.bandwidthBytesPerSecond, 9);
      const slowest = factsOf(a40Prefill, options).link;
      if (first === h100Prefill) expect(transferSeconds).toBeLessThan(0.75 * (slowest.latencySeconds + bytes / slowest.bandwidthBytesPerSecond));
    });
  }
});
