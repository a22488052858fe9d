/**
 * Prefill/decode pairing rows: a disaggregated conversation's TTFET target is split between the prefill pool that
 * takes its turn-1 prefill and the decoder that serves the rest, per pair, by the MILP (demand/floors.ts). A prefill
 * point priced at allowance A may only carry conversations that a decoder point leaving ≥ A seconds carries. The
 * decoders a prefill point may pair with shrink as A grows (nested sets), so a fractional matching exists iff, for
 * every allowance a offered to the class,
 *
 *   Σ_{decoder points leaving ≥ a} x  −  Σ_{prefill points at allowance ≥ a} x  ≥  0
 *
 * (Hall's condition on nested neighbourhoods; both sides total the class's disaggregated share). One row per class and
 * distinct allowance. Each pool's points depend only on the pool, the class and the SLO, so adding candidate pools
 * adds columns and never removes a feasible fleet.
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
    // The smallest level is implied by the route rows (both sides total the same share) only when every decoder
    // point leaves at least it, which demand.ts ensures; it is kept anyway so the rows read the same for every level.
    for (const a of levels) {
      const terms: LpTerm[] = [];
      for (const [leaves, idx] of decode) if (leaves >= a) terms.push({ index: idx, coef: 1 });
      for (const [allowance, idx] of prefill) if (allowance >= a) terms.push({ index: idx, coef: -1 });
      b.addRow(`pairing[${p.id}][${a.toPrecision(6)} s]`, terms, 0, Infinity);
      meta.push({ family: 'pairing', classId: p.id, scale: 1, unit: 'share' });
    }
  });
}
