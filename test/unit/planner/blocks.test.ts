import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { settleFreeVariable, splitIntoBlocks } from '../../../planner/milp/blocks.js';
import type { LpModel, LpVariable } from '../../../planner/milp/lp-model.js';
import { solveModel } from '../../../planner/milp/solve.js';
import { solveWithHighs } from '../../../planner/milp/solvers/highs.js';

const int = (name: string, objective: number, upper = 20): LpVariable => ({ name, lower: 0, upper, integer: true, objective });
const cont = (name: string, objective: number): LpVariable => ({ name, lower: 0, upper: 1, integer: false, objective });

/** Two independent covering problems, one cost-free variable in no row, and an empty row. */
const twoBlocks: LpModel = {
  objectiveOffset: 10,
  variables: [int('a', 2), cont('x', 1), int('b', 3), int('c', 5), int('idle', 4)],
  rows: [
    { name: 'cover-ab', terms: [{ index: 0, coef: 3 }, { index: 2, coef: 5 }], lower: 7.5, upper: Infinity },
    { name: 'cover-xc', terms: [{ index: 1, coef: 2 }, { index: 3, coef: 1 }], lower: 2.5, upper: Infinity },
    { name: 'empty', terms: [], lower: -Infinity, upper: 0 },
  ],
};

describe('independent blocks', () => {
  it('splitIntoBlocks() groups variables that share a row, in order of their first variable', () => {
    const { blocks, free } = splitIntoBlocks(twoBlocks);
    expect(blocks.map((b) => b.variables)).toEqual([[0, 2], [1, 3]]);
    expect(blocks.map((b) => b.rows)).toEqual([[0], [1]]);
    expect(free).toEqual([4]);
    expect(blocks[1].model.rows[0].terms).toEqual([{ index: 0, coef: 2 }, { index: 1, coef: 1 }]);
  });

  it('settleFreeVariable() puts a row-less variable at the bound its cost prefers', () => {
    expect(settleFreeVariable(int('n', 4))).toBe(0);
    expect(settleFreeVariable({ ...int('n', -1, 7.5) })).toBe(7);
    expect(settleFreeVariable({ ...int('n', -1), upper: Infinity })).toBe('unbounded');
    expect(settleFreeVariable({ name: 'n', lower: 0.2, upper: 0.8, integer: true, objective: 1 })).toBe('infeasible');
    expect(settleFreeVariable({ name: 'y', lower: -3, upper: 5, integer: false, objective: 0 })).toBe(0);
  });

  it('solving block by block gives the whole model\'s optimum, with both backends', async () => {
    for (const solver of ['jslp', 'highs'] as const) {
      const res = await solveModel(twoBlocks, { solver, deadlineMs: 5000 });
      expect(res.info.blocks).toBe(2);
      // a = b = 1 (cost 5) covers 8 ≥ 7.5; c = 1 and x = 0.75 (cost 5.75) cover 2.5 exactly; idle = 0
      expect(res.solution.objective).toBeCloseTo(10 + 5 + 5.75, 9);
      expect(res.verification?.ok).toBe(true);
    }
  });

  it('one infeasible block makes the model infeasible', async () => {
    const broken: LpModel = { ...twoBlocks, rows: [...twoBlocks.rows, { name: 'impossible', terms: [{ index: 3, coef: 1 }], lower: 30, upper: Infinity }] };
    const res = await solveModel(broken, { solver: 'highs', deadlineMs: 5000 });
    expect(res.solution.status).toBe('infeasible');
    expect(res.solution.values).toEqual([]);
  });

  it('LP duals are stitched back to their rows', async () => {
    const res = await solveModel(twoBlocks, { solver: 'highs', deadlineMs: 5000, relax: true });
    const whole = await solveWithHighs(twoBlocks, { deadlineMs: 5000, relax: true });
    expect(res.solution.rowDuals).toHaveLength(3);
    res.solution.rowDuals!.forEach((d, r) => expect(d).toBeCloseTo(whole.rowDuals![r], 9));
  });

  it('random block-diagonal models: the split optimum equals HiGHS on the whole model', async () => {
    const blockArb = fc.record({
      costs: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
      coefs: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 3, maxLength: 3 }),
      need: fc.integer({ min: 1, max: 25 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(blockArb, { minLength: 1, maxLength: 4 }), async (specs) => {
        const variables: LpVariable[] = [];
        const rows: LpModel['rows'][number][] = [];
        specs.forEach((spec, k) => {
          const first = variables.length;
          spec.costs.forEach((c, j) => variables.push(int(`n${k}_${j}`, c, 10)));
          rows.push({ name: `cover${k}`, terms: spec.costs.map((_, j) => ({ index: first + j, coef: spec.coefs[j] })), lower: spec.need, upper: Infinity });
        });
        // Interleave the blocks' variables so splitting has to reorder them.
        const order = variables.map((_, i) => i).sort((a, b) => (a % 2) - (b % 2) || a - b);
        const where = new Map(order.map((old, pos) => [old, pos]));
        const model: LpModel = {
          objectiveOffset: 0,
          variables: order.map((i) => variables[i]),
          rows: rows.map((r) => ({ ...r, terms: r.terms.map((t) => ({ index: where.get(t.index)!, coef: t.coef })).sort((a, b) => a.index - b.index) })),
        };
        const whole = await solveWithHighs(model, { deadlineMs: 5000 });
        const split = await solveModel(model, { solver: 'jslp', deadlineMs: 5000 });
        if (whole.status !== 'optimal') return split.solution.status === whole.status;
        return split.info.blocks === specs.length && Math.abs(split.solution.objective - whole.objective) <= 1e-6 * Math.max(1, whole.objective);
      }),
      { numRuns: 100, seed: 11 },
    );
  });
});
