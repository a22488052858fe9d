/**
 * The TTFT-miss attribution rule (models/serving/ttft-miss-attribution.ts) on synthetic groups whose mechanism is
 * known by construction: a too-slow group whose predictions are dominated by one term is attributed to that term; two
 * terms that each carry the miss are reported as not told apart; a too-fast group missing exactly one inter-completion
 * interval per request reads as a completion wait, one missing a queue that grows with concurrency reads by
 * concurrency; too few runs read as nothing. And the count of runs that must move for a median to meet its target is
 * the smallest that does it.
 */
import { describe, expect, it } from 'vitest';
import { medianOf as median } from '../../../models/profile.js';
import { attributeGroup, runsToMeetMedian, type GroupKey, type MissRun } from '../../../models/serving/ttft-miss-attribution.js';
import { STEP_TERMS } from '../../../models/serving/step-terms.js';

const KEY: GroupKey = { gpu: 'h100-sxm', llm: 'synthetic', precision: 'bf16', backend: 'vllm', mode: 'agg' };
const EXCESS = STEP_TERMS.indexOf('excess_compute');
const OVERHEAD = STEP_TERMS.indexOf('request_overhead');
const MEMORY = STEP_TERMS.indexOf('memory');

/** A grid of runs: TP × concurrency × ISL × OSL, each with the given contributions and measured TTFT. */
function grid(make: (p: { tp: number; c: number; isl: number; osl: number; i: number }) => { contributions: number[]; measured: number; tpot?: number }): MissRun[] {
  const runs: MissRun[] = [];
  let i = 0;
  for (const tp of [1, 2, 4]) for (const c of [4, 16, 64]) for (const isl of [1024, 4096]) for (const osl of [128, 512]) {
    const m = make({ tp, c, isl, osl, i });
    const predicted = m.contributions.reduce((a, v) => a + v, 0);
    runs.push({ line: 100 + i, isl, osl, concurrency: c, tp, measuredTtftSeconds: m.measured, measuredTpotSeconds: m.tpot ?? 0.02, predictedTtftSeconds: predicted, contributionsSeconds: m.contributions, iterations: 2 });
    i++;
  }
  return runs;
}
const vector = (entries: Record<number, number>) => STEP_TERMS.map((_, j) => entries[j] ?? 0);

describe('TTFT miss attribution', () => {
  it('attributes a too-slow group dominated by one term to that term', () => {
    // Predicted = 0.05 s memory + 0.5 s excess compute (varied a little); measured = the memory part + a third of the GEMM time.
    const runs = grid(({ i }) => {
      const excess = 0.5 * (1 + (i % 5) / 10);
      return { contributions: vector({ [MEMORY]: 0.05, [EXCESS]: excess, [OVERHEAD]: 0.01 }), measured: 0.05 + excess / 3 + 0.01 };
    });
    const g = attributeGroup(KEY, runs, 0.2);
    expect(g.signedMedian).toBeGreaterThan(0.2);
    expect(g.mechanism.id).toBe('overpriced-term');
    expect(g.mechanism.term).toBe('excess_compute');
    expect(g.mechanism.undecidedTerms).toBeUndefined();
    expect(g.tooSlow.fixedByTerm[EXCESS]).toBe(runs.length);
    expect(g.tooSlow.fixedByTerm[MEMORY]).toBe(0);
    expect(g.medianShares[EXCESS]).toBeGreaterThan(0.85);
  });

  it('says the rows cannot tell two terms apart when each alone would fix the miss', () => {
    const runs = grid(() => ({ contributions: vector({ [EXCESS]: 0.3, [OVERHEAD]: 0.3 }), measured: 0.35 }));
    const g = attributeGroup(KEY, runs, 0.2);
    expect(g.mechanism.id).toBe('overpriced-term');
    expect([g.mechanism.term, ...(g.mechanism.undecidedTerms ?? [])].sort()).toEqual(['excess_compute', 'request_overhead']);
  });

  it('finds a small overpriced term, not the largest one that could absorb each run\'s excess on its own', () => {
    // Request overhead charged 0.3 s where the runs took 0.03 s; the GEMM term (0.3–3 s) is priced right. Every too-slow
    // run's excess fits inside either term, so counting runs term by term cannot tell them apart (and the larger share
    // would win); only a cut of the overhead, the same in every run, brings them all within the target.
    const runs = grid(({ i }) => {
      const excess = 0.3 * (1 + (i % 10));
      return { contributions: vector({ [EXCESS]: excess, [OVERHEAD]: 0.3 }), measured: excess + 0.03 };
    });
    const g = attributeGroup(KEY, runs, 0.2);
    expect(g.signedMedian).toBeGreaterThan(0);
    expect(g.tooSlow.fixedByTerm[EXCESS]).toBe(g.tooSlow.runs);
    expect(g.tooSlow.fixedByTerm[OVERHEAD]).toBe(g.tooSlow.runs);
    expect(g.medianShares[EXCESS]).toBeGreaterThan(g.medianShares[OVERHEAD]);
    // The smallest cut that brings the shortest runs (0.33 s measured) within 20%: 0.27 − 0.3 f ≤ 0.066, f ≥ 0.68.
    expect(g.commonCut.byTerm[OVERHEAD].within).toBe(runs.length);
    expect(g.commonCut.byTerm[OVERHEAD].cut).toBeGreaterThanOrEqual(0.68 - 1e-9);
    expect(g.commonCut.byTerm[OVERHEAD].cut).toBeLessThanOrEqual(0.69 + 1e-9);
    expect(g.commonCut.byTerm[EXCESS].within).toBeLessThan(runs.length);
    expect(g.mechanism.id).toBe('overpriced-term');
    expect(g.mechanism.term).toBe('request_overhead');
    expect(g.mechanism.undecidedTerms).toBeUndefined();
  });

  it('says no one term carries a too-slow miss whose size no common cut of one term fits', () => {
    // Half the runs predicted 2× too slow, half exact, by the same single term: any one cut fixes one half and breaks the other.
    const runs = grid(({ osl }) => ({ contributions: vector({ [EXCESS]: 0.4 }), measured: osl === 128 ? 0.2 : 0.4 }));
    const g = attributeGroup(KEY, runs, 0.2);
    expect(g.signedMedian).toBeGreaterThan(0.2);
    expect(g.tooSlow.fixedByTerm[EXCESS]).toBe(g.tooSlow.runs);
    expect(g.commonCut.byTerm[EXCESS].within).toBe(runs.length / 2);
    expect(g.mechanism.id).toBe('overpriced-unresolved');
    expect(g.mechanism.axis).toBe('OSL');
  });

  it('reads a too-fast group that lacks one inter-completion interval per request as a completion wait', () => {
    // Measured = predicted + OSL × TPOT / c (one other request's completion), TPOT 20 ms.
    const runs = grid(({ c, osl }) => ({ contributions: vector({ [EXCESS]: 0.1, [OVERHEAD]: 0.02 }), measured: 0.12 + (osl * 0.02) / c }));
    const g = attributeGroup(KEY, runs, 0.2);
    expect(g.signedMedian).toBeLessThan(-0.2);
    expect(g.completionWait.slope).toBeCloseTo(1, 9);
    expect(g.completionWait.cells).toBe(18);
    expect(g.mechanism.id).toBe('missing-completion-wait');
  });

  it('reads a too-fast group whose missing time grows with concurrency alone by concurrency, not as a completion wait', () => {
    const runs = grid(({ c, i }) => ({ contributions: vector({ [EXCESS]: 0.1 * (1 + (i % 3) / 20) }), measured: 0.1 + 0.004 * c }));
    const g = attributeGroup(KEY, runs, 0.2);
    expect(Math.abs(g.completionWait.slope)).toBeLessThan(0.1);
    expect(g.mechanism.id).toBe('missing-by-concurrency');
    expect(g.mechanism.axis).toBe('concurrency');
    const c = g.slices.find((s) => s.axis === 'concurrency')!;
    expect(c.buckets.map((b) => [b.lo, b.hi, b.n])).toEqual([[4, 4, 12], [16, 16, 12], [64, 64, 12]]);
    expect(c.buckets.map((b) => b.above)).toEqual([0, 12, 12]);
  });

  it('reads no mechanism from too few runs, and counts its runs above the target', () => {
    const runs = grid(() => ({ contributions: vector({ [EXCESS]: 0.3 }), measured: 0.1 })).slice(0, 3);
    const g = attributeGroup(KEY, runs, 0.2);
    expect(g.mechanism.id).toBe('too-few-runs');
    expect(g.n).toBe(3);
    expect(g.above).toBe(3);
    expect(g.runsToMeetMedian).toBe(2);
  });

  it('counts the fewest runs that must move under the target for the median to meet it', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(next() * 30);
      const errors = Array.from({ length: n }, () => next() * 0.8);
      const k = runsToMeetMedian(errors, 0.3);
      // Moving the k runs above the target nearest to it onto the target meets it; moving k − 1 does not (odd n: exact).
      const moved = (count: number) => {
        const order = errors.map((e, i) => ({ e, i })).filter((x) => x.e > 0.3).sort((a, b) => a.e - b.e).slice(0, count).map((x) => x.i);
        return errors.map((e, i) => (order.includes(i) ? 0.3 : e));
      };
      expect(median(moved(k))).toBeLessThanOrEqual(0.3);
      if (k > 0 && n % 2 === 1) expect(median(moved(k - 1))).toBeGreaterThan(0.3);
    }
  });
});
