/**
 * Independent blocks of a model. Variables that share no row (directly or through other variables) can be optimised
 * separately, and the sum of the blocks' optima is the model's optimum, because the objective is a plain sum. The
 * planning MILP splits this way whenever no fleet-wide row (power, budget, availability, energy) ties the tiers
 * together: prefill pools and decode pools then never share a row. Branch-and-bound time grows much faster than
 * linearly with size, so two half-size solves are far cheaper than one (bench/planner.ts: javascript-lp-solver
 * 5.4 s on the whole catalog-wide model, 0.5–0.7 s on its two blocks).
 */
import type { LpModel } from './lp-model.js';

/** One block: a sub-model and where its variables and rows sit in the original. */
export interface ModelBlock {
  readonly model: LpModel;
  /** Original variable index of each block variable. */
  readonly variables: readonly number[];
  /** Original row index of each block row. */
  readonly rows: readonly number[];
}

export interface BlockSplit {
  readonly blocks: readonly ModelBlock[];
  /** Variables in no row: each is optimal at a bound on its own (see `settleFreeVariable`). */
  readonly free: readonly number[];
}

function createUnionFind(size: number): { find(i: number): number; union(a: number, b: number): void } {
  const parent = Array.from({ length: size }, (_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root];
    while (parent[i] !== root) [parent[i], i] = [root, parent[i]];
    return root;
  };
  // The smaller index becomes the root, so block order (by first variable) does not depend on row order.
  const union = (a: number, b: number): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  return { find, union };
}

/** Splits a model into blocks that share no row, ordered by their first variable; rows without terms are left out. */
export function splitIntoBlocks(model: LpModel): BlockSplit {
  const uf = createUnionFind(model.variables.length);
  const inRow = new Array<boolean>(model.variables.length).fill(false);
  for (const row of model.rows) {
    for (const t of row.terms) {
      inRow[t.index] = true;
      uf.union(row.terms[0].index, t.index);
    }
  }
  const byRoot = new Map<number, { variables: number[]; rows: number[] }>();
  const free: number[] = [];
  model.variables.forEach((_, i) => {
    if (!inRow[i]) return void free.push(i);
    const root = uf.find(i);
    let group = byRoot.get(root);
    if (!group) byRoot.set(root, (group = { variables: [], rows: [] }));
    group.variables.push(i);
  });
  model.rows.forEach((row, r) => {
    if (row.terms.length > 0) byRoot.get(uf.find(row.terms[0].index))!.rows.push(r);
  });
  const blocks = [...byRoot.values()].map(({ variables, rows }) => {
    const local = new Map(variables.map((v, k) => [v, k]));
    const sub: LpModel = {
      variables: variables.map((v) => model.variables[v]),
      rows: rows.map((r) => ({ ...model.rows[r], terms: model.rows[r].terms.map((t) => ({ index: local.get(t.index)!, coef: t.coef })) })),
      objectiveOffset: 0,
    };
    return { model: sub, variables, rows };
  });
  return { blocks, free };
}

/**
 * The optimal value of a variable that appears in no row: its lower bound when its cost is positive, its upper bound
 * when negative, 0 clamped into its bounds when it costs nothing. Integer bounds are rounded inwards.
 */
export function settleFreeVariable(v: LpModel['variables'][number]): number | 'unbounded' | 'infeasible' {
  // `+ 0` turns Math.ceil's -0 into 0.
  const lower = (v.integer ? Math.ceil(v.lower - 1e-9) : v.lower) + 0;
  const upper = (v.integer ? Math.floor(v.upper + 1e-9) : v.upper) + 0;
  if (lower > upper) return 'infeasible';
  if (v.objective > 0) return Number.isFinite(lower) ? lower : 'unbounded';
  if (v.objective < 0) return Number.isFinite(upper) ? upper : 'unbounded';
  return Math.min(upper, Math.max(lower, 0));
}
