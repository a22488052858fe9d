/**
 * Rules a JSON Schema cannot state: bounds in order, weights that sum to something, ids unique within a file.
 * Each broken rule is one issue with the field's path and line.
 */
import { describeValue, toDotPath, type InputIssue } from './issues.js';
import { currentLimits } from './limits.js';
import type { ParsedDocument } from './parse-document.js';
import { checkPoolLayouts } from './check-pools.js';
import { checkLinkPools } from './check-link-pools.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the input has passed its JSON Schema */
type Raw = any;
type Segments = Array<string | number>;

const DISTRIBUTION_FIELDS = ['turns', 'first_input_tokens', 'appended_input_tokens', 'output_tokens', 'tool_latency_s'] as const;

function issueAt(doc: ParsedDocument, segments: Segments, message: string): InputIssue {
  const line = doc.lineOf(segments);
  return { code: 'invalid_value', file: doc.file, path: toDotPath(segments), message, ...(line !== undefined ? { line } : {}) };
}

function checkDistribution(raw: Raw, segments: Segments, doc: ParsedDocument, out: InputIssue[]): void {
  if (raw === null || typeof raw !== 'object') return;
  if (typeof raw.min === 'number' && typeof raw.max === 'number' && raw.min > raw.max) {
    out.push(issueAt(doc, [...segments, 'min'], `found min ${raw.min} > max ${raw.max}, expected min ≤ max`));
  }
  const u = raw.uniform;
  if (u && typeof u.min === 'number' && typeof u.max === 'number' && u.min > u.max) {
    out.push(issueAt(doc, [...segments, 'uniform', 'min'], `found min ${u.min} > max ${u.max}, expected min ≤ max`));
  }
  if (Array.isArray(raw.empirical)) {
    const total = raw.empirical.reduce((s: number, p: [number, number]) => s + (Array.isArray(p) && typeof p[1] === 'number' ? p[1] : 0), 0);
    if (!(total > 0)) out.push(issueAt(doc, [...segments, 'empirical'], `found total weight ${total}, expected a positive total weight`));
  }
}

function checkUniqueIds(items: Raw[], segments: Segments, what: string, doc: ParsedDocument, out: InputIssue[]): void {
  const firstIndex = new Map<string, number>();
  items.forEach((item, i) => {
    const id = item?.id;
    if (typeof id !== 'string') return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, i);
    else out.push(issueAt(doc, [...segments, i, 'id'], `found ${describeValue(id)} again (first at ${toDotPath([...segments, first])}), expected a unique ${what} id`));
  });
}

/**
 * What each mix field's draws may be. The kernel floors a draw below `min` (and counts it), but a distribution whose
 * stated values are below it is a mistake, not noise: `turns: {fixed: 0}` ran with exit 0 and printed zeros. `max`
 * bounds a distribution's scale (its fixed value, uniform max, mean, median or largest point): a million turns or a
 * 1e308 s tool latency is no workload, and simulated time near 1e308 never advances.
 */
const FIELD_RANGE: Record<(typeof DISTRIBUTION_FIELDS)[number], { min: number; max: () => number; unit: string; limit?: 'sim-seconds' }> = {
  turns: { min: 1, max: () => 10_000, unit: 'turns' },
  first_input_tokens: { min: 1, max: () => 10_000_000, unit: 'tokens' },
  appended_input_tokens: { min: 0, max: () => 10_000_000, unit: 'tokens' },
  output_tokens: { min: 1, max: () => 10_000_000, unit: 'tokens' },
  tool_latency_s: { min: 0, max: () => currentLimits()['sim-seconds'], unit: 'seconds', limit: 'sim-seconds' },
};

/** The values a distribution states (not its draws): fixed, the uniform bounds, the scale, the empirical points. */
function statedValues(raw: Raw): { segments: Segments; value: number }[] {
  if (raw === null || typeof raw !== 'object') return [];
  if (typeof raw.fixed === 'number') return [{ segments: ['fixed'], value: raw.fixed }];
  if (raw.uniform) return [{ segments: ['uniform', 'min'], value: raw.uniform.min }, { segments: ['uniform', 'max'], value: raw.uniform.max }];
  if (raw.exponential) return [{ segments: ['exponential', 'mean'], value: raw.exponential.mean }];
  if (raw.lognormal) return [{ segments: ['lognormal', 'median'], value: raw.lognormal.median }];
  if (Array.isArray(raw.empirical)) return raw.empirical.map((p: Raw, i: number) => ({ segments: ['empirical', i, 0], value: Array.isArray(p) ? p[0] : NaN }));
  return [];
}

function checkFieldRange(raw: Raw, field: (typeof DISTRIBUTION_FIELDS)[number], segments: Segments, doc: ParsedDocument, out: InputIssue[]): void {
  const range = FIELD_RANGE[field];
  const max = range.max();
  for (const { segments: at, value } of statedValues(raw)) {
    if (typeof value !== 'number') continue;
    const hint = range.limit ? ` (limit ${range.limit}; raise it with --limit ${range.limit}=N)` : '';
    if (value < range.min) out.push(issueAt(doc, [...segments, ...at], `found ${value}, expected at least ${range.min} ${range.unit}`));
    else if (!(value <= max)) out.push(issueAt(doc, [...segments, ...at], `found ${value}, expected at most ${max.toLocaleString('en-US')} ${range.unit}${hint}`));
  }
}

/** Checks a mix file's classes. */
function checkMix(raw: Raw, doc: ParsedDocument, out: InputIssue[]): void {
  const classes: Raw[] = Array.isArray(raw.classes) ? raw.classes : [];
  checkUniqueIds(classes, ['classes'], 'class', doc, out);
  classes.forEach((c, i) => {
    for (const field of DISTRIBUTION_FIELDS) {
      checkDistribution(c?.[field], ['classes', i, field], doc, out);
      checkFieldRange(c?.[field], field, ['classes', i, field], doc, out);
    }
    if (Array.isArray(c?.output_tokens_by_turn)) {
      c.output_tokens_by_turn.forEach((d: Raw, j: number) => {
        checkDistribution(d, ['classes', i, 'output_tokens_by_turn', j], doc, out);
        checkFieldRange(d, 'output_tokens', ['classes', i, 'output_tokens_by_turn', j], doc, out);
      });
    }
  });
}

function checkSlo(raw: Raw, doc: ParsedDocument, out: InputIssue[]): void {
  const seen = new Map<string, number>();
  (raw.targets ?? []).forEach((t: Raw, i: number) => {
    const key = `${t?.metric}@${t?.percentile}/${t?.max_slowdown !== undefined ? 'slowdown' : 'absolute'}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else out.push(issueAt(doc, ['targets', i], `found a second p${t.percentile} ${t.metric} target (first at targets[${first}]), expected one target per metric, percentile and kind`));
  });
}

/** Per-GPU figures no real device reaches: beyond these the planner's sums overflow or mean nothing. */
const GPU_MAXIMA: Array<[Segments, number, string]> = [
  [['tdp_w'], 100_000, 'W'], [['idle_w'], 100_000, 'W'], [['power_cap_w', 'min'], 100_000, 'W'], [['power_cap_w', 'max'], 100_000, 'W'],
  [['price', 'capex_usd'], 1e9, 'USD'], [['price', 'rent_usd_per_h'], 1e6, 'USD per hour'],
];

/** Any number this large is no measurement (the largest real figures, FLOP/s, are ~1e16). */
const MAX_MAGNITUDE = 1e18;

function checkMagnitudes(raw: Raw, segments: Segments, doc: ParsedDocument, out: InputIssue[], depth = 0): void {
  if (out.length >= 20 || depth > 64) return;
  if (typeof raw === 'number') {
    if (Math.abs(raw) > MAX_MAGNITUDE) out.push(issueAt(doc, segments, `found ${raw}, expected a magnitude at most 1e18 (no real input is this large)`));
  } else if (Array.isArray(raw)) raw.forEach((v, i) => checkMagnitudes(v, [...segments, i], doc, out, depth + 1));
  else if (raw !== null && typeof raw === 'object') for (const [k, v] of Object.entries(raw)) checkMagnitudes(v, [...segments, k], doc, out, depth + 1);
}

function checkGpu(raw: Raw, doc: ParsedDocument, out: InputIssue[]): void {
  for (const [segments, max, unit] of GPU_MAXIMA) {
    const value = segments.reduce((v: Raw, k) => (v === null || v === undefined ? undefined : v[k]), raw);
    if (typeof value === 'number' && value > max && Math.abs(value) <= MAX_MAGNITUDE) out.push(issueAt(doc, segments, `found ${value}, expected at most ${max.toLocaleString('en-US')} ${unit} per GPU`));
  }
  if (typeof raw.idle_w === 'number' && typeof raw.tdp_w === 'number' && raw.idle_w >= raw.tdp_w) {
    out.push(issueAt(doc, ['idle_w'], `found ${raw.idle_w} W ≥ tdp_w ${raw.tdp_w} W, expected idle power below TDP`));
  }
  const cap = raw.power_cap_w;
  if (cap && typeof cap.min === 'number' && typeof cap.max === 'number' && cap.min > cap.max) {
    out.push(issueAt(doc, ['power_cap_w', 'min'], `found min ${cap.min} > max ${cap.max}, expected min ≤ max`));
  }
}

const MLA_FIELDS = ['kv_lora_rank', 'qk_rope_head_dim', 'qk_nope_head_dim', 'v_head_dim'] as const;

/** An MoE block that can route (top-k within the experts, dense layers within the model) and MLA with its latent sizes. */
function checkLlm(raw: Raw, doc: ParsedDocument, out: InputIssue[]): void {
  const m = raw.moe;
  if (m && typeof m.experts === 'number' && typeof m.experts_per_token === 'number' && m.experts_per_token > m.experts) {
    out.push(issueAt(doc, ['moe', 'experts_per_token'], `found ${m.experts_per_token} > experts ${m.experts}, expected at most the ${m.experts} routed experts`));
  }
  if (m && typeof m.dense_layers === 'number' && typeof raw.layers === 'number' && m.dense_layers >= raw.layers) {
    out.push(issueAt(doc, ['moe', 'dense_layers'], `found ${m.dense_layers} dense layers of ${raw.layers}, expected fewer than layers (an MoE model has at least one MoE layer)`));
  }
  const a = raw.attention;
  if (a?.kind === 'mla') {
    for (const field of MLA_FIELDS) {
      if (a[field] === undefined) {
        // The line of `attention.kind`: the field that is missing has none.
        const line = doc.lineOf(['attention', 'kind']);
        out.push({ code: 'invalid_value', file: doc.file, path: `attention.${field}`, message: 'found nothing, expected the MLA latent size (an integer > 0) for attention kind "mla"', ...(line !== undefined ? { line } : {}) });
      }
    }
  } else if (a?.kind === 'gqa') {
    for (const field of [...MLA_FIELDS, 'q_lora_rank']) {
      if (a[field] !== undefined) out.push(issueAt(doc, ['attention', field], `found ${describeValue(a[field])} with attention kind "gqa", expected no MLA latent sizes (or kind "mla")`));
    }
    checkSlidingWindow(raw, a, doc, out);
  }
  if (a?.kind === 'mla') {
    for (const field of [...SLIDING_FIELDS, 'linear_attention']) {
      if (a[field] !== undefined) out.push(issueAt(doc, ['attention', field], `found ${describeValue(a[field])} with attention kind "mla", expected ${field === 'linear_attention' ? 'linear-attention layers' : 'a sliding window'} only with kind "gqa"`));
    }
  }
}

const SLIDING_FIELDS = ['sliding_window_tokens', 'sliding_layers'] as const;

/** Sliding-window layers: both fields or neither, and no more sliding layers than layers. */
function checkSlidingWindow(raw: Raw, a: Raw, doc: ParsedDocument, out: InputIssue[]): void {
  const [window, sliding] = [a.sliding_window_tokens, a.sliding_layers];
  if ((window === undefined) !== (sliding === undefined)) {
    const [given, missing] = window === undefined ? ['sliding_layers', 'sliding_window_tokens'] : ['sliding_window_tokens', 'sliding_layers'];
    const line = doc.lineOf(['attention', given]);
    out.push({ code: 'invalid_value', file: doc.file, path: `attention.${missing}`, message: `found nothing, expected an integer > 0 with attention.${given} (the two go together)`, ...(line !== undefined ? { line } : {}) });
  }
  if (typeof sliding === 'number' && typeof raw.layers === 'number' && sliding > raw.layers) {
    out.push(issueAt(doc, ['attention', 'sliding_layers'], `found ${sliding} sliding layers of ${raw.layers}, expected at most layers (${raw.layers})`));
  }
  // Linear-attention layers keep no KV: at least one layer must attend to (and keep KV for) the whole context.
  const linear = a.linear_attention?.layers;
  if (typeof linear === 'number' && typeof raw.layers === 'number') {
    const windowed = typeof sliding === 'number' ? sliding : 0;
    if (linear + windowed >= raw.layers) {
      out.push(issueAt(doc, ['attention', 'linear_attention', 'layers'], `found ${linear} linear-attention layers${windowed > 0 ? ` and ${windowed} sliding` : ''} of ${raw.layers}, expected fewer than layers${windowed > 0 ? ' minus sliding_layers' : ''} (at least one full-attention layer)`));
    }
  }
}

/** A fleet or plan: instances and simulated seconds within the run's limits (catalogs/limits.ts). */
function checkFleet(raw: Raw, doc: ParsedDocument, out: InputIssue[]): void {
  const limits = currentLimits();
  const instances: Raw[] = Array.isArray(raw.instances) ? raw.instances : [];
  const total = instances.reduce((sum: number, p: Raw) => sum + (typeof p?.count === 'number' ? p.count : 0), 0);
  if (total > limits.instances) {
    const line = doc.lineOf(['instances']);
    out.push({ code: 'limit', file: doc.file, path: 'instances', message: `found ${total.toLocaleString('en-US')} instances in all, expected at most ${limits.instances.toLocaleString('en-US')} (limit instances; raise it with --limit instances=N)`, ...(line !== undefined ? { line } : {}) });
  }
  if (typeof raw.duration_s === 'number' && raw.duration_s > limits['sim-seconds']) {
    const line = doc.lineOf(['duration_s']);
    out.push({ code: 'limit', file: doc.file, path: 'duration_s', message: `found ${raw.duration_s} s, expected at most ${limits['sim-seconds'].toLocaleString('en-US')} simulated seconds (limit sim-seconds; raise it with --limit sim-seconds=N)`, ...(line !== undefined ? { line } : {}) });
  }
}

/** Semantic issues of one schema-valid document of a kind. */
export function checkSemantics(kind: string, raw: Raw, doc: ParsedDocument): InputIssue[] {
  const out: InputIssue[] = [];
  if (kind === 'mix') checkMix(raw, doc, out);
  else if (kind === 'slo') checkSlo(raw, doc, out);
  else if (kind === 'gpu') checkGpu(raw, doc, out);
  else if (kind === 'llm') checkLlm(raw, doc, out);
  else if (kind === 'fleet' || kind === 'plan') {
    checkFleet(raw, doc, out);
    out.push(...checkPoolLayouts(raw, doc), ...checkLinkPools(raw, doc));
  }
  // The generic magnitude rule last, and only where no specific rule has spoken already (one line per problem).
  const magnitudes: InputIssue[] = [];
  checkMagnitudes(raw, [], doc, magnitudes);
  const reported = new Set(out.map((i) => i.path));
  return [...out, ...magnitudes.filter((i) => !reported.has(i.path))];
}
