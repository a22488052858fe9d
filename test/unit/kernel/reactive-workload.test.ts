/**
 * The kernel's reactive workloads (closed-loop clients): the workload is told of every finish at the finish instant,
 * may release arrivals then, end the warm-up and stop the run; fast and reference modes agree on such runs.
 */
import { describe, expect, it } from 'vitest';
import { simulateConversations } from '../../../planner/kernel/kernel.js';
import type { ConversationSpec, FinishedConversation, ReactiveWorkload, RunControl } from '../../../planner/kernel/types.js';
import { buildFleet, createSyntheticPerfModel } from './fixtures.js';

/** N clients, each replacing its request at once; ends the warm-up after `warmup` finishes and stops after `total`. */
class ClosedLoop implements ReactiveWorkload {
  made = 0;
  arrivals: number[] = [];
  measureEndAt = NaN;
  finishes: Array<{ at: number; inFlight: number }> = [];
  warmupAt = NaN;
  constructor(private readonly n: number, private readonly warmup: number, private readonly total: number) {}
  private request(at: number): ConversationSpec {
    const k = this.made++;
    this.arrivals.push(at);
    return { id: `r${k}`, classId: 'c', arrivalSeconds: at, turns: [{ inputTokens: 300 + (k % 7) * 100, outputTokens: 20 + (k % 5) * 15, toolLatencySeconds: 0 }] };
  }
  *[Symbol.iterator](): Iterator<ConversationSpec> {
    for (let i = 0; i < this.n; i++) yield this.request(0);
  }
  onFinished(f: FinishedConversation, control: RunControl): ConversationSpec[] | undefined {
    this.finishes.push({ at: f.finishSeconds, inFlight: control.inFlight });
    if (this.finishes.length === this.warmup) {
      control.endWarmup();
      this.warmupAt = control.nowSeconds;
    }
    if (this.finishes.length === this.total - 40) {
      control.endMeasurement();
      this.measureEndAt = control.nowSeconds;
    }
    if (this.finishes.length === this.total) {
      control.stop();
      return undefined;
    }
    return [this.request(f.finishSeconds)];
  }
}

const run = (mode: 'fast' | 'reference', policy: 'colocated' | 'conserve', client = new ClosedLoop(8, 20, 200)) => {
  const fleet = policy === 'colocated' ? buildFleet({ colocated: 1 }) : buildFleet({ prefill: 1, decode: 2 });
  const result = simulateConversations(fleet, client, (p) => createSyntheticPerfModel(p), { policy, seed: 3, mode, warmupSeconds: Infinity });
  return { result, client };
};

describe('reactive workloads', () => {
  for (const policy of ['colocated', 'conserve'] as const) {
    it(`${policy}: a closed loop keeps exactly N requests issued, the warm-up and the stop land where the workload said`, () => {
      const { result, client } = run('fast', policy);
      expect(result.counts.max_in_flight).toBe(8);
      // Stopped at the 200th finish without a replacement: N − 1 still in flight, none lost or duplicated.
      expect(result.counts.finished).toBe(200);
      expect(result.counts.in_flight).toBe(7);
      expect(result.counts.arrived).toBe(207);
      expect(result.warmup_s).toBe(client.warmupAt);
      expect(result.sim_time_s).toBeCloseTo(client.finishes[199].at, 6);
      expect(result.measured_window_s).toBeCloseTo(client.finishes[199].at - client.warmupAt, 6);
      // Measured: exactly the requests released in [end of warm-up, end of measurement).
      const measured = client.arrivals.filter((t) => t >= client.warmupAt && t < client.measureEndAt).length;
      expect(result.counts.measured).toBe(measured);
      expect(measured).toBeGreaterThan(100);
      expect(result.conversations).toBeLessThanOrEqual(measured);
      // Finishes reach the workload in time order.
      for (let i = 1; i < client.finishes.length; i++) expect(client.finishes[i].at).toBeGreaterThanOrEqual(client.finishes[i - 1].at);
    });

    it(`${policy}: fast and reference agree on a reactive run`, () => {
      const fast = run('fast', policy).result;
      const reference = run('reference', policy).result;
      expect(reference.conversations).toBe(fast.conversations);
      expect(reference.sim_time_s).toBeCloseTo(fast.sim_time_s, 6);
      expect(reference.e2e_s.mean).toBeCloseTo(fast.e2e_s.mean, 9);
      expect(reference.tbt_ms.mean).toBeCloseTo(fast.tbt_ms.mean, 6);
      expect(reference.energy_j).toBeCloseTo(fast.energy_j, 3);
    });
  }

  it('energy counts only the window the workload measured', () => {
    const { result } = run('fast', 'colocated');
    // One instance of a synthetic TP1 model: between idle (80 W) and prefill (300 W) power over the window.
    const watts = result.energy_j / result.measured_window_s;
    expect(watts).toBeGreaterThan(80);
    expect(watts).toBeLessThanOrEqual(300);
  });

  it('ending the warm-up is refused on a run with a fixed warm-up', () => {
    const client = new ClosedLoop(2, 1, 5);
    expect(() => simulateConversations(buildFleet({ colocated: 1 }), client, (p) => createSyntheticPerfModel(p), { policy: 'colocated', seed: 1, warmupSeconds: 0 })).toThrow(/warmupSeconds Infinity/);
  });
});
