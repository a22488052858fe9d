import { describe, expect, it } from 'vitest';
import type { SloSet } from '../../../catalogs/types.js';
import { InputError } from '../../../catalogs/issues.js';
import { simulateConversations } from '../../../planner/kernel/kernel.js';
import type { ConversationSpec, KernelOptions } from '../../../planner/kernel/types.js';
import { generateConversations } from '../../../planner/kernel/workload.js';
import { buildFleet, buildMix, createSyntheticPerfModel } from './fixtures.js';

const perf = (p: Parameters<typeof createSyntheticPerfModel>[0]) => createSyntheticPerfModel(p);
const mix = buildMix(2);
const run = (options: KernelOptions, conversations = 300, fleet = buildFleet({ prefill: 1, decode: 3 })) =>
  simulateConversations(fleet, generateConversations(mix, { seed: options.seed, maxConversations: conversations }), perf, options);

describe('simulateConversations()', () => {
  it('gives byte-identical JSON for the same seed and a different one for another seed', () => {
    const a = JSON.stringify(run({ policy: 'conserve', seed: 11 }));
    const b = JSON.stringify(run({ policy: 'conserve', seed: 11 }));
    const c = JSON.stringify(run({ policy: 'conserve', seed: 12 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('conserve moves each conversation\'s KV exactly once; per-turn-disagg once per turn that decodes', () => {
    const specs = [...generateConversations(mix, { seed: 5, maxConversations: 300 })];
    const conserve = run({ policy: 'conserve', seed: 5 });
    const expectedOnce = specs.filter((s) => s.turns.length > 1 || s.turns[0].outputTokens > 1).length;
    expect(conserve.kv_transfers).toBe(expectedOnce);
    const disagg = run({ policy: 'per-turn-disagg', seed: 5 });
    const expectedPerTurn = specs.reduce((n, s) => n + s.turns.filter((t) => t.outputTokens > 1).length, 0);
    expect(disagg.kv_transfers).toBe(expectedPerTurn);
    expect(run({ policy: 'colocated', seed: 5 }).kv_transfers).toBe(0);
  });

  it('per-turn-predict with a zero misprediction rate makes the same decisions as conserve', () => {
    const conserve = { ...run({ policy: 'conserve', seed: 3 }), policy: '' };
    const predict = { ...run({ policy: 'per-turn-predict', seed: 3, mispredictionRate: 0 }), policy: '' };
    expect(predict).toEqual(conserve);
  });

  it('per-turn-predict at rate 1 sends every later turn through a prefiller (two transfers each)', () => {
    const specs = [...generateConversations(mix, { seed: 4, maxConversations: 300 })];
    const laterTurns = specs.reduce((n, s) => n + s.turns.length - 1, 0);
    const once = specs.filter((s) => s.turns.length > 1 || s.turns[0].outputTokens > 1).length;
    const predict = run({ policy: 'per-turn-predict', seed: 4, mispredictionRate: 1 });
    expect(predict.kv_transfers).toBe(once + 2 * laterTurns);
    expect(predict.ttft_s.mean).toBeGreaterThan(run({ policy: 'conserve', seed: 4 }).ttft_s.mean);
  });

  it('rejects and reports a conversation larger than every decoder\'s KV, and still finishes the others', () => {
    const huge: ConversationSpec = { id: 'huge', classId: 'x', arrivalSeconds: 0.5, turns: [{ inputTokens: 400_000, outputTokens: 10, toolLatencySeconds: 0 }] };
    const small: ConversationSpec = { id: 'small', classId: 'x', arrivalSeconds: 1, turns: [{ inputTokens: 1000, outputTokens: 10, toolLatencySeconds: 0 }] };
    for (const policy of ['conserve', 'per-turn-predict', 'per-turn-disagg', 'colocated'] as const) {
      const r = simulateConversations(buildFleet({ prefill: 1, decode: 2 }), [huge, small], perf, { policy, seed: 1 });
      expect(r.rejected).toBe(1);
      expect(r.counts.finished).toBe(1);
      expect(r.counts.in_flight).toBe(0);
    }
  });

  it('throws an InputError naming the missing role', () => {
    const fleet = buildFleet({ decode: 2 });
    let caught: unknown;
    try {
      run({ policy: 'conserve', seed: 1 }, 10, fleet);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toBe('instances: found no instance with role "prefill", expected at least one for policy "conserve"');
    expect(run({ policy: 'colocated', seed: 1 }, 10, fleet).counts.finished).toBe(10);
  });

  it('a conversation alone on a colocated engine has slowdown 1 against its standalone latency', () => {
    const alone: ConversationSpec = {
      id: 'alone',
      classId: 'x',
      arrivalSeconds: 0,
      turns: [
        { inputTokens: 3000, outputTokens: 50, toolLatencySeconds: 0 },
        { inputTokens: 200, outputTokens: 80, toolLatencySeconds: 1.5 },
        { inputTokens: 90, outputTokens: 20, toolLatencySeconds: 0 },
      ],
    };
    const r = simulateConversations(buildFleet({ colocated: 1 }), [alone], perf, { policy: 'colocated', seed: 1, engineTokenBudget: 8192 });
    expect(r.slowdown.ttfet.max).toBeCloseTo(1, 9);
    expect(r.slowdown.ttft.max).toBeCloseTo(1, 9);
    expect(r.slowdown.tbt.max).toBeCloseTo(1, 9);
  });

  it('excludes the warm-up from statistics and states it', () => {
    const r = run({ policy: 'conserve', seed: 2, warmupSeconds: 30 });
    expect(r.warmup_s).toBe(30);
    expect(r.counts.measured).toBeLessThan(r.counts.arrived);
    expect(r.conversations).toBe(r.counts.measured);
    expect(r.measured_window_s).toBeCloseTo(r.sim_time_s - 30, 6);
  });

  it('slo_attainment is 1 under loose targets and 0 under impossible ones', () => {
    const loose: SloSet = { id: 'loose', description: '', attainment: 0.9, sources: {}, targets: [{ metric: 'ttfet_s', percentile: 95, kind: 'absolute', maxValue: 1e6 }] };
    const impossible: SloSet = { ...loose, id: 'impossible', targets: [{ metric: 'ttfet_s', percentile: 95, kind: 'slowdown', maxSlowdown: 0.5 }] };
    const a = run({ policy: 'conserve', seed: 8, slo: loose });
    expect(a.slo_attainment).toBe(1);
    expect(a.slo?.met).toBe(true);
    const b = run({ policy: 'conserve', seed: 8, slo: impossible });
    expect(b.slo_attainment).toBe(0);
    expect(b.slo?.met).toBe(false);
    expect(run({ policy: 'conserve', seed: 8 }).slo_attainment).toBeNull();
  });

  it('stops at the horizon and counts what is still in flight', () => {
    const r = run({ policy: 'conserve', seed: 9, horizonSeconds: 40 });
    expect(r.stopped_at_horizon).toBe(true);
    expect(r.counts.in_flight).toBeGreaterThan(0);
    expect(r.counts.finished + r.counts.in_flight + r.counts.rejected).toBe(r.counts.arrived);
  });

  it('rejects an out-of-order workload', () => {
    const a: ConversationSpec = { id: 'a', classId: 'x', arrivalSeconds: 2, turns: [{ inputTokens: 10, outputTokens: 2, toolLatencySeconds: 0 }] };
    const b: ConversationSpec = { ...a, id: 'b', arrivalSeconds: 1 };
    expect(() => simulateConversations(buildFleet({ prefill: 1, decode: 1 }), [a, b], perf, { policy: 'conserve', seed: 1 })).toThrow('Workload out of order: conversation "b" arrives at 1 s after one at 2 s');
  });
});
