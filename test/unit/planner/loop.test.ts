import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../catalogs/types.js';
import { cutsForMisses, planAndCheck, type CheckResult } from '../../../planner/check/loop.js';
import type { CheckOptions } from '../../../planner/check/check-result.js';
import { loopToJson } from '../../../planner/result/plan-json.js';
import type { PlanOptions, PlanRequest } from '../../../planner/types.js';
import { DATACENTER, LLAMA_8B, makeClass, makeGpu, makeMix, makeSlo, syntheticPerfFor } from './synthetic.js';

const request: PlanRequest = {
  mix: makeMix([makeClass('agent', { arrivalRatePerSecond: 4 })]),
  slo: makeSlo(60, 60),
  datacenter: DATACENTER,
  gpus: [makeGpu('h100')],
  llm: LLAMA_8B,
  perfModelFor: syntheticPerfFor,
};
const options: PlanOptions = { roles: ['prefill', 'decode'], powerCapFractions: { decode: [1] }, tpDegrees: [1] };

const count = (fleet: Fleet, role: string) => fleet.instances.filter((i) => i.role === role).reduce((a, i) => a + i.count, 0);

/** A fake kernel: TBT holds only with ≥ `decoders` decoders, TTFET only with ≥ `prefillers` prefillers. */
function fakeChecker(decoders: number, prefillers: number) {
  const seen: Fleet[] = [];
  const check = async (fleet: Fleet): Promise<CheckResult> => {
    seen.push(fleet);
    const d = count(fleet, 'decode');
    const p = count(fleet, 'prefill');
    const slos = [
      { metric: 'tbt_ms' as const, percentile: 95, target: 60, observed: d >= decoders ? 50 : 90, holds: d >= decoders },
      { metric: 'ttfet_s' as const, percentile: 95, target: 60, observed: p >= prefillers ? 40 : 75, holds: p >= prefillers },
    ];
    const pools = fleet.instances.map((i) => ({ gpu: i.gpu, tp: i.tp, role: i.role, utilization: i.role === 'decode' ? 0.9 : 0.5 }));
    return { holds: slos.every((s) => s.holds), slos, pools };
  };
  return { check, seen };
}

describe('planAndCheck()', () => {
  it('stops after one round when the first plan holds', async () => {
    const { check } = fakeChecker(0, 0);
    const result = await planAndCheck(request, check, options);
    expect(result).toMatchObject({ holds: true, stoppedBecause: 'holds' });
    expect(result.rounds).toHaveLength(1);
    expect(result.rounds[0].cuts).toEqual([]);
  });

  it('tightens the pool behind each miss until the plan holds, recording every round', async () => {
    const first = await planAndCheck(request, fakeChecker(0, 0).check, options);
    const base = first.plan!;
    const decoders0 = base.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0);
    const prefill0 = base.instances.filter((i) => i.role === 'prefill').reduce((a, i) => a + i.count, 0);
    const { check, seen } = fakeChecker(decoders0 + 3, prefill0 + 1);
    const result = await planAndCheck(request, check, { ...options, maxRounds: 12 });
    expect(result.holds).toBe(true);
    expect(result.rounds.length).toBeGreaterThan(1);
    expect(seen).toHaveLength(result.rounds.length);
    // The fleet returned (the last one checked may be a refuted cheaper candidate the search tried afterwards).
    const held = seen.find((f) => count(f, 'decode') === result.plan!.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0) && count(f, 'prefill') === result.plan!.instances.filter((i) => i.role === 'prefill').reduce((a, i) => a + i.count, 0))!;
    expect(count(held, 'decode')).toBeGreaterThanOrEqual(decoders0 + 3);
    expect(count(held, 'prefill')).toBeGreaterThanOrEqual(prefill0 + 1);
    // The search rounds (the cheaper search may try more fleets after a fleet held; each of those must miss).
    const search = result.rounds.filter((r) => r.phase === 'search');
    for (let i = 1; i < search.length; i++) expect(search[i].cuts.length).toBeGreaterThan(search[i - 1].cuts.length);
    const families = new Set(search.at(-1)!.cuts.map((c) => (c.kind === 'scale-capacity' ? c.family : c.kind)));
    expect(families.has('decode')).toBe(true);
    expect(families.has('prefill')).toBe(true);
    // The kernel's verdict decides: the last search round holds, every earlier one missed something.
    expect(search.at(-1)!.check?.holds).toBe(true);
    expect(search.slice(0, -1).every((r) => r.check?.holds === false)).toBe(true);
    // Rounds after it (TRIM, the cheaper search) may hold or miss; the loop returns the cheapest fleet that held.
    const json = loopToJson(result);
    expect(json.holds).toBe(true);
    expect(json.rounds).toHaveLength(result.rounds.length);
  });

  it('stops and says so when nothing can make the plan hold', async () => {
    const never = async (): Promise<CheckResult> => ({ holds: false, slos: [{ metric: 'tbt_ms', percentile: 95, target: 60, observed: 500, holds: false }] });
    const result = await planAndCheck(request, never, { ...options, maxRounds: 4, availabilityGpus: { h100: 40 } });
    expect(result.holds).toBe(false);
    expect(['no-plan', 'max-rounds']).toContain(result.stoppedBecause);
    expect(result.reason).toBeDefined();
    expect(result.plan).toBeDefined();
  });

  it('asks about a new fleet every round even when the check names no SLO: a refuted fleet and every smaller one are cut away', async () => {
    const seen: Fleet[] = [];
    const vague = async (fleet: Fleet): Promise<CheckResult> => {
      seen.push(fleet);
      return { holds: false, slos: [] };
    };
    const result = await planAndCheck(request, vague, { ...options, maxRounds: 3 });
    expect(result).toMatchObject({ holds: false, stoppedBecause: 'max-rounds', refuted: 3 });
    const counts = seen.map((f) => Object.fromEntries(f.instances.map((i) => [`${i.gpu}/${i.role}`, i.count])));
    expect(counts).toHaveLength(3);
    // No later fleet is pool-by-pool no larger than an earlier one.
    for (let i = 1; i < counts.length; i++) {
      for (let j = 0; j < i; j++) expect(Object.entries(counts[i]).every(([k, n]) => n <= (counts[j][k] ?? 0))).toBe(false);
    }
    expect(result.rounds.at(-1)!.cuts.filter((c) => c.kind === 'refuted-fleet')).toHaveLength(2);
  });

  it('keeps every fleet it proved and returns the cheapest: capacity cuts overshoot, the cheaper search comes back', async () => {
    const base = (await planAndCheck(request, fakeChecker(0, 0).check, options)).plan!;
    const decoders0 = base.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0);
    const prefill0 = base.instances.filter((i) => i.role === 'prefill').reduce((a, i) => a + i.count, 0);
    // Holds with two decoders more than the first plan; the miss is reported 10× over target, so the capacity cut
    // halves decode capacity and the next solve overshoots.
    const fake = fakeChecker(decoders0 + 2, prefill0);
    const check = async (fleet: Fleet): Promise<CheckResult> => {
      const r = await fake.check(fleet);
      return { ...r, slos: r.slos.map((v) => (v.holds ? v : { ...v, observed: v.target * 10 })) };
    };
    const noSearch = await planAndCheck(request, check, { ...options, cheaperRounds: 0 });
    const result = await planAndCheck(request, check, options);
    expect(result.holds).toBe(true);
    const decoders = result.plan!.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0);
    expect(decoders).toBe(decoders0 + 2);
    expect(count({ instances: noSearch.plan!.instances } as unknown as Fleet, 'decode')).toBeGreaterThan(decoders0 + 2);
    expect(result.plan!.objectiveValue).toBeLessThan(noSearch.plan!.objectiveValue);
    expect(result.rounds.some((r) => r.phase === 'cheaper' && r.check?.holds)).toBe(true);
    expect(result.proved).toBeGreaterThanOrEqual(1);
  });

  it('solves the next cheaper round beside the check as if the candidate missed: the same rounds and plan either way', async () => {
    const base = (await planAndCheck(request, fakeChecker(0, 0).check, options)).plan!;
    const decoders0 = base.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0);
    const prefill0 = base.instances.filter((i) => i.role === 'prefill').reduce((a, i) => a + i.count, 0);
    const fake = fakeChecker(decoders0 + 2, prefill0);
    const flags: Array<boolean | undefined> = [];
    const check = async (fleet: Fleet, o?: CheckOptions): Promise<CheckResult> => {
      flags.push(o?.runAhead);
      const r = await fake.check(fleet);
      return { ...r, slos: r.slos.map((v) => (v.holds ? v : { ...v, observed: v.target * 10 })) };
    };
    const shape = (r: Awaited<ReturnType<typeof planAndCheck>>) => ({
      plan: r.plan?.instances.map((i) => `${i.count}× ${i.poolKey}`),
      objective: r.plan?.objectiveValue,
      cheaper: r.cheaper,
      rounds: r.rounds.map((x) => ({ phase: x.phase, holds: x.check?.holds, fleet: x.outcome.ok ? x.outcome.plan.instances.map((i) => `${i.count}× ${i.poolKey}`) : x.outcome.reason, cuts: x.cuts.map((c) => (c.kind === 'refuted-fleet' ? c.counts : c.poolKey)) })),
    });
    const plain = shape(await planAndCheck(request, check, { ...options, cheaperRounds: 4 }));
    expect(flags).not.toContain(false);
    const beside = shape(await planAndCheck(request, check, { ...options, cheaperRounds: 4, solveBesideChecks: true }));
    expect(beside).toEqual(plain);
    // Both cases ran: a candidate checked with a solve beside it that missed (its solve used) and one that held.
    expect(flags).toContain(false);
    expect(plain.rounds.filter((x) => x.phase === 'cheaper').map((x) => x.holds)).toEqual(expect.arrayContaining([true, false]));
  });

  it('checks a known candidate first and never returns a dearer plan than it when it holds', async () => {
    const base = (await planAndCheck(request, fakeChecker(0, 0).check, options)).plan!;
    const big = { ...base, instances: base.instances.map((i) => ({ ...i, count: i.count + 2 })), objectiveValue: base.objectiveValue * 3 };
    const { check, seen } = fakeChecker(0, 0);
    const result = await planAndCheck(request, check, { ...options, candidate: big });
    expect(result.rounds[0].phase).toBe('candidate');
    expect(count(seen[0], 'decode')).toBe(count({ instances: big.instances } as unknown as Fleet, 'decode'));
    expect(result.plan!.objectiveValue).toBeLessThanOrEqual(big.objectiveValue);
    expect(result.plan!.objectiveValue).toBeCloseTo(base.objectiveValue, 6);
  });

  it('reports the first solve\'s reason when there is no plan at all', async () => {
    const { check, seen } = fakeChecker(0, 0);
    const result = await planAndCheck({ ...request, gpus: [] }, check, options);
    expect(result).toMatchObject({ holds: false, stoppedBecause: 'no-plan', reason: 'the candidate GPU set is empty: name at least one GPU type' });
    expect(seen).toHaveLength(0);
  });
});

describe('planAndCheck() with TRIM', () => {
  const busy: PlanRequest = { ...request, mix: makeMix([makeClass('agent', { arrivalRatePerSecond: 16 })]) };
  it('removes instances while the plan holds, records every attempt as a round, and ends tight', async () => {
    const base = (await planAndCheck(busy, fakeChecker(0, 0).check, options)).plan!;
    const decoders0 = base.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0);
    expect(decoders0).toBeGreaterThan(2);
    // The kernel needs two decoders fewer than the model bought.
    const { check, seen } = fakeChecker(decoders0 - 2, 1);
    const result = await planAndCheck(busy, check, { ...options, trim: { maxChecks: 10 } });
    expect(result).toMatchObject({ holds: true, stoppedBecause: 'holds' });
    expect(count(seen.at(-1)!, 'decode') >= decoders0 - 3).toBe(true);
    const final = result.plan!.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0);
    expect(final).toBe(decoders0 - 2);
    expect(result.trim).toMatchObject({ removed: expect.arrayContaining([expect.stringContaining('/decode/')]), budgetExhausted: false });
    expect(result.trim!.removed.filter((k) => k.includes('/decode/'))).toHaveLength(2);
    // Every attempt is a round; the kept ones held, the others did not; the final check is a passing one.
    const trims = result.rounds.filter((r) => r.trim);
    expect(trims).toHaveLength(result.trim!.attempts);
    expect(seen).toHaveLength(result.rounds.length);
    for (const r of trims) expect(r.check!.holds).toBe(r.trim!.kept);
    expect(result.check!.holds).toBe(true);
    // Cheaper by exactly what the removals saved, and the JSON says "trim".
    expect(result.plan!.objectiveValue).toBeCloseTo(base.objectiveValue - result.trim!.objectiveSaved, 6);
    expect(result.trim!.objectiveSaved).toBeGreaterThan(0);
    expect(result.plan!.cost.tcoUsd).toBeLessThan(base.cost.tcoUsd);
    const json = loopToJson(result);
    expect(json.trim).toMatchObject({ attempts: trims.length, budget_exhausted: false });
    expect(json.rounds.filter((r) => 'trim' in r && r.trim)).toHaveLength(trims.length);
    // Tight: the last prefiller is never removed, and one decoder fewer misses.
    expect(trims.some((r) => r.trim!.poolKey.includes('/decode/') && !r.trim!.kept)).toBe(true);
  });

  it('halves its step on a miss, so a large surplus goes in about log2(count) checks', async () => {
    const busier: PlanRequest = { ...request, mix: makeMix([makeClass('agent', { arrivalRatePerSecond: 64 })]) };
    const base = (await planAndCheck(busier, fakeChecker(0, 0).check, options)).plan!;
    const decoders0 = count({ instances: base.instances, links: [] } as unknown as Fleet, 'decode');
    expect(decoders0).toBeGreaterThanOrEqual(16);
    const needed = Math.ceil(decoders0 * 0.6); // the kernel needs 60% of what the model bought
    const { check } = fakeChecker(needed, 1);
    const result = await planAndCheck(busier, check, { ...options, trim: { maxChecks: 30 } });
    const final = result.plan!.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0);
    expect(final).toBe(needed); // tight, as one-at-a-time would end
    const decodeAttempts = result.rounds.filter((r) => r.trim?.poolKey.includes('/decode/'));
    // One instance at a time would take decoders0 − needed + 1 checks on the decoders.
    expect(decodeAttempts.length).toBeLessThan(decoders0 - needed + 1);
    expect(decodeAttempts.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(decoders0)) + 1);
    expect(decodeAttempts[0].trim!.count).toBe(Math.floor(decoders0 / 2));
    // Every removal is recorded instance by instance; the JSON round says how many went at once.
    expect(result.trim!.removed.filter((k) => k.includes('/decode/'))).toHaveLength(decoders0 - needed);
    const json = loopToJson(result);
    expect(json.rounds.filter((r) => 'trim' in r && r.trim).map((r) => (r as { trim: { removed: number } }).trim.removed)).toEqual(
      result.rounds.filter((r) => r.trim).map((r) => r.trim!.count),
    );
  });

  it('stops at its budget of kernel checks and says so', async () => {
    const { check } = fakeChecker(0, 0);
    const result = await planAndCheck(busy, check, { ...options, trim: { maxChecks: 1 } });
    expect(result.trim).toMatchObject({ attempts: 1, maxChecks: 1, budgetExhausted: true });
    expect(result.rounds.filter((r) => r.trim)).toHaveLength(1);
  });

  it('looks for a cheaper fleet only below a fleet proved elsewhere (provedElsewhere)', async () => {
    const base = (await planAndCheck(request, fakeChecker(0, 0).check, options)).plan!;
    const decoders0 = base.instances.filter((i) => i.role === 'decode').reduce((a, i) => a + i.count, 0);
    const prefill0 = base.instances.filter((i) => i.role === 'prefill').reduce((a, i) => a + i.count, 0);
    const searchAfterHolds = (r: { phase?: string }) => r.phase === 'cheaper' || r.phase === 'swap';
    const free = await planAndCheck(request, fakeChecker(decoders0 + 3, prefill0 + 1).check, { ...options, maxRounds: 12 });
    // Without the bound, the cheaper search checks fleets dearer than the MILP's first answer (the bound below).
    const bound = base.objectiveValue;
    expect(free.rounds.some((r) => searchAfterHolds(r) && r.outcome.ok && r.outcome.plan.objectiveValue >= bound)).toBe(true);
    const { check, seen } = fakeChecker(decoders0 + 3, prefill0 + 1);
    const bounded = await planAndCheck(request, check, { ...options, maxRounds: 12, provedElsewhere: Promise.resolve(bound) });
    expect(bounded.holds).toBe(true);
    for (const r of bounded.rounds.filter(searchAfterHolds)) expect(r.outcome.ok && r.outcome.plan.objectiveValue).toBeLessThan(bound);
    expect(seen.length).toBeLessThan(free.rounds.length);
    // The search before a fleet holds is the same either way.
    expect(bounded.rounds.filter((r) => r.phase === 'search').map((r) => r.outcome.ok && r.outcome.plan.objectiveValue)).toEqual(
      free.rounds.filter((r) => r.phase === 'search').map((r) => r.outcome.ok && r.outcome.plan.objectiveValue),
    );
  });

  it('does not trim unless asked', async () => {
    const result = await planAndCheck(busy, fakeChecker(0, 0).check, options);
    expect(result.trim).toBeUndefined();
    expect(result.rounds).toHaveLength(1);
  });
});

describe('cutsForMisses()', () => {
  it('cuts a whole role, scaled by target / observed within [0.5, 0.9], and KV when it is under pressure', async () => {
    const plan = (await planAndCheck(request, fakeChecker(0, 0).check, options)).plan!;
    const slos = [
      { metric: 'tbt_ms' as const, percentile: 95, target: 60, observed: 80, holds: false },
      { metric: 'ttfet_s' as const, percentile: 95, target: 60, observed: 600, holds: false },
    ];
    const calm = cutsForMisses(plan, { holds: false, slos });
    expect(calm.map((c) => (c.kind === 'scale-capacity' ? [c.poolKey, c.family, c.factor] : c.kind))).toEqual([
      ['role:decode', 'decode', 0.75],
      ['role:prefill', 'prefill', 0.5],
    ]);
    const pressured = cutsForMisses(plan, { holds: false, slos, preemptions: 12 });
    expect(pressured.filter((c) => c.kind === 'scale-capacity' && c.family === 'kv').map((c) => (c.kind === 'scale-capacity' ? c.poolKey : ''))).toEqual(['role:decode']);
  });

  it('turns an attainment miss with every percentile met into gentle cuts', async () => {
    const plan = (await planAndCheck(request, fakeChecker(0, 0).check, options)).plan!;
    const cuts = cutsForMisses(plan, { holds: false, slos: [], attainment: { observed: 0.8, required: 0.9, holds: false } });
    expect(cuts.length).toBeGreaterThan(0);
    expect(cuts.every((c) => c.kind === 'scale-capacity' && c.factor === 0.9 && c.why.startsWith('slo_attainment 0.8000 < 0.9'))).toBe(true);
  });
});
