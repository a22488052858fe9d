/**
 * Prefill/decode pairing rows: a disaggregated conversation's TTFET target is split between the prefill pool that
 * takes its turn-1 prefill and the decoder that serves the rest, per pair, by the MILP (demand/floors.ts). A prefill
 * point priced at allowance A may only carry conversations that a decoder point leaving ≥ A seconds carries. The
 * decoders a prefill point may pair with shrink as A grows (nested sets), so a fractional matching exists iff, for
 * every allowance a offered to the class,
 *
 *   Σ_{decoder points leaving ≥ a} x  −  Σ_{prefill points at allowance ≥ a} x  ≥  0
 *
 * (Hall's condition on nested neighbourhoods; both sides total the class's disaggregated share). Each pool's points
 * depend only on the pool, the class and the SLO, so adding candidate pools adds columns and never removes a feasible
 * fleet.
 *
 * Written as a flow, not as the nested sums themselves: with levels a_1 < … < a_K, a slack s_k ≥ 0 per level and
 *
 *   s_k − s_{k+1} − Σ_{decoder points leaving [a_k, a_{k+1})} x + Σ_{prefill points at allowance a_k} x = 0   (s_{K+1} = 0)
 *
 * s_k is exactly the left side above, so the feasible shares are the same; but each share appears in one row instead
 * of in every level below its own. The nested rows held ~34,000 of the catalog-wide model's 44,500 non-zeros (4,860
 * columns, 38 such rows), and HiGHS's simplex iterations slowed with them (bench/planner.ts; the MILP 11 → 7 s CPU).
 * s_k ≤ 1 is implied (a class's decoder shares total 1) and stated, so every column is bounded.
 */
import type { LpBuilder, LpTerm } from './lp-model.js';
import type { Demand } from '../demand/demand.js';

export interface PairingRowMeta {
  readonly family: 'pairing';
  readonly classId: string;
  readonly scale: number;
  readonly unit: string;
}

/** Adds the pairing rows of every class with a TTFET target (shareIndex[c][j][k] ↔ entries[c][j].points[k]). */
export function addPairingRows(b: LpBuilder, meta: { push(m: PairingRowMeta): number }, demand: Demand, shareIndex: readonly (readonly (readonly number[])[])[]): void {
  demand.profiles.forEach((p, c) => {
    const prefill: Array<[number, number]> = [];
    const decode: Array<[number, number]> = [];
    demand.pools.forEach((pool, j) => {
      shareIndex[c][j].forEach((idx, k) => {
        const point = demand.entries[c][j].points[k];
        if (pool.role === 'prefill' && point.prefillAllowanceSeconds !== undefined) prefill.push([point.prefillAllowanceSeconds, idx]);
        if (pool.role === 'decode' && point.leavesPrefillSeconds !== undefined) decode.push([point.leavesPrefillSeconds, idx]);
      });
    });
    const levels = [...new Set(prefill.map(([a]) => a))].sort((x, y) => x - y);
    if (levels.length === 0) return;
    // The highest level each share counts at (a prefill point's own allowance; the highest a decoder point leaves).
    const band = (leaves: number): number => {
      let k = -1;
      while (k + 1 < levels.length && leaves >= levels[k + 1]) k++;
      return k;
    };
    const slack = levels.map((a) => b.addVariable({ name: `pairing-slack[${p.id}][${a.toPrecision(6)} s]`, lower: 0, upper: 1, integer: false, objective: 0 }));
    const terms: LpTerm[][] = levels.map((_, k) => [{ index: slack[k], coef: 1 }, ...(k + 1 < levels.length ? [{ index: slack[k + 1], coef: -1 }] : [])]);
    for (const [leaves, idx] of decode) {
      const k = band(leaves);
      if (k >= 0) terms[k].push({ index: idx, coef: -1 });
    }
    for (const [allowance, idx] of prefill) terms[band(allowance)].push({ index: idx, coef: 1 });
    levels.forEach((a, k) => {
      b.addRow(`pairing[${p.id}][${a.toPrecision(6)} s]`, terms[k], 0, 0);
      meta.push({ family: 'pairing', classId: p.id, scale: 1, unit: 'share' });
    });
  });
}
