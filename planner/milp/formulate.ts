/**
 * The MILP. Integer n[pool] (instances of a (GPU, TP, role, power cap)); continuous x[class, pool] (share of a
 * class's conversations routed there). Every capacity row is normalised to "instances": Σ_c λ_c·load·x ≤ f·n, so
 * coefficients stay near 1 for both backends. Row metadata (`meta`) lets explain.ts put each row into words.
 */
import { LpBuilder, type LpModel, type LpTerm } from './lp-model.js';
import type { Demand, OperatingPoint } from '../demand/demand.js';
import { CHECK_POLICY, type ResolvedOptions } from '../options.js';
import type { CapacityFamily, Pool } from '../types.js';
import { colocatedPrefillsTurnOne } from '../kernel/colocated.js';
import { addColocatedShapeRows, addRefutedFleetRows, maximalRefutedFleets, type ShapeRowFamily } from './fleet-shape-rows.js';
import { addPairingRows } from './pairing-rows.js';

export type RowFamily = 'route-prefill' | 'route-decode' | 'prefill' | 'decode' | 'kv' | 'egress' | 'ingress' | 'time' | 'power' | 'budget' | 'availability' | 'energy' | 'pairing' | ShapeRowFamily;

export interface RowMeta {
  readonly family: RowFamily;
  readonly pool?: string;
  readonly classId?: string;
  readonly gpu?: string;
  /** Multiply the row's activity/bound by this to get `unit`. */
  readonly scale: number;
  readonly unit: string;
}

export interface Formulation {
  readonly model: LpModel;
  readonly meta: readonly RowMeta[];
  /** Variable index of n[pool] per pool index (undefined when the pool can serve nothing). */
  readonly countIndex: readonly (number | undefined)[];
  /** Variable indices of x[class][pool] per operating point (same order as the entry's points; [] if none). */
  readonly shareIndex: readonly (readonly (readonly number[])[])[];
  /** Facility energy price: GPU joules × PUE × USD/kWh. */
  readonly usdPerJoule: number;
  readonly horizonSeconds: number;
  readonly excluded: readonly string[];
}

const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** Whether a cut applies to a pool: its key, or its role (`role:decode`). */
function inScope(scope: string, pool: Pool): boolean {
  return scope === pool.key || scope === `role:${pool.role}`;
}

function cutFactor(options: ResolvedOptions, pool: Pool, family: CapacityFamily): number {
  let f = 1;
  for (const c of options.cuts) if (c.kind === 'scale-capacity' && inScope(c.poolKey, pool) && c.family === family) f *= c.factor;
  return f;
}

/** Pools' capacity rows: [family, load per conversation (instances·s), capacity factor]. */
function capacityRows(pool: Pool, options: ResolvedOptions, eta: number, linkBps: number): Array<[RowFamily, (e: OperatingPoint) => number, number, string]> {
  if (pool.role === 'prefill') {
    return [
      ['prefill', (e) => e.prefillLoad, cutFactor(options, pool, 'prefill'), 'instances'],
      ['egress', (e) => e.transferBytes / (eta * linkBps), 1, 'instances'],
    ];
  }
  if (pool.role === 'decode') {
    return [
      ['decode', (e) => e.decodeLoad, cutFactor(options, pool, 'decode'), 'instances'],
      ['kv', (e) => e.kvLoad, cutFactor(options, pool, 'kv'), 'instances'],
      ['ingress', (e) => e.transferBytes / (eta * linkBps), 1, 'instances'],
    ];
  }
  return [
    ['time', (e) => e.prefillLoad / cutFactor(options, pool, 'prefill') + e.decodeLoad / cutFactor(options, pool, 'decode'), 1, 'instances'],
    ['kv', (e) => e.kvLoad, cutFactor(options, pool, 'kv'), 'instances'],
  ];
}

/** Builds the model for a demand table. */
export function formulatePlan(demand: Demand, options: ResolvedOptions): Formulation {
  const b = new LpBuilder();
  const meta: RowMeta[] = [];
  const horizonSeconds = options.horizonYears * SECONDS_PER_YEAR;
  // Facility energy: GPU joules × PUE, priced per kWh (3.6e6 J).
  const pricePerJoule = (demand.datacenter.pue * demand.datacenter.electricityUsdPerKwh) / 3.6e6;
  const needsPrice = options.objective === 'tco' || options.budgetUsd !== undefined;
  const excluded: string[] = [];
  const { pools, facts, entries, profiles } = demand;
  const countIndex: (number | undefined)[] = [];
  const shareIndex: number[][][] = profiles.map(() => pools.map(() => []));
  const rowsPerPool: Array<Array<{ family: RowFamily; terms: LpTerm[]; factor: number }>> = [];
  const countUpper = new Map<number, number>();

  pools.forEach((pool, j) => {
    const usable = entries.some((row) => row[j].eligible);
    if (!usable || (needsPrice && facts[j].hardwareUsd === undefined)) {
      if (usable) excluded.push(`${pool.key}: no price (capex_usd or rent_usd_per_h) for ${pool.gpu.id}`);
      countIndex.push(undefined);
      rowsPerPool.push([]);
      return;
    }
    const eta = options.linkUtilisation;
    const rows = capacityRows(pool, options, eta, facts[j].linkBytesPerSecond);
    let upper = 0;
    const shares: Array<[number, OperatingPoint, number]> = [];
    profiles.forEach((p, c) => {
      const e = entries[c][j];
      if (!e.eligible) return;
      for (const point of e.points) {
        const energyCoef = options.objective === 'tco' ? p.ratePerSecond * point.energyJ * horizonSeconds * pricePerJoule : options.objective === 'energy' ? p.ratePerSecond * point.energyJ : 0;
        const name = `x[${p.id}][${pool.key}]${point.batch !== undefined ? `@b${point.batch}` : ''}${point.prefillAllowanceSeconds !== undefined ? `@a${point.prefillAllowanceSeconds.toPrecision(6)}` : ''}`;
        const idx = b.addVariable({ name, lower: 0, upper: 1, integer: false, objective: energyCoef });
        shareIndex[c][j].push(idx);
        shares.push([c, point, idx]);
      }
    });
    const built = rows.map(([family, load, factor]) => {
      const terms = shares.map(([c, point, idx]) => ({ index: idx, coef: profiles[c].ratePerSecond * load(point) }));
      // Upper bound on n: enough for every class routed here at its most demanding operating point.
      let worst = 0;
      profiles.forEach((p, c) => {
        const loads = shares.filter(([cc]) => cc === c).map(([, point]) => p.ratePerSecond * load(point));
        if (loads.length > 0) worst += Math.max(...loads);
      });
      upper = Math.max(upper, Math.ceil(worst / factor - 1e-9));
      return { family, terms, factor };
    });
    const f = facts[j];
    const countObjective =
      options.objective === 'tco' ? f.hardwareUsd! + f.idleWatts * horizonSeconds * pricePerJoule : options.objective === 'energy' ? f.idleWatts : pool.gpus;
    const fixed = options.fixedCounts ? (options.fixedCounts[pool.key] ?? 0) : undefined;
    const n = b.addVariable({ name: `n[${pool.key}]`, lower: fixed ?? 0, upper: fixed ?? upper, integer: true, objective: countObjective });
    countIndex.push(n);
    countUpper.set(n, Math.max(upper, fixed ?? 0));
    rowsPerPool.push(built.map((r) => ({ ...r, terms: [...r.terms, { index: n, coef: -r.factor }] })));
  });

  profiles.forEach((p, c) => {
    const pre: LpTerm[] = [];
    const dec: LpTerm[] = [];
    pools.forEach((pool, j) => {
      for (const idx of shareIndex[c][j]) {
        if (pool.role !== 'decode') pre.push({ index: idx, coef: 1 });
        if (pool.role !== 'prefill') dec.push({ index: idx, coef: 1 });
      }
    });
    b.addRow(`route-prefill[${p.id}]`, pre, 1, 1);
    meta.push({ family: 'route-prefill', classId: p.id, scale: 1, unit: 'share' });
    b.addRow(`route-decode[${p.id}]`, dec, 1, 1);
    meta.push({ family: 'route-decode', classId: p.id, scale: 1, unit: 'share' });
  });
  addPairingRows(b, meta, demand, shareIndex);
  pools.forEach((pool, j) => {
    for (const r of rowsPerPool[j]) {
      b.addRow(`${r.family}[${pool.key}]`, r.terms, -Infinity, 0);
      meta.push({ family: r.family, pool: pool.key, scale: 1, unit: 'instances' });
    }
  });
  addFleetRows(b, meta, demand, options, countIndex, shareIndex, horizonSeconds * pricePerJoule);
  if (!colocatedPrefillsTurnOne(CHECK_POLICY)) addColocatedShapeRows(b, meta, pools, countIndex, (n) => countUpper.get(n)!);
  // Only refuted fleets no other refuted fleet contains: the others' rows are implied (fleet-shape-rows.ts).
  const refuted = maximalRefutedFleets(options.cuts.flatMap((c) => (c.kind === 'refuted-fleet' ? [c.counts] : [])));
  addRefutedFleetRows(b, meta, pools, countIndex, refuted);
  if (options.objectiveBelow !== undefined) {
    // Strictly cheaper by a relative hair, so a fleet costing the same as the bound is not offered again.
    const model = b.build();
    const terms = model.variables.flatMap((v, index) => (v.objective !== 0 ? [{ index, coef: v.objective }] : []));
    const bound = options.objectiveBelow - model.objectiveOffset - 1e-6 * Math.abs(options.objectiveBelow);
    const scale = Math.max(1, Math.abs(bound));
    b.addRow('objective-bound', terms.map((t) => ({ index: t.index, coef: t.coef / scale })), -Infinity, bound / scale);
    meta.push({ family: 'refuted', scale, unit: 'objective' });
  }
  return { model: b.build(), meta, countIndex, shareIndex, usdPerJoule: pricePerJoule, horizonSeconds, excluded };
}

/** Facility power cap, budget (TCO over the horizon) and per-type availability. */
function addFleetRows(b: LpBuilder, meta: RowMeta[], demand: Demand, options: ResolvedOptions, countIndex: readonly (number | undefined)[], shareIndex: readonly (readonly (readonly number[])[])[], usdPerWattHorizon: number): void {
  const { pools, facts, entries, profiles } = demand;
  if (options.powerCapWatts !== undefined) {
    const terms = pools.flatMap((_, j) => (countIndex[j] === undefined ? [] : [{ index: countIndex[j]!, coef: facts[j].peakWatts / 1000 }]));
    b.addRow('power', terms, -Infinity, options.powerCapWatts / 1000);
    meta.push({ family: 'power', scale: 1000, unit: 'W' });
  }
  if (options.budgetUsd !== undefined) {
    const terms: LpTerm[] = [];
    pools.forEach((_, j) => {
      if (countIndex[j] === undefined) return;
      terms.push({ index: countIndex[j]!, coef: (facts[j].hardwareUsd! + facts[j].idleWatts * usdPerWattHorizon) / 1e6 });
      profiles.forEach((p, c) => {
        shareIndex[c][j].forEach((idx, k) => terms.push({ index: idx, coef: (p.ratePerSecond * entries[c][j].points[k].energyJ * usdPerWattHorizon) / 1e6 }));
      });
    });
    b.addRow('budget', terms, -Infinity, options.budgetUsd / 1e6);
    meta.push({ family: 'budget', scale: 1e6, unit: 'USD' });
  }
  if (options.maxAveragePowerWatts !== undefined) {
    const terms: LpTerm[] = [];
    pools.forEach((_, j) => {
      if (countIndex[j] === undefined) return;
      terms.push({ index: countIndex[j]!, coef: facts[j].idleWatts / 1000 });
      profiles.forEach((p, c) => shareIndex[c][j].forEach((idx, k) => terms.push({ index: idx, coef: (p.ratePerSecond * entries[c][j].points[k].energyJ) / 1000 })));
    });
    b.addRow('energy', terms, -Infinity, options.maxAveragePowerWatts / 1000);
    meta.push({ family: 'energy', scale: 1000, unit: 'W' });
  }
  const gpuIds = [...new Set(pools.map((p) => p.gpu.id))];
  for (const gpu of gpuIds) {
    const limit = options.availabilityGpus[gpu];
    if (limit === undefined) continue;
    const terms = pools.flatMap((pool, j) => (pool.gpu.id === gpu && countIndex[j] !== undefined ? [{ index: countIndex[j]!, coef: pool.gpus }] : []));
    b.addRow(`availability[${gpu}]`, terms, -Infinity, limit);
    meta.push({ family: 'availability', gpu, scale: 1, unit: 'GPUs' });
  }
}
