/**
 * The built-in catalog data (catalogs/{gpus,llms,slos,datacenters}/*.yaml) against its JSON Schemas and against
 * physics: every file validates under strict ajv, every figure names its source, ids match file names, peak figures
 * are dense (not 2:4 sparse), KV bytes per token follow from the architecture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void;
const catalogsDir = fileURLToPath(new URL('../../catalogs/', import.meta.url));
const SCHEMA_ID = (kind: string): string => `https://fleetplan.dev/schemas/${kind}.schema.json`;

/* eslint-disable @typescript-eslint/no-explicit-any -- raw YAML documents */
type Raw = any;
interface Entry { file: string; kind: string; data: Raw }

const FAMILIES = { gpus: 'gpu', llms: 'llm', slos: 'slo', datacenters: 'datacenter' } as const;
const FIXED_IDS: Record<string, string[]> = {
  gpu: ['a100-40gb', 'a100-80gb-sxm', 'h100-sxm', 'h100-pcie', 'h200', 'h20', 'l40s', 'l4', 'a40', 'b200', 'mi300x', 'gaudi3',
    'b300', 'gb200', 'gb300', 'mi325x', 'mi355x', 'rtx-pro-6000'],
  llm: ['llama-3.1-8b', 'llama-3.1-70b', 'llama-2-70b', 'qwen3-32b', 'qwen3-0.6b', 'qwen2.5-72b', 'mistral-7b',
    'deepseek-v3', 'deepseek-r1', 'kimi-k2', 'qwen3-235b-a22b', 'qwen3-30b-a3b', 'gpt-oss-120b', 'mixtral-8x22b',
    'minimax-m2.5', 'kimi-k2.5', 'qwen3.5-397b-a17b'],
  slo: ['interactive', 'standard', 'relaxed', 'paper-5x'],
  datacenter: ['default'],
};
/** Keys that name or describe an entry rather than state a figure. */
const NON_FIGURES = new Set(['$schema', 'kind', 'id', 'vendor', 'name', 'description', 'sources']);

function compileAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const dir = `${catalogsDir}schemas/`;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(dir + f, 'utf8')));
  return ajv;
}

function readEntries(): Entry[] {
  return Object.entries(FAMILIES).flatMap(([dir, kind]) =>
    readdirSync(`${catalogsDir}${dir}`).filter((n) => n.endsWith('.yaml')).sort().map((n) => ({
      file: `${dir}/${n}`, kind, data: parse(readFileSync(`${catalogsDir}${dir}/${n}`, 'utf8')) as Raw,
    })));
}

/** Dot paths of every numeric leaf (arrays indexed by position), skipping names and the sources map. */
function figurePaths(value: Raw, prefix = ''): string[] {
  if (typeof value === 'number') return [prefix];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    prefix === '' && NON_FIGURES.has(k) ? [] : figurePaths(v, prefix === '' ? k : `${prefix}.${k}`));
}

function hasPath(data: Raw, path: string): boolean {
  let node = data;
  for (const seg of path.split('.')) {
    if (node === null || typeof node !== 'object' || !(seg in node)) return false;
    node = node[seg];
  }
  return true;
}

const ajv = compileAjv();
const entries = readEntries();
const byKind = (kind: string): Entry[] => entries.filter((e) => e.kind === kind);
const entry = (kind: string, id: string): Raw => byKind(kind).find((e) => e.data.id === id)!.data;
const validate = (kind: string, data: Raw): boolean => ajv.getSchema(SCHEMA_ID(kind))!(data) as boolean;

describe('catalog schemas', () => {
  it('compile under strict ajv and describe every property (editors show descriptions)', () => {
    const missing: string[] = [];
    const walk = (node: Raw, where: string): void => {
      if (node === null || typeof node !== 'object') return;
      if (node.properties) {
        for (const [k, v] of Object.entries<Raw>(node.properties)) if (typeof v !== 'object' || !v.description) missing.push(`${where}.${k}`);
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`);
    };
    for (const kind of ['common', 'gpu', 'llm', 'slo', 'datacenter']) {
      expect(ajv.getSchema(SCHEMA_ID(kind)), kind).toBeDefined();
      walk(ajv.getSchema(SCHEMA_ID(kind))!.schema, kind);
    }
    expect(missing).toEqual([]);
  });
});

describe('catalog data files', () => {
  it('hold exactly the fixed ids, each equal to its file name', () => {
    for (const [kind, ids] of Object.entries(FIXED_IDS)) {
      expect(byKind(kind).map((e) => e.data.id).sort()).toEqual([...ids].sort());
      for (const e of byKind(kind)) expect(e.file.endsWith(`/${e.data.id}.yaml`), e.file).toBe(true);
    }
    const all = entries.map((e) => `${e.kind}:${e.data.id}`);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(entries.map((e) => [e.file, e] as const))('%s declares its schema and kind and validates', (_f, e) => {
    expect(e.data.$schema).toBe(`../schemas/${e.kind}.schema.json`);
    expect(e.data.kind).toBe(e.kind);
    const v = ajv.getSchema(SCHEMA_ID(e.kind))!;
    expect(v(e.data), JSON.stringify(v.errors)).toBe(true);
  });

  it.each(entries.map((e) => [e.file, e] as const))('%s names a source for every figure and no stale ones', (_f, e) => {
    const keys = Object.keys(e.data.sources);
    const uncovered = figurePaths(e.data).filter((p) => !keys.some((k) => p === k || p.startsWith(`${k}.`)));
    expect(uncovered).toEqual([]);
    expect(keys.filter((k) => !hasPath(e.data, k))).toEqual([]);
    for (const k of keys) expect(e.data.sources[k].trim().length, k).toBeGreaterThan(10);
  });
});

describe('GPU figures', () => {
  const gpus = byKind('gpu').map((e) => e.data);

  it('are dense peaks: BF16 FLOP per byte of bandwidth in 20..550 (sparse figures would double it)', () => {
    for (const g of gpus) {
      const ratio = g.bf16_flops_per_s / g.memory_bw_bytes_per_s;
      expect(ratio, g.id).toBeGreaterThan(20);
      expect(ratio, g.id).toBeLessThan(550);
    }
  });

  it('have FP8 at 2x BF16 where a FP8 tensor path exists (Gaudi 3 MME: 1x), none on Ampere', () => {
    const fp8Ratio: Record<string, number> = { gaudi3: 1 };
    for (const g of gpus) {
      if (['a100-40gb', 'a100-80gb-sxm', 'a40'].includes(g.id)) { expect(g.fp8_flops_per_s, g.id).toBeUndefined(); continue; }
      // 2% slack: NVIDIA's L40S datasheet pairs BF16 362.05 with FP8 733 TFLOPS (ratio 2.02)
      const ratio = g.fp8_flops_per_s / g.bf16_flops_per_s / (fp8Ratio[g.id] ?? 2);
      expect(Math.abs(ratio - 1), g.id).toBeLessThan(0.02);
    }
  });

  it('have dense FP4 at 2x FP8 (3x on Blackwell Ultra) where the part has an FP4 path: Blackwell and MI355X only', () => {
    const fp4Ratio: Record<string, number> = { b300: 3, gb300: 3 };
    const withFp4 = gpus.filter((g) => g.fp4_flops_per_s !== undefined).map((g) => g.id);
    expect(withFp4).toEqual(expect.arrayContaining(['b300', 'gb200', 'gb300', 'mi355x', 'rtx-pro-6000']));
    for (const id of ['a100-80gb-sxm', 'h100-sxm', 'h200', 'mi300x', 'mi325x', 'l40s']) expect(withFp4, id).not.toContain(id);
    for (const g of gpus.filter((x) => x.fp4_flops_per_s !== undefined)) {
      expect(Math.abs(g.fp4_flops_per_s / g.fp8_flops_per_s / (fp4Ratio[g.id] ?? 2) - 1), g.id).toBeLessThan(0.02);
    }
  });

  it('state the scale-up domain: 72 on NVL72 racks, 8 elsewhere, and a slower link beyond it', () => {
    for (const g of gpus) {
      expect(g.interconnect.gpus_per_node, g.id).toBe(['gb200', 'gb300'].includes(g.id) ? 72 : 8);
    }
    // Beyond an NVL72 rack the NIC share is a ninth of NVLink: what a multi-rack instance pays.
    for (const id of ['gb200', 'gb300', 'b300']) {
      const g = entry('gpu', id);
      expect(g.interconnect.inter_node_bytes_per_s * 9, id).toBe(g.interconnect.intra_node_bytes_per_s);
    }
  });

  it('keep idle < TDP and min cap < max cap <= TDP, memory within 16..320 GiB', () => {
    for (const g of gpus) {
      expect(g.idle_w, g.id).toBeLessThan(g.tdp_w);
      expect(g.idle_w, g.id).toBeLessThan(g.power_cap_w.min);
      expect(g.power_cap_w.min, g.id).toBeLessThan(g.power_cap_w.max);
      expect(g.power_cap_w.max, g.id).toBeLessThanOrEqual(g.tdp_w);
      expect(g.memory_bytes, g.id).toBeGreaterThan(16 * 2 ** 30);
      expect(g.memory_bytes, g.id).toBeLessThan(320 * 2 ** 30);
      expect(g.interconnect.inter_node_bytes_per_s, g.id).toBeLessThanOrEqual(g.interconnect.intra_node_bytes_per_s * 2);
    }
  });

  it('pin the H100 SXM and A100 80GB datasheet values', () => {
    const h100 = entry('gpu', 'h100-sxm');
    expect([h100.bf16_flops_per_s, h100.fp8_flops_per_s, h100.memory_bw_bytes_per_s, h100.tdp_w]).toEqual([989.4e12, 1978.9e12, 3.35e12, 700]);
    expect(h100.memory_bytes).toBe(81559 * 2 ** 20);
    expect(h100.power_cap_w).toEqual({ min: 200, max: 700 });
    const a100 = entry('gpu', 'a100-80gb-sxm');
    expect([a100.bf16_flops_per_s, a100.memory_bw_bytes_per_s, a100.memory_bytes, a100.tdp_w, a100.idle_w]).toEqual([312e12, 2.039e12, 80 * 2 ** 30, 400, 63]);
  });
});

describe('LLM figures', () => {
  const kvBytesPerToken = (m: Raw): number => 2 * m.layers * m.kv_heads * m.head_dim * m.kv_dtype_bytes;

  it('give KV bytes per token = 2 x layers x kv_heads x head_dim x kv_dtype_bytes', () => {
    expect(kvBytesPerToken(entry('llm', 'llama-3.1-70b'))).toBe(327_680);
    expect(kvBytesPerToken(entry('llm', 'qwen3-0.6b'))).toBe(114_688);
    expect(kvBytesPerToken(entry('llm', 'llama-2-70b'))).toBe(327_680);
  });

  it('pin the architectures the brief names', () => {
    const pick = (m: Raw): number[] => [m.layers, m.hidden_size, m.attention_heads, m.kv_heads, m.head_dim, m.intermediate_size];
    expect(pick(entry('llm', 'llama-3.1-70b'))).toEqual([80, 8192, 64, 8, 128, 28672]);
    expect(pick(entry('llm', 'qwen3-0.6b'))).toEqual([28, 1024, 16, 8, 128, 3072]);
    expect(pick(entry('llm', 'qwen3-32b'))).toEqual([64, 5120, 64, 8, 128, 25600]);
  });

  it('state a parameter count the architecture explains (tied..untied embeddings, within 1%)', () => {
    for (const e of byKind('llm').filter((x) => x.data.moe === undefined)) {
      const m = e.data;
      const perLayer = 2 * m.hidden_size * m.attention_heads * m.head_dim + 2 * m.hidden_size * m.kv_heads * m.head_dim
        + 3 * m.hidden_size * m.intermediate_size;
      const body = m.layers * perLayer;
      const embed = m.vocab_size * m.hidden_size;
      expect(m.parameters, m.id).toBeGreaterThan((body + embed) * 0.99);
      expect(m.parameters, m.id).toBeLessThan((body + 2 * embed) * 1.01);
      expect(m.attention_heads % m.kv_heads, m.id).toBe(0);
    }
  });

  it('accept an MoE block and reject an incomplete one', () => {
    const base = entry('llm', 'qwen3-32b');
    const moe = { experts: 128, experts_per_token: 8, shared_experts: 0, expert_intermediate_size: 768, dense_layers: 0 };
    expect(validate('llm', { ...base, moe })).toBe(true);
    expect(validate('llm', { ...base, moe: { ...moe, active_parameters: 3_300_000_000 } })).toBe(true);
    expect(validate('llm', { ...base, moe: { experts: 128 } })).toBe(false);
    expect(validate('llm', { ...base, moe: { experts: 128, active_experts: 8, active_parameters: 3_300_000_000 } })).toBe(false);
  });

  it('MoE models: parameters the architecture explains (attention, dense and expert MLPs, embeddings) within 1%', () => {
    for (const e of byKind('llm').filter((x) => x.data.moe !== undefined)) {
      const m = e.data;
      const a = m.attention;
      const attention = a?.kind === 'mla'
        ? m.hidden_size * a.q_lora_rank + a.q_lora_rank * m.attention_heads * (a.qk_nope_head_dim + a.qk_rope_head_dim)
          + m.hidden_size * (a.kv_lora_rank + a.qk_rope_head_dim) + a.kv_lora_rank * m.attention_heads * (a.qk_nope_head_dim + a.v_head_dim)
          + m.attention_heads * a.v_head_dim * m.hidden_size
        : 2 * m.hidden_size * m.attention_heads * m.head_dim + 2 * m.hidden_size * m.kv_heads * m.head_dim;
      const expert = 3 * m.hidden_size * m.moe.expert_intermediate_size;
      const moeLayers = m.layers - m.moe.dense_layers;
      const body = m.layers * attention + m.moe.dense_layers * 3 * m.hidden_size * m.intermediate_size
        + moeLayers * (m.moe.experts + m.moe.shared_experts) * expert;
      const explained = body + 2 * m.vocab_size * m.hidden_size;
      expect(Math.abs(m.parameters / explained - 1), m.id).toBeLessThan(0.01);
      expect(m.moe.experts_per_token, m.id).toBeLessThanOrEqual(m.moe.experts);
    }
  });

  it('pin the published MoE sizes: DeepSeek-V3 671B total / 37B active, Qwen3-235B-A22B, Kimi-K2 1T / 32B', () => {
    const b = (x: number) => Math.round(x / 1e9);
    const active = (m: Raw) => m.parameters - (m.moe.experts - m.moe.experts_per_token) * 3 * m.hidden_size * m.moe.expert_intermediate_size * (m.layers - m.moe.dense_layers);
    expect([b(entry('llm', 'deepseek-v3').parameters), b(active(entry('llm', 'deepseek-v3')))]).toEqual([671, 38]);
    expect([b(entry('llm', 'qwen3-235b-a22b').parameters), b(active(entry('llm', 'qwen3-235b-a22b')))]).toEqual([235, 22]);
    expect([b(entry('llm', 'kimi-k2').parameters), b(active(entry('llm', 'kimi-k2')))]).toEqual([1026, 33]);
    expect(b(entry('llm', 'gpt-oss-120b').parameters)).toBe(117);
    expect(entry('llm', 'deepseek-r1').moe).toEqual(entry('llm', 'deepseek-v3').moe);
    expect(entry('llm', 'deepseek-r1').attention).toEqual(entry('llm', 'deepseek-v3').attention);
  });

  it('MLA KV bytes per token = layers x (kv_lora_rank + qk_rope_head_dim) x kv_dtype_bytes: DeepSeek-V3 70,272 B', () => {
    const m = entry('llm', 'deepseek-v3');
    expect(m.layers * (m.attention.kv_lora_rank + m.attention.qk_rope_head_dim) * m.kv_dtype_bytes).toBe(70_272);
  });

  it('pin MiniMax-M2.5 (230B / 10B activated, GQA) and Kimi-K2.5 (Kimi-K2\'s language model, longer context, INT4 experts)', () => {
    const b = (x: number) => Math.round(x / 1e9);
    const mm = entry('llm', 'minimax-m2.5');
    // 62 layers x (q/k/v/o 3,072 x (6,144 + 1,024 + 1,024) + 6,144 x 3,072 + q/k norms 7,168 + 256 experts x 3 x 3,072 x 1,536
    // + router 256 x 3,072 + bias 256 + 2 norms 6,144) + 2 x 200,064 x 3,072 + 3,072
    expect(mm.parameters).toBe(62 * (3072 * 14336 + 7168 + 256 * 3 * 3072 * 1536 + 256 * 3072 + 256 + 2 * 3072) + 2 * 200064 * 3072 + 3072);
    expect([mm.layers, mm.hidden_size, mm.attention_heads, mm.kv_heads, mm.head_dim, mm.moe.experts, mm.moe.experts_per_token]).toEqual([62, 3072, 48, 8, 128, 256, 8]);
    expect(b(mm.parameters)).toBe(229);
    const k25 = entry('llm', 'kimi-k2.5');
    const k2 = entry('llm', 'kimi-k2');
    for (const key of ['parameters', 'layers', 'hidden_size', 'intermediate_size', 'attention_heads', 'kv_heads', 'head_dim', 'vocab_size', 'moe', 'attention']) {
      expect(k25[key], key).toEqual(k2[key]);
    }
    expect([k25.max_context_tokens, k2.max_context_tokens]).toEqual([262_144, 131_072]);
    // 60 MoE layers x 384 experts x 3 x 7,168 x 2,048 INT4 weights at 0.5625 B (group-32 BF16 scales) + the rest at 2 B
    const routed = 60 * 384 * 3 * 7168 * 2048;
    expect(k25.weight_dtype_bytes).toBeCloseTo((routed * 0.5625 + (k25.parameters - routed) * 2) / k25.parameters, 3);
  });
});

describe('SLO sets and datacenter', () => {
  it('paper-5x is the ConServe paper: p95 TTFET and last-turn TBT at 5x standalone', () => {
    const slo = entry('slo', 'paper-5x');
    expect(slo.targets).toEqual([
      { metric: 'ttfet_s', percentile: 95, max_slowdown: 5 },
      { metric: 'last_turn_tbt_ms', percentile: 95, max_slowdown: 5 },
    ]);
  });

  it('tighten from relaxed to standard to interactive', () => {
    const bound = (id: string, metric: string): number => entry('slo', id).targets.find((t: Raw) => t.metric === metric).max ?? NaN;
    expect(bound('interactive', 'last_turn_tbt_ms')).toBeLessThan(bound('standard', 'last_turn_tbt_ms'));
    expect(bound('standard', 'last_turn_tbt_ms')).toBeLessThan(bound('relaxed', 'last_turn_tbt_ms'));
    expect(entry('slo', 'interactive').attainment).toBeGreaterThan(entry('slo', 'relaxed').attainment);
  });

  it('reject a target with both or neither bound, a percentile of 100 and an attainment of 0', () => {
    const base = entry('slo', 'standard');
    const withTarget = (t: Raw): Raw => ({ ...base, targets: [t] });
    expect(validate('slo', withTarget({ metric: 'ttft_s', percentile: 95, max: 1, max_slowdown: 2 }))).toBe(false);
    expect(validate('slo', withTarget({ metric: 'ttft_s', percentile: 95 }))).toBe(false);
    expect(validate('slo', withTarget({ metric: 'ttft_s', percentile: 100, max: 1 }))).toBe(false);
    expect(validate('slo', withTarget({ metric: 'latency_s', percentile: 95, max: 1 }))).toBe(false);
    expect(validate('slo', { ...base, attainment: 0 })).toBe(false);
  });

  it('reject GPU files with unknown keys, a wrong kind, a bad id or fractional bytes', () => {
    const h100 = entry('gpu', 'h100-sxm');
    expect(validate('gpu', { ...h100, bf16_sparse_flops_per_s: 1979e12 })).toBe(false);
    expect(validate('gpu', { ...h100, kind: 'llm' })).toBe(false);
    expect(validate('gpu', { ...h100, id: 'H100' })).toBe(false);
    expect(validate('gpu', { ...h100, memory_bytes: 80.5e9 + 0.5 })).toBe(false);
  });

  it('default datacenter has a PUE >= 1, a price and no power cap', () => {
    const dc = entry('datacenter', 'default');
    expect(dc.pue).toBeGreaterThanOrEqual(1);
    expect(dc.electricity_usd_per_kwh).toBeGreaterThan(0);
    expect(dc.power_cap_kw).toBeUndefined();
  });
});
