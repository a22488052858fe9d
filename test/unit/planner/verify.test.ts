import { describe, expect, it } from 'vitest';
import type { LpModel } from '../../../planner/milp/lp-model.js';
import { snapIntegers, verifySolution } from '../../../planner/milp/verify.js';

const model: LpModel = {
  objectiveOffset: 10,
  variables: [
    { name: 'n', lower: 0, upper: 5, integer: true, objective: 3 },
    { name: 'x', lower: 0, upper: 1, integer: false, objective: 1 },
  ],
  rows: [{ name: 'cover', terms: [{ index: 0, coef: 1 }, { index: 1, coef: 2 }], lower: 2.5, upper: Infinity }],
};

describe('verifySolution()', () => {
  it('accepts a feasible integral point and recomputes the objective with the offset', () => {
    const v = verifySolution(model, [2, 0.25]);
    expect(v.ok).toBe(true);
    expect(v.objective).toBeCloseTo(10 + 6 + 0.25, 12);
  });

  it('names a fractional integer variable (what javascript-lp-solver returns at its time limit)', () => {
    const v = verifySolution(model, [2.49, 0.01]);
    expect(v.ok).toBe(false);
    expect(v.violations.map((x) => `${x.kind}:${x.name}`)).toContain('integrality:n');
  });

  it('names a violated row and a violated bound', () => {
    const v = verifySolution(model, [0, 1.2]);
    expect(v.violations.map((x) => `${x.kind}:${x.name}`).sort()).toEqual(['bound:x', 'row:cover']);
    expect(v.violations.find((x) => x.kind === 'row')!.amount).toBeCloseTo(0.1, 9);
  });

  it('tolerates solver noise within 1e-6 relative, and snapIntegers() removes it', () => {
    expect(verifySolution(model, [2.0000000003, 0.2499999999]).ok).toBe(true);
    expect(snapIntegers(model, [2.0000000003, 0.25])).toEqual([2, 0.25]);
  });

  it('skips integrality for a relaxation', () => {
    expect(verifySolution(model, [2.5, 0], { relaxed: true }).ok).toBe(true);
  });

  it('rejects a point of the wrong length or with NaN', () => {
    expect(verifySolution(model, [1]).ok).toBe(false);
    expect(verifySolution(model, [NaN, 1]).ok).toBe(false);
  });
});
