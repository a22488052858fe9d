/**
 * Conservation properties of the kernel over random small fleets, mixes and settings (fast-check; the seed is
 * printed on failure): every arrived conversation is finished, in flight or rejected; tokens out equal tokens asked
 * for once drained; each pool's energy is at least its idle power over the window; KV never exceeds capacity (the
 * engine throws if it would, so a completed run is the proof) and sampled occupancy stays ≤ 1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateConversations } from '../../planner/kernel/kernel.js';
import { POLICY_NAMES } from '../../planner/kernel/types.js';
import { generateConversations } from '../../planner/kernel/workload.js';
import { buildFleet, buildMix, createSyntheticPerfModel, DEFAULT_COEFFICIENTS } from '../unit/kernel/fixtures.js';

const caseArb = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  policy: fc.constantFrom(...POLICY_NAMES),
  prefill: fc.integer({ min: 1, max: 3 }),
  decode: fc.integer({ min: 1, max: 3 }),
  capacity: fc.constantFrom(8_000, 30_000, 300_000),
  rate: fc.double({ min: 0.2, max: 6, noNaN: true }),
  conversations: fc.integer({ min: 5, max: 60 }),
  horizon: fc.constantFrom(undefined, 20, 60),
  preemption: fc.constantFrom('recompute' as const, 'swap' as const),
  reservation: fc.constantFrom('grow' as const, 'peak' as const),
  warmup: fc.constantFrom(0, 3),
});

describe('kernel conservation', () => {
  it('conserves conversations, tokens and energy, and keeps KV within capacity', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const fleet = buildFleet({ prefill: c.prefill, decode: c.decode });
        const mix = buildMix(c.rate);
        const r = simulateConversations(fleet, generateConversations(mix, { seed: c.seed, maxConversations: c.conversations }), (p) => createSyntheticPerfModel(p, { kvCapacityTokens: c.capacity }), {
          policy: c.policy,
          seed: c.seed,
          preemption: c.preemption,
          reservation: c.reservation,
          warmupSeconds: c.warmup,
          ...(c.horizon !== undefined ? { horizonSeconds: c.horizon } : {}),
        });
        const n = r.counts;
        if (!r.stopped_at_horizon) expect(n.arrived).toBe(c.conversations);
        expect(n.finished + n.in_flight + n.rejected).toBe(n.arrived);
        if (!r.stopped_at_horizon) {
          expect(n.in_flight).toBe(0);
          expect(n.output_tokens_emitted).toBe(n.output_tokens_requested);
        } else expect(n.output_tokens_emitted).toBeLessThanOrEqual(n.output_tokens_requested);
        for (const pool of r.pools) {
          const idle = DEFAULT_COEFFICIENTS.idleWatts * pool.count * r.measured_window_s;
          // Both figures are rounded to 9 significant digits in the JSON.
          expect(pool.energy_j).toBeGreaterThanOrEqual(idle * (1 - 1e-7));
          expect(pool.utilization).toBeLessThanOrEqual(1 + 1e-9);
          if (pool.kv_occupancy !== null) expect(pool.kv_occupancy.p95).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 150, seed: 4242 },
    );
  });
});
