/**
 * Fast path (closed-form macro-steps) against the per-iteration reference mode on 200 fixed seeds of small random
 * fleets, mixes and settings. Every disagreeing seed is collected before asserting (zod's pattern), so a failure
 * names all of them. A fixture suite covers the cases somebody wrote down; this covers the ones nobody did.
 */
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../catalogs/types.js';
import { createStream } from '../../models/random.js';
import { simulateConversations } from '../../planner/kernel/kernel.js';
import type { KernelOptions, PolicyName } from '../../planner/kernel/types.js';
import { generateConversations } from '../../planner/kernel/workload.js';
import { buildFleet, buildMix, createSyntheticPerfModel } from '../unit/kernel/fixtures.js';

const POLICIES: PolicyName[] = ['conserve', 'per-turn-predict', 'per-turn-disagg', 'colocated'];

/** Paths whose values legitimately differ between modes. */
const SKIP = new Set(['mode', 'events']);

function collectDifferences(a: unknown, b: unknown, path: string, out: string[]): void {
  if (SKIP.has(path)) return;
  if (typeof a === 'number' && typeof b === 'number') {
    const quantileLike = /\.(p50|p90|p95|p99)$/.test(path);
    // Quantiles may land one log bucket apart when a sample sits on a bucket edge (bucket ratio 1.02).
    const tolerance = quantileLike ? 0.021 : 1e-6;
    const scale = Math.max(Math.abs(a), Math.abs(b), 1e-9);
    if (Math.abs(a - b) / scale > tolerance) out.push(`${path}: fast ${a} vs reference ${b}`);
    return;
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const key of Object.keys(a as object)) collectDifferences((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`, out);
    return;
  }
  if (a !== b) out.push(`${path}: fast ${String(a)} vs reference ${String(b)}`);
}

function randomCase(seed: number) {
  const u = createStream(seed, 'differential-case');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(u() * xs.length)];
  const policy = pick(POLICIES);
  const fleet = buildFleet({ prefill: 1 + Math.floor(u() * 2), decode: 1 + Math.floor(u() * 3) });
  // Small KV capacities force admission waits and preemptions on some seeds.
  const capacity = pick([6_000, 12_000, 40_000, 300_000]);
  const tool: Distribution = pick<Distribution>([{ kind: 'fixed', value: 0 }, { kind: 'exponential', mean: 0.5 }, { kind: 'uniform', min: 0, max: 3 }]);
  const mix = buildMix(0.5 + u() * 4, {
    turns: { kind: 'uniform', min: 1, max: 1 + Math.floor(u() * 6) },
    firstInputTokens: { kind: 'lognormal', median: 400 + u() * 2000, sigma: 0.6, max: 5000 },
    appendedInputTokens: { kind: 'lognormal', median: 60, sigma: 0.8, max: 800 },
    outputTokens: { kind: 'lognormal', median: 40 + u() * 120, sigma: 0.8, max: 600 },
    toolLatencySeconds: tool,
  });
  const options: Omit<KernelOptions, 'mode'> = {
    policy,
    seed,
    reservation: pick(['grow', 'peak'] as const),
    preemption: pick(['recompute', 'swap'] as const),
    engineTokenBudget: pick([256, 2048]),
    prefillTokenBudget: pick([1024, 16384]),
    warmupSeconds: pick([0, 2]),
    mispredictionRate: pick([0, 0.1, 0.5]),
  };
  return { fleet, mix, options, capacity, conversations: 25 + Math.floor(u() * 40) };
}

describe('kernel fast path vs reference mode', () => {
  it('agrees on 200 fixed seeds of random fleets, mixes and settings', () => {
    const failures: string[] = [];
    let preempting = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const c = randomCase(seed);
      const run = (mode: 'fast' | 'reference') =>
        simulateConversations(c.fleet, generateConversations(c.mix, { seed, maxConversations: c.conversations }), (p) => createSyntheticPerfModel(p, { kvCapacityTokens: c.capacity }), { ...c.options, mode });
      try {
        const fast = run('fast');
        const reference = run('reference');
        if (reference.preemptions > 0) preempting++;
        const diffs: string[] = [];
        collectDifferences(fast, reference, '', diffs);
        if (diffs.length > 0) failures.push(`seed ${seed} (${c.options.policy}): ${diffs.slice(0, 4).join('; ')}`);
      } catch (error) {
        failures.push(`seed ${seed} (${c.options.policy}): threw ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    // The seeds must exercise preemption, or the comparison says nothing about it.
    expect(preempting).toBeGreaterThan(5);
  });
});
