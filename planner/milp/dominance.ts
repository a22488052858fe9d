/**
 * Dominated candidate pools, dropped before the MILP is built. Precision multiplies the candidates (bf16, fp8 and fp4
 * copies of every GPU × TP × role × cap) and many copies are never better than another: an fp8 pool of the same GPUs
 * usually costs the same, draws the same power and needs less time and KV per conversation. Near-duplicate columns
 * make branch-and-bound slow (measured: llama-3.1-8b on h100-sxm + l40s, 0.7 s with bf16 pools only, 7–13 s with fp8
 * copies added, one run stopped at the deadline), so a pool is dropped when another is at least as good in every
 * coefficient it has in the formulation (formulate.ts):
 * - the same role (the same rows), and either the same GPU type and count at the same price, or other GPUs priced no
 *   higher, no more of them (the `gpus` objective) and no availability limit on the kept pool's type (its row would
 *   draw on it): on the catalog-wide bench (bench/planner.ts) 336 of 548 pools go, 293 with same-GPU copies alone;
 * - idle and peak watts no higher, link bandwidth no lower;
 * - for every class the dropped pool may serve, the kept pool may serve it too, and each of the dropped pool's
 *   operating points is matched by one of the kept pool's with no higher prefill, decode, KV and transfer load and
 *   no more energy.
 * Moving a dominated pool's instances and shares to its dominator then keeps every row satisfied and the objective no
 * higher, so the optimum is unchanged (test/unit/planner/dominance-random.test.ts compares the optima on random
 * instances). Pools a capacity cut names, and pools a fixed fleet uses, are always kept, and a pool whose own capacity
 * a cut scales replaces no other (its rows no longer match its demand entries).
 *
 * Refuted-fleet cuts (fleet-shape-rows.ts) say "some pool has more instances than in fleet F". Moving all of pool b's
 * instances to pool a keeps every such cut satisfied when F has no more of a than of b (F_a ≤ F_b): if the cut held
 * through b (n_b > F_b, or n_b ≥ 1 with F_b = 0) then n_a + n_b > F_b ≥ F_a, or n_a + n_b ≥ 1 with F_a = 0; through
 * any other pool it still does. So with refuted fleets in force, a dominated pool is dropped only for a dominator that
 * no refuted fleet holds more of (of those with rows in the model: fleet-shape-rows.ts keeps the maximal ones). Both
 * conditions are transitive, so a chain of drops ends at a kept pool.
 */
import type { Demand, DemandEntry, OperatingPoint } from '../demand/demand.js';
import type { ResolvedOptions } from '../options.js';
import { maximalRefutedFleets } from './fleet-shape-rows.js';

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

/**
 * Whether pool `a` is at least as good as pool `b` in every coefficient of the formulation. Of the same GPUs: the
 * same price. Of other GPUs (or another count of them): priced no higher, no more GPUs (the `gpus` objective), and no
 * availability limit on a's GPU type (moving b's instances there would draw on it).
 */
function dominates(demand: Demand, a: number, b: number, limited: ReadonlySet<string>): boolean {
  const pa = demand.pools[a];
  const pb = demand.pools[b];
  if (pa.role !== pb.role) return false;
  const fa = demand.facts[a];
  const fb = demand.facts[b];
  if (pa.gpu.id === pb.gpu.id && pa.gpus === pb.gpus) {
    if (fa.hardwareUsd !== fb.hardwareUsd) return false;
  } else if (fa.hardwareUsd === undefined || fb.hardwareUsd === undefined || fa.hardwareUsd > fb.hardwareUsd || pa.gpus > pb.gpus || limited.has(pa.gpu.id)) {
    return false;
  }
  if (fa.idleWatts > fb.idleWatts || fa.peakWatts > fb.peakWatts || fa.linkBytesPerSecond < fb.linkBytesPerSecond) return false;
  return demand.entries.every((row) => entryCovers(row[a], row[b]));
}

/**
 * `dominates` remembered per demand table and availability-limited set: the loop solves one request many times (the
 * demand table is memoised per request, demand-memo.ts) and only the cuts change between solves, while the pairwise
 * comparison over every class's operating points is most of this file's time (the README command: 0.6 s of its
 * main thread over its solves). A memo of a pure function: no answer changes.
 */
const dominanceMemo = new WeakMap<Demand, Map<string, Uint8Array>>();

function memoDominates(demand: Demand, limited: ReadonlySet<string>): (a: number, b: number) => boolean {
  let byLimited = dominanceMemo.get(demand);
  if (!byLimited) dominanceMemo.set(demand, (byLimited = new Map()));
  const key = [...limited].sort().join(',');
  const n = demand.pools.length;
  let known = byLimited.get(key);
  if (!known) byLimited.set(key, (known = new Uint8Array(n * n)));
  const table = known;
  // 0: not yet compared, 1: does not dominate, 2: dominates.
  return (a, b) => {
    const k = a * n + b;
    if (table[k] === 0) table[k] = dominates(demand, a, b, limited) ? 2 : 1;
    return table[k] === 2;
  };
}

/** Whether every refuted fleet holds no more instances of pool `a` than of pool `b` (see the file comment). */
function refutedAllowMove(refuted: readonly Readonly<Record<string, number>>[], a: string, b: string): boolean {
  return refuted.every((fleet) => (fleet[a] ?? 0) <= (fleet[b] ?? 0));
}

/** The demand without dominated pools (entries, facts and pools filtered alike) and the keys dropped. */
export function dropDominatedPools(demand: Demand, options: Pick<ResolvedOptions, 'cuts'> & Partial<Pick<ResolvedOptions, 'fixedCounts' | 'availabilityGpus'>>): { readonly demand: Demand; readonly dropped: readonly string[] } {
  // The refuted fleets whose rows the formulation adds (the others' are implied: fleet-shape-rows.ts).
  const refuted = maximalRefutedFleets(options.cuts.flatMap((c) => (c.kind === 'refuted-fleet' ? [c.counts] : [])));
  const named = new Set([
    ...options.cuts.flatMap((c) => (c.kind === 'scale-capacity' ? [c.poolKey] : [])),
    ...Object.entries(options.fixedCounts ?? {}).flatMap(([key, n]) => (n > 0 ? [key] : [])),
  ]);
  // A pool whose own capacity a cut scales has other coefficients than its demand entries say: it absorbs nothing.
  const scaled = new Set(options.cuts.flatMap((c) => (c.kind === 'scale-capacity' ? [c.poolKey] : [])));
  const limited = new Set(Object.keys(options.availabilityGpus ?? {}));
  const dominatesIn = memoDominates(demand, limited);
  const absorbs = (i: number, j: number) => !scaled.has(demand.pools[i].key) && dominatesIn(i, j) && refutedAllowMove(refuted, demand.pools[i].key, demand.pools[j].key);
  const kept: number[] = [];
  const dropped: string[] = [];
  demand.pools.forEach((pool, j) => {
    // Compared with every other pool, not only kept ones, so the result does not depend on enumeration order beyond
    // ties: of two equal pools the earlier stays.
    const beaten = !named.has(pool.key) && demand.pools.some((_, i) => i !== j && absorbs(i, j) && (i < j || !absorbs(j, i)));
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
