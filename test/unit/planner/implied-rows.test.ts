/**
 * Implied capacity rows (milp/implied-rows.ts) are left out of the MILPs HiGHS solves. A hand model pins which rows go
 * (and that equal rows keep the first, and a row with a term the other lacks stays); a differential on seeded random
 * instances (with refuted-fleet cuts as the loop adds them) asserts the MILP optimum through solveModel (reduced) equals
 * HiGHS on the whole model, to a 1e-9 gap, and that the point solveModel returns satisfies every row of the whole model.
 */
import { describe, expect, it } from 'vitest';
import { formulatePlan } from '../../../planner/milp/formulate.js';
import { withoutImpliedRows } from '../../../planner/milp/implied-rows.js';
import { LpBuilder, type LpModel } from '../../../planner/milp/lp-model.js';
import { solveModel } from '../../../planner/milp/solve.js';
import { solveWithHighs } from '../../../planner/milp/solvers/highs.js';
import { verifySolution } from '../../../planner/milp/verify.js';
import { resolveOptions } from '../../../planner/options.js';
import type { PlanCut } from '../../../planner/types.js';
import { randomDemand, sameObjective, solvedCounts } from './milp-helpers.js';

const INSTANCES = 30;

describe('withoutImpliedRows', () => {
  it('drops a capacity row implied by another of the same count, keeps the rest', () => {
    const b = new LpBuilder();
    const n = b.addVariable({ name: 'n', lower: 0, upper: 10, integer: true, objective: 1 });
    const m = b.addVariable({ name: 'm', lower: 0, upper: 10, integer: true, objective: 1 });
    const x = b.addVariable({ name: 'x', lower: 0, upper: 1, integer: false, objective: 0 });
    const y = b.addVariable({ name: 'y', lower: 0, upper: 1, integer: false, objective: 0 });
    b.addRow('decode', [{ index: x, coef: 4 }, { index: y, coef: 6 }, { index: n, coef: -2 }], -Infinity, 0); // 2x + 3y ≤ n
    b.addRow('ingress', [{ index: x, coef: 1 }, { index: y, coef: 3 }, { index: n, coef: -1 }], -Infinity, 0); // x + 3y ≤ n: implied
    b.addRow('kv', [{ index: x, coef: 3 }, { index: n, coef: -1 }], -Infinity, 0); // 3x ≤ n: not implied (3 > 2)
    b.addRow('decode again', [{ index: x, coef: 2 }, { index: y, coef: 3 }, { index: n, coef: -1 }], -Infinity, 0); // equal to decode: the first stays
    b.addRow('other pool', [{ index: x, coef: 1 }, { index: m, coef: -1 }], -Infinity, 0); // another count: kept
    b.addRow('route', [{ index: x, coef: 1 }, { index: y, coef: 1 }], 1, 1); // not a capacity row: kept
    const model = b.build();
    const out = withoutImpliedRows(model);
    expect(out.keptRows).toEqual([0, 2, 4, 5]);
    expect(out.model.rows.map((r) => r.name)).toEqual(['decode', 'kv', 'other pool', 'route']);
    expect(out.model.variables).toBe(model.variables);
  });

  it('keeps a row with a share the other row lacks, and a row whose share may go negative', () => {
    const b = new LpBuilder();
    const n = b.addVariable({ name: 'n', lower: 0, upper: 10, integer: true, objective: 1 });
    const x = b.addVariable({ name: 'x', lower: 0, upper: 1, integer: false, objective: 0 });
    const y = b.addVariable({ name: 'y', lower: 0, upper: 1, integer: false, objective: 0 });
    const z = b.addVariable({ name: 'z', lower: -1, upper: 1, integer: false, objective: 0 });
    b.addRow('a', [{ index: x, coef: 5 }, { index: n, coef: -1 }], -Infinity, 0);
    b.addRow('b', [{ index: x, coef: 1 }, { index: y, coef: 1 }, { index: n, coef: -1 }], -Infinity, 0);
    b.addRow('c', [{ index: x, coef: 1 }, { index: z, coef: 1 }, { index: n, coef: -1 }], -Infinity, 0);
    const model = b.build();
    expect(withoutImpliedRows(model).model).toBe(model);
  });
});

async function optimum(model: LpModel): Promise<number> {
  const out = await solveWithHighs(model, { deadlineMs: 60_000, mipRelGap: 1e-9 });
  return out.status === 'infeasible' ? Infinity : out.objective;
}

describe('implied rows on random instances', () => {
  it(`leave the MILP optimum unchanged on ${INSTANCES} instances, with refuted-fleet cuts`, async () => {
    const failures: string[] = [];
    let dropped = 0;
    let solves = 0;
    for (let seed = 1; seed <= INSTANCES; seed++) {
      const { request, options, demand } = randomDemand(seed);
      const cuts: PlanCut[] = [];
      for (let round = 0; round < 2; round++) {
        const form = formulatePlan(demand, resolveOptions({ ...options, cuts }, request.datacenter.powerCapWatts));
        dropped += form.model.rows.length - withoutImpliedRows(form.model).model.rows.length;
        // solveModel with HiGHS solves the reduced model; solveWithHighs the whole one.
        const reduced = await solveModel(form.model, { solver: 'highs', deadlineMs: 60_000, mipRelGap: 1e-9 });
        const whole = await optimum(form.model);
        solves++;
        const got = reduced.solution.status === 'infeasible' ? Infinity : reduced.solution.objective;
        if (!sameObjective(whole, got)) failures.push(`seed ${seed} round ${round}: whole model ${whole}, without implied rows ${got}`);
        if (!Number.isFinite(got)) break;
        if (!verifySolution(form.model, reduced.solution.values).ok) failures.push(`seed ${seed} round ${round}: the point misses a row of the whole model`);
        cuts.push({ kind: 'refuted-fleet', counts: solvedCounts(form.countIndex, demand, reduced.solution.values), why: 'test' });
      }
    }
    console.log(`implied rows: ${dropped} rows left out over ${solves} MILPs`);
    expect(dropped).toBeGreaterThan(solves);
    expect(failures).toEqual([]);
  }, 300_000);
});
