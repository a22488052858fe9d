/**
 * Rules a JSON Schema cannot state: bounds in order, weights that sum to something, ids unique within a file.
 * Each broken rule is one issue with the field's path and line.
 */
import { describeValue, toDotPath, type InputIssue } from './issues.js';
import type { ParsedDocument } from './parse-document.js';
import { checkPoolLayouts } from './check-pools.js';

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

/** Checks a mix file's classes. */
function checkMix(raw: Raw, doc: ParsedDocument, out: InputIssue[]): void {
  const classes: Raw[] = Array.isArray(raw.classes) ? raw.classes : [];
  checkUniqueIds(classes, ['classes'], 'class', doc, out);
  classes.forEach((c, i) => {
    for (const field of DISTRIBUTION_FIELDS) checkDistribution(c?.[field], ['classes', i, field], doc, out);
    if (Array.isArray(c?.output_tokens_by_turn)) {
      c.output_tokens_by_turn.forEach((d: Raw, j: number) => checkDistribution(d, ['classes', i, 'output_tokens_by_turn', j], doc, out));
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

function checkGpu(raw: Raw, doc: ParsedDocument, out: InputIssue[]): void {
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
  }
}

/** Semantic issues of one schema-valid document of a kind. */
export function checkSemantics(kind: string, raw: Raw, doc: ParsedDocument): InputIssue[] {
  const out: InputIssue[] = [];
  if (kind === 'mix') checkMix(raw, doc, out);
  else if (kind === 'slo') checkSlo(raw, doc, out);
  else if (kind === 'gpu') checkGpu(raw, doc, out);
  else if (kind === 'llm') checkLlm(raw, doc, out);
  else if (kind === 'fleet' || kind === 'plan') out.push(...checkPoolLayouts(raw, doc));
  return out;
}
