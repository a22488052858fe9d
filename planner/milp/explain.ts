/**
 * Constraints in words: which rows bind a solved plan (with slack and LP-relaxation duals), and why no pool can
 * serve a class at all (the pre-solve infeasibility reasons: SLO below the physical floor, TBT out of reach, ...).
 */
import type { Demand } from '../demand/demand.js';
import type { Formulation } from './formulate.js';
import type { BindingConstraint } from '../types.js';

function describeRow(family: string, pool: string | undefined, used: number, capacity: number): string {
  const pct = capacity > 0 ? ` (${((100 * used) / capacity).toFixed(1)}%)` : '';
  const what: Record<string, string> = {
    prefill: 'prefill time (under the TTFET utilisation cap)',
    decode: 'decode time at the TBT-feasible batch',
    kv: 'resident KV cache',
    egress: 'KV transfer bandwidth out',
    ingress: 'KV transfer bandwidth in',
    time: 'prefill + decode time',
  };
  return `${what[family] ?? family} on ${pool}: ${used.toFixed(3)} of ${capacity.toFixed(3)} instances' worth used${pct}`;
}

/**
 * Every row with its slack; `binding` when the slack is ~0 or (pool rows) when one instance fewer would violate it.
 * Sorted binding first, then by relative slack.
 */
export function explainBinding(form: Formulation, values: readonly number[], duals?: readonly number[]): BindingConstraint[] {
  const out: BindingConstraint[] = [];
  form.model.rows.forEach((row, r) => {
    const m = form.meta[r];
    if (m.family === 'route-prefill' || m.family === 'route-decode' || m.family === 'pairing' || m.family === 'shape' || m.family === 'refuted') return;
    let activity = 0;
    let countTerm = 0;
    let countValue = 0;
    for (const t of row.terms) {
      const v = form.model.variables[t.index];
      if (m.pool !== undefined && v.integer && v.name === `n[${m.pool}]`) {
        countTerm = -t.coef;
        countValue = values[t.index];
      } else activity += t.coef * values[t.index];
    }
    const isPoolRow = m.pool !== undefined;
    // Rows of pools the plan does not buy say nothing about it (0 of 0); leave them out.
    if (isPoolRow && countValue === 0 && activity <= 1e-12) return;
    const bound = isPoolRow ? countTerm * countValue : row.upper;
    const slack = bound - activity;
    const tol = 1e-6 * Math.max(1, Math.abs(bound));
    const oneFewer = isPoolRow && countValue >= 1 && activity > countTerm * (countValue - 1) + tol;
    const binding = slack <= tol || oneFewer;
    const text = isPoolRow
      ? describeRow(m.family, m.pool, activity, bound)
      : `${m.family}${m.gpu ? ` of ${m.gpu}` : ''}: ${(activity * m.scale).toPrecision(6)} of ${(row.upper * m.scale).toPrecision(6)} ${m.unit} used`;
    out.push({
      row: row.name,
      family: m.family,
      pool: m.pool,
      classId: m.classId,
      gpu: m.gpu,
      slack: slack * m.scale,
      activity: activity * m.scale,
      bound: bound * m.scale,
      unit: isPoolRow ? 'instances' : m.unit,
      dual: duals?.[r],
      binding,
      text,
    });
  });
  // "One fewer instance would violate it" is true of every row of a pool of one; credit only the pool's tightest row.
  const tightest = new Map<string, number>();
  for (const c of out) if (c.pool !== undefined && c.bound > 0) tightest.set(c.pool, Math.max(tightest.get(c.pool) ?? 0, c.activity / c.bound));
  for (let i = 0; i < out.length; i++) {
    const c = out[i];
    if (c.pool === undefined || c.slack <= 1e-6 * Math.max(1, Math.abs(c.bound))) continue;
    if (c.binding && c.activity / c.bound < (tightest.get(c.pool) ?? 0)) out[i] = { ...c, binding: false };
  }
  out.sort((a, b) => Number(b.binding) - Number(a.binding) || a.slack / Math.max(1e-12, Math.abs(a.bound)) - b.slack / Math.max(1e-12, Math.abs(b.bound)));
  return out;
}

/** For a class no pool combination can serve, the reason in words; undefined when the class has a route. */
export function explainUnroutable(demand: Demand, classIndex: number, llmId: string, maxTp: number): string | undefined {
  const { pools, entries, floors, profiles } = demand;
  const row = entries[classIndex];
  const has = (role: string) => pools.some((p, j) => p.role === role && row[j].eligible);
  if (has('colocated') || (has('prefill') && has('decode'))) return undefined;
  const cls = profiles[classIndex].id;
  const f = floors[classIndex];
  if (Number.isFinite(f.ttfetTargetSeconds) && f.floorSeconds > f.ttfetTargetSeconds) {
    return `the p${Math.round(f.percentile * 100)} TTFET target of ${f.ttfetTargetSeconds.toFixed(3)} s for ${cls} is below the physical floor of ${f.floorSeconds.toFixed(3)} s (${f.floorPools}, nothing else running)`;
  }
  const tbt = demand.targets.tbt;
  if (tbt?.kind === 'absolute') {
    let best: { gpu: string; tp: number; step: number } | undefined;
    for (const p of pools) {
      if (p.role === 'prefill') continue;
      const step = p.perf.decodeStepSeconds(1, profiles[classIndex].meanDecodeContextTokens, 0);
      if (!best || step < best.step) best = { gpu: p.gpu.id, tp: p.tp, step };
    }
    if (best && best.step > tbt.seconds) {
      const ms = (tbt.seconds * 1000).toFixed(0);
      return `no GPU in the candidate set reaches ${article(ms)} ${ms} ms p95 TBT for ${llmId} at TP ≤ ${maxTp} (${cls}); the best is ${best.gpu} TP${best.tp} at ${(best.step * 1000).toFixed(1)} ms`;
    }
  }
  const ttft = ttftFloor(demand, classIndex);
  if (ttft) return `${ttft}`;
  const reasons = pools.map((p, j) => row[j].reason).filter((r): r is string => r !== undefined);
  const missing = !has('prefill') && !has('colocated') ? 'no prefill-capable pool' : 'no decode-capable pool';
  return `${missing} can serve ${cls} within the SLOs: ${reasons.slice(0, 3).join('; ')}${reasons.length > 3 ? `; and ${reasons.length - 3} more` : ''}`;
}

/** When every decode-capable pool misses the later-turn TTFT target even at batch 1: the best pool and its figure. */
function ttftFloor(demand: Demand, classIndex: number): string | undefined {
  const { pools, entries, profiles } = demand;
  const row = entries[classIndex];
  const pattern = /^later-turn TTFT at batch 1 is ([0-9.]+) s on (\S+), above the ([0-9.]+) s target/;
  const decodeCapable = pools.map((p, j) => ({ p, j })).filter(({ p }) => p.role !== 'prefill');
  if (decodeCapable.length === 0 || decodeCapable.some(({ j }) => row[j].eligible)) return undefined;
  const misses = decodeCapable.map(({ j }) => pattern.exec(row[j].reason ?? '')).filter((m): m is RegExpExecArray => m !== null);
  if (misses.length === 0) return undefined;
  const others = decodeCapable.length - misses.length;
  const best = misses.reduce((a, b) => (Number(b[1]) < Number(a[1]) ? b : a));
  const rest = others > 0 ? `; ${others} other decode-capable pool(s) fail for other reasons (e.g. ${decodeCapable.map(({ j }) => row[j].reason).find((r) => !pattern.test(r ?? ''))})` : '';
  return `the p${Math.round(demand.targets.ttftPercentile * 100)} later-turn TTFT target of ${best[3]} s for ${profiles[classIndex].id} is below the physical floor: the fastest candidate, ${best[2]}, needs ${best[1]} s to prefill a p${Math.round(demand.targets.ttftPercentile * 100)} appended input against the resident history${rest}`;
}

/** "a" or "an" before a number as it is read aloud (an 8, an 11, an 18, an 80…). */
function article(digits: string): string {
  return /^8/.test(digits) || /^(11|18)$/.test(digits) || /^(11|18)\d{3}$/.test(digits) ? 'an' : 'a';
}
