/**
 * Dominated candidate pools, dropped before the MILP is built. Precision multiplies the candidates (bf16, fp8 and fp4
 * copies of every GPU × TP × role × cap) and many copies are never better than another: an fp8 pool of the same GPUs
 * usually costs the same, draws the same power and needs less time and KV per conversation. Near-duplicate columns
 * make branch-and-bound slow (measured: llama-3.1-8b on h100-sxm + l40s, 0.7 s with bf16 pools only, 7–13 s with fp8
 * copies added, one run stopped at the deadline), so a pool is dropped when another is at least as good in every
 * coefficient it has in the formulation (formulate.ts):
 * - the same GPU type and GPU count (the same price, availability coefficient) and role (the same rows);
 * - idle and peak watts no higher, link bandwidth no lower;
 * - for every class the dropped pool may serve, the kept pool may serve it too, and each of the dropped pool's
 *   operating points is matched by one of the kept pool's with no higher prefill, decode, KV and transfer load and
 *   no more energy.
 * Moving a dominated pool's instances and shares to its dominator then keeps every row satisfied and the objective no
 * higher, so the optimum is unchanged. Pools a cut names (min-count, or a capacity cut on that key) are always kept.
 */
import type { Demand, DemandEntry, OperatingPoint } from '../demand/demand.js';
import type { ResolvedOptions } from '../options.js';

function pointCovers(a: OperatingPoint, b: OperatingPoint): boolean {
  // Pairing (pairing-rows.ts): a may replace b only if it pairs with every decoder (prefiller) b pairs with.
  if ((a.prefillAllowanceSeconds ?? -Infinity) > (b.prefillAllowanceSeconds ?? -Infinity)) return false;
  if ((a.leavesPrefillSeconds ?? Infinity) < (b.leavesPrefillSeconds ?? Infinity)) return false;
  return a.prefillLoad <= b.prefillLoad && a.decodeLoad <= b.decodeLoad && a.kvLoad <= b.kvLoad && a.transferBytes <= b.transferBytes && a.energyJ <= b.energyJ;
}

function entryCovers(a: DemandEntry, b: DemandEntry): boolean {
  if (!b.eligible) return true;
  return a.eligible && b.points.every((pb) => a.points.some((pa) => pointCovers(pa, pb)));
}

/** Whether pool `a` is at least as good as pool `b` in every coefficient of the formulation. */
function dominates(demand: Demand, a: number, b: number): boolean {
  const pa = demand.pools[a];
  const pb = demand.pools[b];
  if (pa.gpu.id !== pb.gpu.id || pa.gpus !== pb.gpus || pa.role !== pb.role) return false;
  const fa = demand.facts[a];
  const fb = demand.facts[b];
  if (fa.hardwareUsd !== fb.hardwareUsd || fa.idleWatts > fb.idleWatts || fa.peakWatts > fb.peakWatts || fa.linkBytesPerSecond < fb.linkBytesPerSecond) return false;
  return demand.entries.every((row) => entryCovers(row[a], row[b]));
}

/** The demand without dominated pools (entries, facts and pools filtered alike) and the keys dropped. */
export function dropDominatedPools(demand: Demand, options: Pick<ResolvedOptions, 'cuts'>): { readonly demand: Demand; readonly dropped: readonly string[] } {
  // A refuted-fleet cut is a disjunction over pool counts ("some pool larger than in this fleet"): moving a dominated
  // pool's instances to its dominator can break it, so with one in force no pool is dropped (correct before fast).
  if (options.cuts.some((c) => c.kind === 'refuted-fleet')) return { demand, dropped: [] };
  const named = new Set(options.cuts.flatMap((c) => (c.kind === 'scale-capacity' ? [c.poolKey] : [])));
  const kept: number[] = [];
  const dropped: string[] = [];
  demand.pools.forEach((pool, j) => {
    // Compared with every other pool, not only kept ones, so the result does not depend on enumeration order beyond
    // ties: of two equal pools the earlier stays.
    const beaten = !named.has(pool.key) && demand.pools.some((_, i) => i !== j && dominates(demand, i, j) && (i < j || !dominates(demand, j, i)));
    if (beaten) dropped.push(pool.key);
    else kept.push(j);
  });
  if (dropped.length === 0) return { demand, dropped };
  return {
    demand: {
      ...demand,
      pools: kept.map((j) => demand.pools[j]),
      facts: kept.map((j) => demand.facts[j]),
      entries: demand.entries.map((row) => kept.map((j) => row[j])),
    },
    dropped,
  };
}
