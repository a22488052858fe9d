/**
 * A prefill iteration of several prompts costs the model's batched time — one floor, hinges on the batch's total
 * tokens — in the prefiller and in a decode/colocated engine's steps, and every prompt in it gets its first token at
 * the iteration's end. Checked from outside on the fitted H100 model (Llama-2-70B TP8, where the floor and the 512-token
 * hinge are both non-zero, so a sum of single-prompt times is measurably wrong in both directions).
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { Fleet, InstancePool, Role } from '../../../catalogs/types.js';
import { createPerfModel } from '../../../models/index.js';
import type { PerfModel } from '../../../models/types.js';
import { simulateConversations } from '../../../planner/kernel/kernel.js';
import type { ConversationSpec } from '../../../planner/kernel/types.js';

const catalog = loadBuiltinCatalog();
const model = createPerfModel(catalog.gpus.get('h100-sxm')!, catalog.llms.get('llama-2-70b')!, { tp: 8 }) as PerfModel;

function fleetOf(roles: readonly Role[]): Fleet {
  const instances: InstancePool[] = roles.map((role) => ({ gpu: 'h100-sxm', llm: 'llama-2-70b', tp: 8, role, count: 1 }));
  return { instances, links: [{ from: 'prefill', to: 'decode', bandwidthBytesPerSecond: 50e9, latencySeconds: 1e-5 }] };
}

function request(id: string, arrivalSeconds: number, inputTokens: number, outputTokens: number): ConversationSpec {
  return { id, classId: 'c', arrivalSeconds, turns: [{ inputTokens, outputTokens, toolLatencySeconds: 0 }] };
}

/** Mean TTFET (arrival → first token of the only turn) over the requests. */
function meanTtfet(roles: readonly Role[], requests: readonly ConversationSpec[], mode: 'fast' | 'reference' = 'fast'): number {
  const policy = roles.includes('prefill') ? 'conserve' : 'colocated';
  const r = simulateConversations(fleetOf(roles), requests, () => model, { policy, seed: 1, mode, engineTokenBudget: 8192 });
  expect(r.conversations).toBe(requests.length);
  return r.ttfet_s.mean;
}

describe('prefillBatchSeconds()', () => {
  it('equals the per-sequence-average form for identical pieces and bends at the batch total, not per piece', () => {
    for (const k of [1, 2, 4, 8]) {
      const pieces = Array.from({ length: k }, () => ({ newTokens: 512, cachedTokens: 100 }));
      expect(model.prefillBatchSeconds(pieces)).toBeCloseTo(model.prefillSeconds(512 * k, 100 * k, k), 12);
    }
    // Two 512-token prompts together pass the 512-token hinge that neither passes alone, and pay one floor.
    const single = model.prefillSeconds(512, 0);
    const pair = model.prefillBatchSeconds([{ newTokens: 512, cachedTokens: 0 }, { newTokens: 512, cachedTokens: 0 }]);
    expect(pair).not.toBeCloseTo(2 * single, 4);
    expect(pair / single).toBeLessThan(1.6);
    // Riding a decode step leaves out exactly the floor the step pays; empty pieces cost nothing.
    const mixed = [{ newTokens: 300, cachedTokens: 4000 }, { newTokens: 2000, cachedTokens: 0 }, { newTokens: 0, cachedTokens: 50 }];
    expect(model.prefillBatchSeconds(mixed) - model.prefillBatchSeconds(mixed, { ridesDecodeStep: true })).toBeCloseTo(model.prefillBatchSeconds([{ newTokens: 1, cachedTokens: 0 }]) - model.chunkedPrefillSeconds(1, 0), 12);
    expect(model.prefillBatchSeconds([{ newTokens: 0, cachedTokens: 10 }])).toBe(0);
    expect(model.prefillBatchSeconds([{ newTokens: 2000, cachedTokens: 0 }])).toBeCloseTo(model.prefillSeconds(2000, 0), 12);
  });
});

describe('kernel: a batch of prompts costs the batched time', () => {
  // A long prompt occupies the instance first; two short ones queue behind it and run together in the next iteration.
  const first = model.prefillSeconds(4096, 0);
  const batched = model.prefillBatchSeconds([{ newTokens: 512, cachedTokens: 0 }, { newTokens: 700, cachedTokens: 0 }]);
  const requests = [request('a', 0, 4096, 1), request('b', 0.01, 512, 1), request('c', 0.02, 700, 1)];
  const expected = (first + 2 * (first + batched) - 0.03) / 3;

  it.each([
    ['prefiller (conserve)', ['prefill', 'decode']],
    ['colocated engine, nothing decoding', ['colocated']],
  ] as const)('%s', (_name, roles) => {
    const sumOfSingles = (3 * first + 2 * (model.prefillSeconds(512, 0) + model.prefillSeconds(700, 0)) - 0.03) / 3;
    expect(expected).not.toBeCloseTo(sumOfSingles, 3);
    for (const mode of ['fast', 'reference'] as const) expect(meanTtfet(roles, requests, mode)).toBeCloseTo(expected, 8);
  });

  it('chunks riding a decode step: a second prompt adds the batch increment, not its time alone', () => {
    // One long decode is running; b (and c) arrive mid-decode and ride the same step. Everything before the step is
    // identical in both runs, so their difference isolates what c adds to the step.
    const decoding = request('a', 0, 1000, 2000);
    const b = request('b', 0.5, 512, 1);
    const c = request('c', 0.5, 512, 1);
    for (const mode of ['fast', 'reference'] as const) {
      const aTtfet = model.prefillSeconds(1000, 0);
      const withB = 2 * meanTtfet(['colocated'], [decoding, b], mode) - aTtfet;
      const withBc = (3 * meanTtfet(['colocated'], [decoding, b, c], mode) - aTtfet) / 2;
      const increment = model.prefillBatchSeconds([b, c].map(() => ({ newTokens: 512, cachedTokens: 0 })), { ridesDecodeStep: true }) - model.chunkedPrefillSeconds(512, 0);
      expect(withBc - withB).toBeCloseTo(increment, 8);
      expect(increment).not.toBeCloseTo(model.chunkedPrefillSeconds(512, 0), 4);
    }
  });
});
