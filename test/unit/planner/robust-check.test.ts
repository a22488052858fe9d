/**
 * The robust checker with seeds run side by side (worker threads in `plan`) gives exactly what it gives one seed at a
 * time, whichever run finishes first: the verdict, the seed returned, every seed's verdict and the margin.
 */
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../catalogs/types.js';
import type { CheckOptions, CheckResult } from '../../../planner/check/check-result.js';
import { createRobustChecker } from '../../../planner/check/robust-check.js';

/** A fleet named by its decode count (the fake checker reads only that). */
const fleet = (decoders: number): Fleet => ({ instances: [{ gpu: 'g', llm: 'l', tp: 1, role: 'decode', count: decoders }], links: [] }) as unknown as Fleet;

/** p95 TTFET observed at a seed: fewer decoders are slower, seed 3 is unlucky. Later seeds finish first (reversed timing). */
function fakeCheckAt(runs: Array<[number, number]>) {
  return async (f: Fleet, seed: number): Promise<CheckResult & { seed: number }> => {
    runs.push([f.instances[0].count, seed]);
    await new Promise((done) => setTimeout(done, 5 * (10 - seed)));
    const observed = 100 / f.instances[0].count + ({ 1: 1, 2: 0, 3: 6 } as Record<number, number>)[seed];
    return { seed, holds: observed <= 30, slos: [{ metric: 'ttfet_s', percentile: 95, target: 30, observed, holds: observed <= 30 }] };
  };
}

describe('createRobustChecker', () => {
  it.each([2, 3])('with %i seeds in flight: the same results as one at a time, each run once', async (concurrency) => {
    const seeds = [1, 2, 3];
    const oneRuns: Array<[number, number]> = [];
    const manyRuns: Array<[number, number]> = [];
    const one = createRobustChecker(fakeCheckAt(oneRuns), seeds);
    const many = createRobustChecker(fakeCheckAt(manyRuns), seeds, { concurrency });
    for (const decoders of [2, 3, 4, 5, 10, 4]) {
      const a = await one(fleet(decoders));
      const b = await many(fleet(decoders));
      expect(b).toEqual(a);
    }
    // 3 decoders: 33.3 s, misses at seed 1; 4 decoders: holds at seeds 1 and 2, misses at seed 3 (31 s).
    expect((await many(fleet(3))).seeds).toEqual([{ seed: 1, holds: false, margin: expect.any(Number) }]);
    expect((await many(fleet(4))).seeds?.map((s) => s.holds)).toEqual([true, true, false]);
    // A fleet checked again costs no run; no (fleet, seed) ran twice.
    const keys = manyRuns.map(([d, s]) => `${d}/${s}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(oneRuns.length).toBeLessThanOrEqual(manyRuns.length);
  });

  it('drops a later seed started beside a refutation once an earlier seed misses, and gives the same results', async () => {
    const dropped: number[] = [];
    const checkAt = async (f: Fleet, seed: number, check?: CheckOptions): Promise<CheckResult> => {
      await new Promise<void>((done, fail) => {
        const timer = setTimeout(done, seed === 1 ? 5 : 50);
        check?.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          dropped.push(seed);
          fail(new Error('aborted'));
        });
      });
      const observed = 100 / f.instances[0].count;
      return { holds: observed <= 30, slos: [{ metric: 'ttfet_s', percentile: 95, target: 30, observed, holds: observed <= 30 }] };
    };
    const many = createRobustChecker(checkAt, [1, 2, 3], { concurrency: 2 });
    const one = createRobustChecker(checkAt, [1, 2, 3]);
    // 3 decoders miss at seed 1: seed 2, started beside it, is dropped; checked again, the fleet gives the same answer.
    const a = await many(fleet(3), { mayStopAtMiss: true });
    expect(a.seeds).toEqual([{ seed: 1, holds: false, margin: expect.any(Number) }]);
    expect(dropped).toEqual([2]);
    expect(await many(fleet(3), { mayStopAtMiss: true })).toEqual(a);
    // A fleet that holds runs every seed and drops nothing.
    expect((await many(fleet(5), { mayStopAtMiss: true })).seeds?.map((s) => s.holds)).toEqual([true, true, true]);
    expect(dropped).toEqual([2]);
    // A full check hands every later seed over at once; a miss at seed 1 drops both, with the same answer as one at a time.
    expect(await many(fleet(2))).toEqual(await one(fleet(2)));
    expect(dropped).toEqual([2, 2, 3]);
    // A fleet already known to miss at seed 1 starts no later seed when checked again in full (none would be read).
    expect(await many(fleet(3))).toEqual(await one(fleet(3)));
    expect(dropped).toEqual([2, 2, 3]);
    // A full check of a fleet that holds starts seed 3 before seed 1 is read, and gives the same answer.
    const started: number[] = [];
    const queued = createRobustChecker(async (f: Fleet, seed: number, check?: CheckOptions) => {
      started.push(seed);
      return checkAt(f, seed, check);
    }, [1, 2, 3], { concurrency: 2 });
    const proof = queued(fleet(5));
    expect(started).toEqual([1, 2, 3]);
    expect(await proof).toEqual(await one(fleet(5)));
  });

  it('runs later seeds ahead as refutations: a full check reads one only when it went the whole way, else runs it in full', async () => {
    const runs: string[] = [];
    // As the kernel check: a run that may stop at a certain miss stops early (no percentiles), else reports in full.
    const checkAt = async (f: Fleet, seed: number, check?: CheckOptions): Promise<CheckResult> => {
      runs.push(`${f.instances[0].count}/${seed}/${check?.mayStopAtMiss ? 'refute' : 'full'}`);
      const full = await fakeCheckAt([])(f, seed);
      if (full.holds || !check?.mayStopAtMiss) return full;
      return { holds: false, slos: [], attainment: { observed: 0.5, required: 0.9, holds: false }, stoppedEarly: { atSeconds: 1, failedConversations: 5, measuredConversations: 10 } };
    };
    const many = createRobustChecker(checkAt, [1, 2, 3], { concurrency: 2 });
    const one = createRobustChecker(fakeCheckAt([]), [1, 2, 3]);
    // 4 decoders hold at seeds 1 and 2 and miss at seed 3: seed 3, run ahead, stopped early; read, it runs in full.
    const a = await many(fleet(4));
    expect(a).toEqual(await one(fleet(4)));
    expect(a.stoppedEarly).toBeUndefined();
    expect(runs.filter((r) => r.startsWith('4/'))).toEqual(['4/1/full', '4/2/refute', '4/3/refute', '4/3/full']);
    // 10 decoders hold everywhere: the runs ahead are the full runs, none is repeated.
    expect(await many(fleet(10))).toEqual(await one(fleet(10)));
    expect(runs.filter((r) => r.startsWith('10/'))).toEqual(['10/1/full', '10/2/refute', '10/3/refute']);
    // 3 decoders miss at every seed: the answer is seed 1's full run; the runs ahead stopped early and were never read.
    const b = await many(fleet(3));
    expect(b).toEqual(await one(fleet(3)));
    expect(b.slos).toHaveLength(1);
  });

  it('screens the next candidate at the first seed beside a refutation; each run once, the same results', async () => {
    const runs: Array<[number, number]> = [];
    const withNext = createRobustChecker(fakeCheckAt(runs), [1, 2, 3], { concurrency: 2 });
    const plain = createRobustChecker(fakeCheckAt([]), [1, 2, 3]);
    // TRIM-like: 3 decoders (misses), then 4 (misses at seed 3), each told of the next candidate.
    const a = await withNext(fleet(3), { mayStopAtMiss: true, next: fleet(4) });
    expect(runs).toContainEqual([4, 1]);
    const b = await withNext(fleet(4), { mayStopAtMiss: true, next: fleet(5) });
    expect(a).toEqual(await plain(fleet(3)));
    expect(b).toEqual(await plain(fleet(4)));
    const keys = runs.map(([d, s]) => `${d}/${s}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
