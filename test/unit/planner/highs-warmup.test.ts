/**
 * The HiGHS warm-up of the whole-catalog bench (bench/highs-warmup.ts, `--warmup`): this thread's HiGHS is instantiated from the module the warm-up
 * compiled (so it shares the worker's optimised code), solves give the same answers as a runtime the loader compiled
 * on its own, the warm-up runs to the end when left alone, and stopping it ends its thread at once.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LpModel } from '../../../planner/milp/lp-model.js';

// Fresh module state per test (this thread's HiGHS runtime is loaded once per module instance).
const load = async () => ({ ...(await import('../../../bench/highs-warmup.js')), ...(await import('../../../planner/milp/solvers/highs.js')) });
beforeEach(() => vi.resetModules());

// A small knapsack-like MILP: min 3x + 5y + 4z s.t. 2x + 4y + 3z ≥ 11, x + y ≤ 4, integers in [0, 10].
const model: LpModel = {
  variables: [
    { name: 'x', lower: 0, upper: 10, objective: 3, integer: true },
    { name: 'y', lower: 0, upper: 10, objective: 5, integer: true },
    { name: 'z', lower: 0, upper: 10, objective: 4, integer: true },
  ],
  rows: [
    { name: 'cover', terms: [{ index: 0, coef: 2 }, { index: 1, coef: 4 }, { index: 2, coef: 3 }], lower: 11, upper: Infinity },
    { name: 'pair', terms: [{ index: 0, coef: 1 }, { index: 1, coef: 1 }], lower: -Infinity, upper: 4 },
  ],
  objectiveOffset: 0,
};

describe('HiGHS warm-up', () => {
  it('shares its module with this thread, runs to the end when left alone, and changes no answer', async () => {
    const { startHighsWarmup, getHighs, solveWithHighs, useHighsModule } = await load();
    const warmup = startHighsWarmup();
    // This thread's runtime is the warm-up's module now: asking to use another one is refused once it is loaded.
    const highs = await getHighs();
    expect(useHighsModule(Promise.resolve(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))))).toBe(false);
    expect(typeof highs.createModel).toBe('function');
    const solved = await solveWithHighs(model, { deadlineMs: 10_000 });
    expect(solved.status).toBe('optimal');
    expect(solved.objective).toBe(14); // y = 2, z = 1 (the LP bound is 13.75)
    expect(await warmup.ended).toBe('done');
    await warmup.stop(); // after the end: nothing left to stop
    // A second warm-up in the same thread has nothing to warm: this thread's HiGHS is already loaded.
    expect(await startHighsWarmup().ended).toBe('skipped');
  }, 120_000); // the README request's plan on the warm-up thread: seconds, more on a busy machine

  it('stops at once when asked (while its thread loads or solves), and this thread still solves on the shared module', async () => {
    const { startHighsWarmup, solveWithHighs } = await load();
    const warmup = startHighsWarmup();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the worker is loading or solving
    const before = performance.now();
    await warmup.stop();
    expect(performance.now() - before).toBeLessThan(2000);
    expect(await warmup.ended).toBe('stopped');
    const solved = await solveWithHighs(model, { deadlineMs: 10_000 });
    expect([solved.status, solved.objective]).toEqual(['optimal', 14]);
  });
});
