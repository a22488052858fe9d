/**
 * The KV link a plan's fleet gets (planner/check/fleet.ts) must be the one the planner priced (demand/pool-facts.ts:
 * the instance's GPUs × the per-GPU inter-node share) and the one a fleet file without links gets
 * (catalogs/default-links.ts). An MoE instance is max(tp, ep) GPUs, so a tp 8 × ep 16 prefiller has 16 GPUs' NICs.
 */
import { describe, expect, it } from 'vitest';
import { planToFleet } from '../../../planner/check/fleet.js';
import type { Plan } from '../../../planner/types.js';

const pool = (role: 'prefill' | 'decode', tp: number, ep: number) => ({ gpu: 'h100-sxm', llm: 'deepseek-v3', tp, ep, role, count: 1 });

describe('planToFleet default KV link on expert-parallel pools', () => {
  it('counts every GPU of a tp × ep instance (max(tp, ep)), not only its tp', () => {
    const plan = { instances: [pool('prefill', 8, 16), pool('decode', 1, 16)] } as unknown as Plan;
    const fleet = planToFleet(plan, { interNodeBandwidthBytesPerSecond: { 'h100-sxm': 50e9 } });
    expect(fleet.links.map((l) => l.bandwidthBytesPerSecond)).toEqual([16 * 50e9, 16 * 50e9]);
  });
  it('a tp 1 × ep 8 prefiller has 8 GPUs of link, as the planner priced it', () => {
    const plan = { instances: [pool('prefill', 1, 8), pool('decode', 8, 8)] } as unknown as Plan;
    const fleet = planToFleet(plan, { interNodeBandwidthBytesPerSecond: { 'h100-sxm': 50e9 } });
    expect(fleet.links[0].bandwidthBytesPerSecond).toBe(8 * 50e9);
  });
});
