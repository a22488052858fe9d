import { describe, expect, it } from 'vitest';
import type { LpModel, LpSolution, LpSolver } from '../../../planner/milp/lp-model.js';
import { solveModel } from '../../../planner/milp/solve.js';
import { solveWithJsLp, toJsLpModel } from '../../../planner/milp/solvers/jslp.js';
import { solveWithHighs } from '../../../planner/milp/solvers/highs.js';
import { createStream } from '../../../models/random.js';

const small: LpModel = {
  objectiveOffset: 0,
  variables: [
    { name: 'a', lower: 0, upper: 10, integer: true, objective: 2 },
    { name: 'b', lower: 0, upper: 10, integer: true, objective: 3 },
  ],
  rows: [{ name: 'cover', terms: [{ index: 0, coef: 3 }, { index: 1, coef: 5 }], lower: 7.5, upper: Infinity }],
};

const fake = (answer: Partial<LpSolution>): LpSolver => ({ name: 'jslp', solve: async () => ({ status: 'optimal', values: [], objective: NaN, solver: 'jslp', ...answer }) });

/** A dense random LP large enough that the library's simplex takes a long time (LIBS.md: >45 s at 1000×500). */
function bigKnapsackLp(vars: number, rows: number): LpModel {
  const u = createStream(7, 'big-lp');
  return {
    objectiveOffset: 0,
    variables: Array.from({ length: vars }, (_, i) => ({ name: `v${i}`, lower: 0, upper: 1, integer: false, objective: -(1 + 9 * u()) })),
    rows: Array.from({ length: rows }, (_, r) => ({
      name: `r${r}`,
      terms: Array.from({ length: vars }, (_, i) => ({ index: i, coef: u() < 0.3 ? 1 + 9 * u() : 0 })).filter((t) => t.coef > 0),
      lower: -Infinity,
      upper: 50 + 100 * u(),
    })),
  };
}

/** A small integer knapsack (maximise value, one weight row) that branch-and-bound cannot close at its root. */
function knapsackMilp(items: number, seed: number): LpModel {
  const u = createStream(seed, 'knapsack');
  const weights = Array.from({ length: items }, () => 3 + 17 * u());
  return {
    objectiveOffset: 0,
    variables: weights.map((w, i) => ({ name: `k${i}`, lower: 0, upper: 1, integer: true, objective: -(w * (0.8 + 0.4 * u())) })),
    rows: [
      { name: 'weight', terms: weights.map((coef, index) => ({ index, coef })), lower: -Infinity, upper: weights.reduce((a, b) => a + b, 0) / 2.3 },
      { name: 'count', terms: weights.map((_, index) => ({ index, coef: 1 })), lower: -Infinity, upper: Math.floor(items / 2) },
    ],
  };
}

describe('solvers', () => {
  it('both backends find the same integer optimum', async () => {
    const h = await solveWithHighs(small, { deadlineMs: 5000 });
    const j = await solveWithJsLp(small, { deadlineMs: 5000 });
    expect(h.status).toBe('optimal');
    expect(j.status).toBe('optimal');
    expect(h.objective).toBeCloseTo(5, 9); // a = b = 1 covers 8 ≥ 7.5 for 5
    expect(j.objective).toBeCloseTo(h.objective, 9);
  });

  it('solveModel() sends a block above the size limit straight to HiGHS and says so', async () => {
    const never: LpSolver = { name: 'jslp', solve: async () => { throw new Error('jslp must not be asked'); } };
    const res = await solveModel(small, { solver: 'jslp', deadlineMs: 5000, jslpSizeLimit: 1, backends: { jslp: never } });
    expect(res.info).toMatchObject({ used: 'highs', fallbackReason: 'jslp skipped: 2 variables × 1 rows is above its size limit (1)' });
    expect(res.solution.objective).toBeCloseTo(5, 9);
  });

  it('toJsLpModel() leaves out upper bounds a row already implies (x ≤ 1 under Σx = 1)', () => {
    const shares: LpModel = {
      objectiveOffset: 0,
      variables: [
        { name: 'x0', lower: 0, upper: 1, integer: false, objective: 1 },
        { name: 'x1', lower: 0, upper: 1, integer: false, objective: 2 },
        { name: 'x2', lower: 0, upper: 0.5, integer: false, objective: 3 }, // tighter than the row: kept
      ],
      rows: [{ name: 'route', terms: [{ index: 0, coef: 1 }, { index: 1, coef: 1 }, { index: 2, coef: 1 }], lower: 1, upper: 1 }],
    };
    const m = toJsLpModel(shares, { deadlineMs: 100 });
    expect(Object.keys(m.constraints).sort()).toEqual(['r0', 'u2']);
  });

  it('toJsLpModel() turns variable bounds into rows and integrality into ints', () => {
    const m = toJsLpModel({ ...small, variables: [{ ...small.variables[0], lower: 1 }, small.variables[1]] }, { deadlineMs: 100 });
    expect(m.constraints.l0).toEqual({ min: 1 });
    expect(m.constraints.u1).toEqual({ max: 10 });
    expect(m.ints).toEqual({ v0: 1, v1: 1 });
    expect(m.variables.v1).toEqual({ obj: 3, u1: 1, r0: 5 });
  });

  it('javascript-lp-solver refuses negative lower bounds (free variables give wrong answers there)', async () => {
    const free = { ...small, variables: [{ ...small.variables[0], lower: -5 }, small.variables[1]] };
    expect((await solveWithJsLp(free, { deadlineMs: 100 })).status).toBe('error');
  });

  it('solveModel() keeps a verified javascript-lp-solver answer', async () => {
    const res = await solveModel(small, { solver: 'jslp', deadlineMs: 5000 });
    expect(res.info).toMatchObject({ requested: 'jslp', used: 'jslp', status: 'optimal' });
    expect(res.verification?.ok).toBe(true);
  });

  it('solveModel() re-solves a fractional "integer" answer with HiGHS and says why', async () => {
    const res = await solveModel(small, { solver: 'jslp', deadlineMs: 5000, backends: { jslp: fake({ values: [0, 1.5], objective: 4.5 }) } });
    expect(res.info.used).toBe('highs');
    expect(res.info.fallbackReason).toMatch(/^jslp failed verification: integrality b/);
    expect(res.solution.objective).toBeCloseTo(5, 9);
  });

  it('solveModel() re-solves after a time limit and confirms an infeasible claim with HiGHS', async () => {
    const timed = await solveModel(small, { solver: 'jslp', deadlineMs: 5000, backends: { jslp: fake({ status: 'time-limit', values: [3, 0] }) } });
    expect(timed.info).toMatchObject({ used: 'highs', fallbackReason: 'jslp time limit' });
    const wrong = await solveModel(small, { solver: 'jslp', deadlineMs: 5000, backends: { jslp: fake({ status: 'infeasible' }) } });
    expect(wrong.info.used).toBe('highs');
    expect(wrong.solution.status).toBe('optimal');
  });

  it('a javascript-lp-solver worker is stopped at its deadline and HiGHS answers instead', async () => {
    const model = bigKnapsackLp(600, 300);
    const stopped = await solveWithJsLp(model, { deadlineMs: 300 }, { isolation: 'worker' });
    expect(stopped.status).toBe('time-limit');
    const jslpStoppedAt300Ms = { name: 'jslp' as const, solve: (m: LpModel, o: { deadlineMs: number }) => solveWithJsLp(m, { ...o, deadlineMs: 300 }, { isolation: 'worker' }) };
    const res = await solveModel(model, { solver: 'jslp', deadlineMs: 30_000, jslpSizeLimit: Infinity, backends: { jslp: jslpStoppedAt300Ms } });
    expect(res.info).toMatchObject({ used: 'highs', fallbackReason: 'jslp time limit (worker stopped at the wall-clock deadline)' });
    expect(res.verification?.ok).toBe(true);
  });

  it('javascript-lp-solver stops at its node budget, not at the clock, and HiGHS answers instead', async () => {
    const model = knapsackMilp(30, 3);
    const full = await solveWithJsLp(model, { deadlineMs: 60_000 }, { isolation: 'inline' });
    expect(full.status).toBe('optimal');
    const budgeted = await solveWithJsLp(model, { deadlineMs: 60_000, maxNodes: 3 }, { isolation: 'inline' });
    expect(budgeted.status).toBe('work-limit');
    // The same budget in a worker: the worker's clock is the same node counter.
    expect((await solveWithJsLp(model, { deadlineMs: 60_000, maxNodes: 3 }, { isolation: 'worker' })).status).toBe('work-limit');
    expect(Date.now()).toBeGreaterThan(1e12); // the real clock is back
    const res = await solveModel(model, { solver: 'jslp', deadlineMs: 60_000, maxNodes: 3 });
    expect(res.info.used).toBe('highs');
    expect(res.info.fallbackReason).toMatch(/^jslp node limit/);
  });

  it('HiGHS stops at its node limit with its incumbent (work-limit), the same point on every run', async () => {
    const model = knapsackMilp(60, 5);
    const a = await solveWithHighs(model, { deadlineMs: 60_000, maxNodes: 1 });
    const b = await solveWithHighs(model, { deadlineMs: 60_000, maxNodes: 1 });
    expect(['work-limit', 'optimal']).toContain(a.status);
    expect(a.values).toEqual(b.values);
    const unlimited = await solveWithHighs(model, { deadlineMs: 60_000 });
    expect(unlimited.status).toBe('optimal');
    expect(unlimited.objective).toBeLessThanOrEqual(a.objective + 1e-9);
  });

  it('the worker placement gives the same answer as inline', async () => {
    const a = await solveWithJsLp(small, { deadlineMs: 5000 }, { isolation: 'worker' });
    const b = await solveWithJsLp(small, { deadlineMs: 5000 }, { isolation: 'inline' });
    expect(a.objective).toBeCloseTo(b.objective, 12);
  });

  it('HiGHS returns LP duals for a pure LP', async () => {
    const lp = await solveWithHighs(small, { deadlineMs: 5000, relax: true });
    expect(lp.rowDuals).toHaveLength(1);
    expect(lp.rowDuals![0]).toBeCloseTo(0.6, 9); // b costs 3 per 5 units of cover
    expect(lp.objective).toBeCloseTo(4.5, 9);
  });
});
