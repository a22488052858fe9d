/**
 * Cooperative stop (Ctrl-C): `shouldStop` is asked every N events and a stopped run is a distinct outcome
 * (KernelStoppedError, named AbortError); a run advanced in slices gives the same result as one run straight through.
 */
import { describe, expect, it } from 'vitest';
import { simulateConversations, startSimulation } from '../../../planner/kernel/kernel.js';
import { simulateConversationsSliced } from '../../../planner/kernel/run-sliced.js';
import { KernelStoppedError, type KernelOptions } from '../../../planner/kernel/types.js';
import { generateConversations } from '../../../planner/kernel/workload.js';
import { buildFleet, buildMix, createSyntheticPerfModel } from './fixtures.js';

const perf = (p: Parameters<typeof createSyntheticPerfModel>[0]) => createSyntheticPerfModel(p);
const mix = buildMix(2);
const fleet = buildFleet({ prefill: 1, decode: 3 });
const workload = (n = 400) => generateConversations(mix, { seed: 3, maxConversations: n });

describe('KernelOptions.shouldStop', () => {
  it('stops a run mid-way when a progress callback aborts the controller', () => {
    const full = simulateConversations(fleet, workload(), perf, { policy: 'conserve', seed: 3 });
    const controller = new AbortController();
    const options: KernelOptions = {
      policy: 'conserve',
      seed: 3,
      stopCheckEveryEvents: 50,
      progressEveryConversations: 100,
      onProgress: (_t, arrived) => {
        if (arrived === 200) controller.abort();
      },
      shouldStop: () => controller.signal.aborted,
    };
    let caught: unknown;
    try {
      simulateConversations(fleet, workload(), perf, options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KernelStoppedError);
    const stopped = caught as KernelStoppedError;
    expect(stopped.name).toBe('AbortError');
    expect(stopped.events).toBeGreaterThan(0);
    expect(stopped.events).toBeLessThan(full.events);
    expect(stopped.simSeconds).toBeLessThan(full.sim_time_s);
  });

  it('is not asked more often than every N events, and a run it never stops is unchanged', () => {
    let asked = 0;
    const plain = simulateConversations(fleet, workload(), perf, { policy: 'per-turn-disagg', seed: 3 });
    const watched = simulateConversations(fleet, workload(), perf, { policy: 'per-turn-disagg', seed: 3, stopCheckEveryEvents: 100, shouldStop: () => (asked++, false) });
    expect(JSON.stringify(watched)).toBe(JSON.stringify(plain));
    // N counts popped events, stale iteration ends (skipped, not in `events`) included.
    expect(asked).toBeGreaterThanOrEqual(Math.floor(plain.events / 100));
    expect(asked).toBeLessThanOrEqual(Math.ceil((2 * plain.events) / 100));
  });

  it('rejects a bad check period', () => {
    expect(() => simulateConversations(fleet, workload(10), perf, { policy: 'conserve', seed: 3, stopCheckEveryEvents: 0 })).toThrow(RangeError);
  });
});

describe('simulateConversationsSliced()', () => {
  it('gives byte-identical results to the synchronous run, yielding between slices', async () => {
    const sync = simulateConversations(fleet, workload(), perf, { policy: 'colocated', seed: 3 });
    let yields = 0;
    const sliced = await simulateConversationsSliced(fleet, workload(), perf, { policy: 'colocated', seed: 3 }, { sliceEvents: 97, yieldNow: async () => void yields++ });
    expect(JSON.stringify(sliced)).toBe(JSON.stringify(sync));
    expect(yields).toBeGreaterThanOrEqual(Math.floor(sync.events / 97) - 1);
  });

  it('rejects with KernelStoppedError when the controller is aborted from a progress callback mid-run', async () => {
    const controller = new AbortController();
    const run = simulateConversationsSliced(
      fleet,
      workload(),
      perf,
      { policy: 'conserve', seed: 3, progressEveryConversations: 50, onProgress: (_t, arrived) => arrived === 100 && controller.abort(), shouldStop: () => controller.signal.aborted },
      { sliceEvents: 200, yieldNow: () => new Promise((done) => setImmediate(done)) },
    );
    await expect(run).rejects.toBeInstanceOf(KernelStoppedError);
  });

  it('sees an abort that happens while it yields, before the next slice', async () => {
    const controller = new AbortController();
    let slices = 0;
    const run = simulateConversationsSliced(fleet, workload(), perf, { policy: 'conserve', seed: 3, shouldStop: () => controller.signal.aborted }, {
      sliceEvents: 100,
      yieldNow: async () => {
        if (++slices === 3) controller.abort();
      },
    });
    const error = (await run.catch((e: unknown) => e)) as KernelStoppedError;
    expect(error).toBeInstanceOf(KernelStoppedError);
    expect(error.events).toBeLessThanOrEqual(300);
    expect(slices).toBe(3);
  });
});

describe('startSimulation()', () => {
  it('refuses finish() before the run is over', () => {
    const run = startSimulation(fleet, workload(50), perf, { policy: 'conserve', seed: 3 });
    expect(run.advance(1)).toBe(false);
    expect(() => run.finish()).toThrow('advance() until it returns true');
  });
});
