/**
 * Queueing theory checks of the kernel. A single prefiller fed single-turn Poisson conversations with one output
 * token is an M/G/1 queue (the first token is the prefill's): its mean wait must match Pollaczek–Khinchine. With c
 * prefillers and exponential service, least-queued-work routing is FCFS M/M/c, so the mean wait must match Erlang C.
 */
import { describe, expect, it } from 'vitest';
import type { Distribution } from '../../catalogs/types.js';
import { simulateConversations } from '../../planner/kernel/kernel.js';
import { generateConversations } from '../../planner/kernel/workload.js';
import { buildFleet, buildMix, createSyntheticPerfModel } from '../unit/kernel/fixtures.js';

const oneToken: Distribution = { kind: 'fixed', value: 1 };

function meanWait(options: { prefillers: number; rate: number; input: Distribution; conversations: number; coefficients: Parameters<typeof createSyntheticPerfModel>[1] }) {
  const mix = buildMix(options.rate, { turns: { kind: 'fixed', value: 1 }, firstInputTokens: options.input, outputTokens: oneToken });
  const fleet = buildFleet({ prefill: options.prefillers, decode: 1 });
  const perf = (p: Parameters<typeof createSyntheticPerfModel>[0]) => createSyntheticPerfModel(p, { ...options.coefficients, kvCapacityTokens: 1e12 });
  const workload = () => generateConversations(mix, { seed: 2024, maxConversations: options.conversations });
  const r = simulateConversations(fleet, workload(), perf, { policy: 'conserve', seed: 2024, prefillMaxBatch: 1, prefillTokenBudget: 1 << 20 });
  // Mean and second moment of the service times of exactly these conversations (same seeded stream).
  const model = perf(fleet.instances[0]);
  let s1 = 0;
  let s2 = 0;
  let n = 0;
  for (const c of workload()) {
    const s = model.prefillSeconds(c.turns[0].inputTokens, 0);
    s1 += s;
    s2 += s * s;
    n++;
  }
  expect(r.conversations).toBe(n);
  return { simulatedWait: r.ttfet_s.mean - s1 / n, meanService: s1 / n, secondMoment: s2 / n, result: r };
}

describe('kernel queueing', () => {
  it('single prefiller, Poisson single-turn arrivals: mean wait within 3% of Pollaczek–Khinchine', () => {
    const rate = 4;
    const { simulatedWait, meanService, secondMoment } = meanWait({ prefillers: 1, rate, input: { kind: 'uniform', min: 500, max: 4000 }, conversations: 400_000, coefficients: {} });
    const rho = rate * meanService;
    expect(rho).toBeGreaterThan(0.4);
    expect(rho).toBeLessThan(0.8);
    const pk = (rate * secondMoment) / (2 * (1 - rho));
    expect(Math.abs(simulatedWait - pk) / pk).toBeLessThan(0.03);
  });

  it('three prefillers, exponential service: mean wait within 3% of Erlang C', () => {
    const c = 3;
    const meanTokens = 2000;
    const perToken = 5e-5;
    const rate = 21; // ρ = λ·E[S]/c = 21 · 0.1 / 3 = 0.7
    const { simulatedWait, meanService } = meanWait({
      prefillers: c,
      rate,
      input: { kind: 'exponential', mean: meanTokens },
      conversations: 400_000,
      coefficients: { prefillInterceptSeconds: 0, prefillAttentionSeconds: 0, prefillPerTokenSeconds: perToken },
    });
    const a = rate * meanService;
    const rho = a / c;
    let sum = 0;
    let term = 1;
    for (let k = 0; k < c; k++) {
      if (k > 0) term *= a / k;
      sum += term;
    }
    const last = (term * a) / c / (1 - rho);
    const erlangC = last / (sum + last);
    const wq = erlangC * meanService / (c * (1 - rho));
    expect(Math.abs(simulatedWait - wq) / wq).toBeLessThan(0.03);
  });

  it('utilisation is read over the loaded window: a long drain after the last arrival does not dilute it', () => {
    // One prefiller at offered load λ·E[S] ≈ 0.5 for 2,000 s; every conversation then waits 3,000 s on a tool, so the
    // run lasts more than twice as long as its arrivals. Utilisation must still match the offered load.
    const rate = 4;
    const durationSeconds = 2000;
    const mix = buildMix(rate, {
      turns: { kind: 'fixed', value: 2 },
      firstInputTokens: { kind: 'uniform', min: 500, max: 4000 },
      appendedInputTokens: { kind: 'fixed', value: 10 },
      outputTokens: oneToken,
      toolLatencySeconds: { kind: 'fixed', value: 3000 },
    });
    const fleet = buildFleet({ prefill: 1, decode: 1 });
    const perf = (p: Parameters<typeof createSyntheticPerfModel>[0]) => createSyntheticPerfModel(p, { kvCapacityTokens: 1e12 });
    const workload = () => generateConversations(mix, { seed: 7, durationSeconds });
    const r = simulateConversations(fleet, workload(), perf, { policy: 'conserve', seed: 7, durationSeconds, prefillMaxBatch: 1, prefillTokenBudget: 1 << 20 });
    const model = perf(fleet.instances[0]);
    let work = 0;
    for (const c of workload()) work += model.prefillSeconds(c.turns[0].inputTokens, 0);
    const offered = work / durationSeconds;
    expect(r.sim_time_s).toBeGreaterThan(2 * durationSeconds);
    expect(offered).toBeGreaterThan(0.3);
    const prefill = r.pools.find((p) => p.served_as === 'prefill')!;
    expect(Math.abs(prefill.utilization - offered) / offered).toBeLessThan(0.05);
  });
});
