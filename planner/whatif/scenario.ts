/**
 * The what-if scenario file (YAML): where a session starts and the changes it made, so `fleetplan whatif --script
 * FILE` replays it without prompting. Format (every key optional except `kind`; units in the key names):
 *
 * ```yaml
 * kind: whatif-scenario
 * format_version: 1
 * start: { mix: coding-agent, slo: standard, llm: llama-3.1-70b, gpus: [h100-sxm, l40s],
 *          objective: tco, policy: conserve, seed: 1, check_duration_s: 300,
 *          precisions: [fp8], tp: [4, 8], ep: [8] }  # optional: the search's restriction (plan --precisions/--tp/--ep)
 * changes:
 *   - scale_rate: { class: "*", factor: 1.5 }          # "*" = every class, or a class id of the mix
 *   - set_slo: { metric: ttfet_s, percentile: 95, max: 20 }   # or max_slowdown: 5; max in the metric's unit
 *   - add_gpus: [h200]
 *   - remove_gpus: [l40s]
 *   - set_price: { gpu: h100-sxm, capex_usd: 25000, rent_usd_per_h: 2.5 }
 *   - set_electricity: { usd_per_kwh: 0.2 }
 *   - set_power_cap: { kw: 40 }                        # kw: null removes the datacenter's cap
 *   - set_objective: energy                            # tco | energy | gpus
 *   - set_policy: colocated                            # conserve | per-turn-predict | per-turn-disagg | colocated
 *   - undo
 * ```
 * Pure: parses text (the CLI reads the file) and prints a state back as text.
 */
import { stringify } from 'yaml';
import { describeValue, InputError, parseStructuredText, PRECISIONS, type InputIssue } from '../../catalogs/index.js';
import type { Precision, SloMetric } from '../../catalogs/types.js';
import { POLICY_NAMES, type PolicyName } from '../kernel/index.js';
import type { Objective } from '../types.js';
import type { WhatIfChange, WhatIfInputs, WhatIfState } from './types.js';

export const SCENARIO_KIND = 'whatif-scenario';
const OBJECTIVES: readonly Objective[] = ['tco', 'energy', 'gpus'];
const METRICS: readonly SloMetric[] = ['ttfet_s', 'ttft_s', 'tbt_ms', 'last_turn_tbt_ms'];

/** The start fields checked only once the session's LLM and GPUs are known (by the CLI), whose lines it names. */
export type RestrictionField = 'precisions' | 'tp' | 'ep';

export interface Scenario {
  readonly start: Partial<WhatIfInputs>;
  /** Lines of the start's `precisions`/`tp`/`ep`, for the CLI's one-line messages about them. */
  readonly startLines: Readonly<Partial<Record<RestrictionField, number>>>;
  readonly changes: readonly WhatIfChange[];
  /** Line of each change entry (parallel to `changes`), for the CLI's one line refusing a step at replay. */
  readonly changeLines: readonly (number | undefined)[];
}

class Reader {
  readonly issues: InputIssue[] = [];
  constructor(private readonly file: string, private readonly lineOf: (path: ReadonlyArray<string | number>) => number | undefined) {}
  fail(path: ReadonlyArray<string | number>, found: unknown, expected: string): undefined {
    const dot = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    const line = this.lineOf(path);
    this.issues.push({ code: 'schema', file: this.file, path: dot, message: `found ${describeValue(found)}, expected ${expected}`, ...(line !== undefined ? { line } : {}) });
    return undefined;
  }
  num(v: unknown, path: Array<string | number>, positive = true): number | undefined {
    return typeof v === 'number' && Number.isFinite(v) && (!positive || v > 0) ? v : this.fail(path, v, positive ? 'a number > 0' : 'a number');
  }
  str(v: unknown, path: Array<string | number>): string | undefined {
    return typeof v === 'string' && v !== '' ? v : this.fail(path, v, 'a string');
  }
  oneOf<T extends string>(v: unknown, options: readonly T[], path: Array<string | number>): T | undefined {
    return options.includes(v as T) ? (v as T) : this.fail(path, v, `one of ${options.join(', ')}`);
  }
  strings(v: unknown, path: Array<string | number>): string[] | undefined {
    return Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string') ? (v as string[]) : this.fail(path, v, 'a list of GPU type ids');
  }
  degrees(v: unknown, path: Array<string | number>): number[] | undefined {
    if (!Array.isArray(v) || v.length === 0) return this.fail(path, v, 'a list of whole numbers ≥ 1');
    const bad = v.findIndex((d) => !Number.isInteger(d) || (d as number) < 1);
    return bad < 0 ? (v as number[]) : this.fail([...path, bad], v[bad], 'a whole number ≥ 1');
  }
  formats(v: unknown, path: Array<string | number>): Precision[] | undefined {
    if (!Array.isArray(v) || v.length === 0) return this.fail(path, v, `a list of formats among ${PRECISIONS.join(', ')}`);
    const bad = v.findIndex((p) => !(PRECISIONS as readonly unknown[]).includes(p));
    return bad < 0 ? (v as Precision[]) : this.fail([...path, bad], v[bad], `one of ${PRECISIONS.join(', ')}`);
  }
  record(v: unknown, path: Array<string | number>): Record<string, unknown> | undefined {
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : this.fail(path, v, 'a mapping');
  }
}

function readChange(r: Reader, entry: unknown, i: number): WhatIfChange | undefined {
  const at = (...p: string[]) => ['changes', i, ...p];
  if (entry === 'undo') return { kind: 'undo' };
  const e = r.record(entry, at());
  if (!e) return undefined;
  const keys = Object.keys(e);
  if (keys.length !== 1) return r.fail(at(), keys.join(', '), 'exactly one change per entry');
  const [key] = keys as [string];
  const v = e[key];
  const body = () => r.record(v, at(key)) ?? {};
  switch (key) {
    case 'scale_rate': { const b = body(); const classId = r.str(b.class, at(key, 'class')); const factor = r.num(b.factor, at(key, 'factor')); return classId && factor ? { kind: 'scale-rate', classId, factor } : undefined; }
    case 'set_slo': {
      const b = body();
      const metric = r.oneOf(b.metric, METRICS, at(key, 'metric'));
      const percentile = b.percentile === undefined ? 95 : r.num(b.percentile, at(key, 'percentile'));
      if ((b.max === undefined) === (b.max_slowdown === undefined)) return r.fail(at(key), Object.keys(b).join(', '), 'exactly one of max, max_slowdown');
      const max = b.max !== undefined ? r.num(b.max, at(key, 'max')) : undefined;
      const maxSlowdown = b.max_slowdown !== undefined ? r.num(b.max_slowdown, at(key, 'max_slowdown')) : undefined;
      return metric && percentile && (max ?? maxSlowdown) ? { kind: 'set-slo', metric, percentile, ...(max !== undefined ? { max } : { maxSlowdown: maxSlowdown! }) } : undefined;
    }
    case 'add_gpus': case 'remove_gpus': { const gpus = r.strings(v, at(key)); return gpus ? { kind: key === 'add_gpus' ? 'add-gpus' : 'remove-gpus', gpus } : undefined; }
    case 'set_price': {
      const b = body();
      const gpu = r.str(b.gpu, at(key, 'gpu'));
      const capexUsd = b.capex_usd !== undefined ? r.num(b.capex_usd, at(key, 'capex_usd')) : undefined;
      const rentUsdPerHour = b.rent_usd_per_h !== undefined ? r.num(b.rent_usd_per_h, at(key, 'rent_usd_per_h')) : undefined;
      if (b.capex_usd === undefined && b.rent_usd_per_h === undefined) return r.fail(at(key), Object.keys(b).join(', '), 'capex_usd and/or rent_usd_per_h');
      return gpu ? { kind: 'set-price', gpu, ...(capexUsd !== undefined ? { capexUsd } : {}), ...(rentUsdPerHour !== undefined ? { rentUsdPerHour } : {}) } : undefined;
    }
    case 'set_electricity': { const usdPerKwh = r.num(body().usd_per_kwh, at(key, 'usd_per_kwh')); return usdPerKwh ? { kind: 'set-electricity', usdPerKwh } : undefined; }
    case 'set_power_cap': { const b = body(); if (b.kw === null) return { kind: 'set-power-cap', kw: null }; const kw = r.num(b.kw, at(key, 'kw')); return kw ? { kind: 'set-power-cap', kw } : undefined; }
    case 'set_objective': { const objective = r.oneOf(v, OBJECTIVES, at(key)); return objective ? { kind: 'set-objective', objective } : undefined; }
    case 'set_policy': { const policy = r.oneOf(v, POLICY_NAMES as readonly PolicyName[], at(key)); return policy ? { kind: 'set-policy', policy } : undefined; }
    default: return r.fail(at(), key, 'a change: scale_rate, set_slo, add_gpus, remove_gpus, set_price, set_electricity, set_power_cap, set_objective, set_policy or undo');
  }
}

function readStart(r: Reader, raw: unknown): Partial<WhatIfInputs> {
  if (raw === undefined) return {};
  const s = r.record(raw, ['start']) ?? {};
  const out: Record<string, unknown> = {};
  const known = ['mix', 'slo', 'llm', 'gpus', 'objective', 'policy', 'seed', 'check_duration_s', 'precisions', 'tp', 'ep'];
  for (const k of Object.keys(s)) if (!known.includes(k)) r.fail(['start', k], k, `one of ${known.join(', ')}`);
  for (const k of ['mix', 'slo', 'llm'] as const) if (s[k] !== undefined) out[k] = r.str(s[k], ['start', k]);
  if (s.gpus !== undefined) out.gpus = r.strings(s.gpus, ['start', 'gpus']);
  if (s.objective !== undefined) out.objective = r.oneOf(s.objective, OBJECTIVES, ['start', 'objective']);
  if (s.policy !== undefined) out.policy = r.oneOf(s.policy, POLICY_NAMES as readonly PolicyName[], ['start', 'policy']);
  if (s.seed !== undefined) out.seed = Number.isInteger(s.seed) && (s.seed as number) >= 0 ? s.seed : r.fail(['start', 'seed'], s.seed, 'an integer ≥ 0');
  if (s.check_duration_s !== undefined) out.checkDurationS = r.num(s.check_duration_s, ['start', 'check_duration_s']);
  // Known formats here; whether each candidate GPU has one of them is checked with the GPUs known (the CLI).
  if (s.precisions !== undefined) out.precisions = r.formats(s.precisions, ['start', 'precisions']);
  // Whole numbers here; whether each splits the LLM's heads or experts is checked once the LLM is known (the CLI).
  if (s.tp !== undefined) out.tpDegrees = r.degrees(s.tp, ['start', 'tp']);
  if (s.ep !== undefined) out.epDegrees = r.degrees(s.ep, ['start', 'ep']);
  return out as Partial<WhatIfInputs>;
}

/** Parses a scenario file's text; every problem is reported (file, line, path, found, expected) in one InputError. */
export function parseScenario(text: string, file: string): Scenario {
  // The shared parser: bounded (input-items), linear duplicate-key check, alias bombs refused, and a file that
  // declares no fleetplan kind is never quoted.
  const parsed = parseStructuredText(text, file);
  const r = new Reader(file, (path) => parsed.lineOf(path));
  const raw = parsed.value as Record<string, unknown> | null;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || raw.kind !== SCENARIO_KIND) {
    const kind = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).kind : undefined;
    const found = kind === undefined ? 'no `kind`' : typeof kind === 'string' && /^[a-z-]{1,24}$/.test(kind) ? describeValue(kind) : 'a `kind` that is not a fleetplan file kind';
    throw new InputError([{ code: 'unknown_kind', file, path: 'kind', message: `found ${found}, expected "${SCENARIO_KIND}"` }]);
  }
  for (const k of Object.keys(raw)) if (!['kind', 'format_version', 'start', 'changes', '$schema'].includes(k)) r.fail([k], k, 'one of kind, format_version, start, changes');
  if (raw.format_version !== undefined && raw.format_version !== 1) r.fail(['format_version'], raw.format_version, '1');
  const start = readStart(r, raw.start);
  const list = raw.changes === undefined || raw.changes === null ? [] : Array.isArray(raw.changes) ? raw.changes : (r.fail(['changes'], raw.changes, 'a list of changes'), []);
  const changes = list.map((entry, i) => readChange(r, entry, i));
  if (r.issues.length > 0) throw new InputError(r.issues);
  const given = raw.start !== null && typeof raw.start === 'object' ? (raw.start as Record<string, unknown>) : {};
  const startLines: Partial<Record<RestrictionField, number>> = {};
  for (const k of ['precisions', 'tp', 'ep'] as const) {
    const line = given[k] !== undefined ? parsed.lineOf(['start', k]) : undefined;
    if (line !== undefined) startLines[k] = line;
  }
  return { start, startLines, changes: changes as WhatIfChange[], changeLines: list.map((_, i) => parsed.lineOf(['changes', i])) };
}

function changeYaml(c: Exclude<WhatIfChange, { kind: 'undo' }>): unknown {
  switch (c.kind) {
    case 'scale-rate': return { scale_rate: { class: c.classId, factor: c.factor } };
    case 'set-slo': return { set_slo: { metric: c.metric, percentile: c.percentile, ...(c.max !== undefined ? { max: c.max } : { max_slowdown: c.maxSlowdown }) } };
    case 'add-gpus': return { add_gpus: [...c.gpus] };
    case 'remove-gpus': return { remove_gpus: [...c.gpus] };
    case 'set-price': return { set_price: { gpu: c.gpu, ...(c.capexUsd !== undefined ? { capex_usd: c.capexUsd } : {}), ...(c.rentUsdPerHour !== undefined ? { rent_usd_per_h: c.rentUsdPerHour } : {}) } };
    case 'set-electricity': return { set_electricity: { usd_per_kwh: c.usdPerKwh } };
    case 'set-power-cap': return { set_power_cap: { kw: c.kw } };
    case 'set-objective': return { set_objective: c.objective };
    case 'set-policy': return { set_policy: c.policy };
  }
}

/** The session as a scenario file: its start and the changes in force (undone ones are gone). */
export function scenarioToYaml(state: WhatIfState): string {
  const s = state.start;
  const doc = {
    kind: SCENARIO_KIND,
    format_version: 1,
    start: {
      mix: s.mix, slo: s.slo, llm: s.llm, gpus: [...s.gpus], objective: s.objective, policy: s.policy, seed: s.seed, check_duration_s: s.checkDurationS,
      ...(s.precisions !== undefined ? { precisions: [...s.precisions] } : {}),
      ...(s.tpDegrees !== undefined ? { tp: [...s.tpDegrees] } : {}), ...(s.epDegrees !== undefined ? { ep: [...s.epDegrees] } : {}),
    },
    changes: state.applied.map(changeYaml),
  };
  return `# fleetplan what-if scenario: replay with \`fleetplan whatif --script THIS_FILE\`\n${stringify(doc, { lineWidth: 0 })}`;
}
