/** `fleetplan catalog [gpus|llms|mixes|slos|datacenters]`: what is built in (plus user files), as a table or JSON. */
import { resolve } from 'node:path';
import { meanOf } from '../../../models/distribution.js';
import { kvBytesPerToken, linearStateBytesPerSequence } from '../../../models/index.js';
import { loadCatalog, inputError, suggestId } from '../../../catalogs/index.js';
import type { Catalog, Datacenter, GpuSpec, LlmSpec, Mix, SloSet } from '../../../catalogs/index.js';
import type { CommandContext } from '../context.js';
import { renderTable } from '../table.js';

export const CATALOG_SECTIONS = ['gpus', 'llms', 'mixes', 'slos', 'datacenters'] as const;
export type CatalogSection = (typeof CATALOG_SECTIONS)[number];

export interface CatalogArgs {
  readonly section?: string;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
}

const round = (x: number, digits = 3) => Number(x.toPrecision(digits));

function gpuJson(g: GpuSpec) {
  return {
    id: g.id, vendor: g.vendor, name: g.name, memory_bytes: g.memoryBytes, memory_bw_bytes_per_s: g.memoryBandwidthBytesPerSecond,
    bf16_flops_per_s: g.bf16FlopsPerSecond, ...(g.fp8FlopsPerSecond !== undefined ? { fp8_flops_per_s: g.fp8FlopsPerSecond } : {}),
    ...(g.fp4FlopsPerSecond !== undefined ? { fp4_flops_per_s: g.fp4FlopsPerSecond } : {}),
    tdp_w: g.tdpWatts, idle_w: g.idleWatts, power_cap_w: { min: g.powerCap.minWatts, max: g.powerCap.maxWatts },
    interconnect: { intra_node_bytes_per_s: g.intraNodeBandwidthBytesPerSecond, inter_node_bytes_per_s: g.interNodeBandwidthBytesPerSecond, gpus_per_node: g.gpusPerNode },
    price: { ...(g.capexUsd !== undefined ? { capex_usd: g.capexUsd } : {}), ...(g.rentUsdPerHour !== undefined ? { rent_usd_per_h: g.rentUsdPerHour } : {}) },
    sources: g.sources,
  };
}

function llmJson(l: LlmSpec) {
  return {
    id: l.id, name: l.name, parameters: l.parameters, layers: l.layers, hidden_size: l.hiddenSize, intermediate_size: l.intermediateSize,
    attention_heads: l.attentionHeads, kv_heads: l.kvHeads, head_dim: l.headDim, vocab_size: l.vocabSize,
    weight_dtype_bytes: l.weightDtypeBytes, kv_dtype_bytes: l.kvDtypeBytes, max_context_tokens: l.maxContextTokens,
    kv_bytes_per_token: kvBytesPerToken(l),
    ...(l.moe ? {
      moe: {
        experts: l.moe.experts, experts_per_token: l.moe.expertsPerToken, shared_experts: l.moe.sharedExperts,
        expert_intermediate_size: l.moe.expertIntermediateSize, dense_layers: l.moe.denseLayers, active_parameters: l.moe.activeParameters,
      },
    } : {}),
    ...(l.attention?.kind === 'mla' ? {
      attention: {
        kind: 'mla', kv_lora_rank: l.attention.kvLoraRank, qk_rope_head_dim: l.attention.qkRopeHeadDim,
        qk_nope_head_dim: l.attention.qkNopeHeadDim, v_head_dim: l.attention.vHeadDim,
        ...(l.attention.qLoraRank !== undefined ? { q_lora_rank: l.attention.qLoraRank } : {}),
      },
    } : {}),
    // The catalog file's own shape: a GQA model says its sliding-window layers (their KV stops at the window) and its
    // linear-attention layers (a fixed state per sequence instead of KV).
    ...(l.attention?.kind === 'gqa' && (l.attention.sliding || l.attention.linear) ? {
      attention: {
        kind: 'gqa',
        ...(l.attention.sliding ? { sliding_window_tokens: l.attention.sliding.windowTokens, sliding_layers: l.attention.sliding.layers } : {}),
        ...(l.attention.linear ? {
          linear_attention: {
            layers: l.attention.linear.layers, key_heads: l.attention.linear.keyHeads, value_heads: l.attention.linear.valueHeads,
            key_head_dim: l.attention.linear.keyHeadDim, value_head_dim: l.attention.linear.valueHeadDim,
            conv_kernel: l.attention.linear.convKernel, state_dtype_bytes: l.attention.linear.stateDtypeBytes,
          },
          linear_state_bytes_per_sequence: linearStateBytesPerSequence(l),
        } : {}),
      },
    } : {}),
    sources: l.sources,
  };
}

function mixJson(m: Mix) {
  return {
    id: m.id, name: m.name, description: m.description, ...(m.llm ? { llm: m.llm } : {}),
    arrival_rate_per_s: m.classes.reduce((s, c) => s + c.arrivalRatePerSecond, 0),
    classes: m.classes.map((c) => ({
      id: c.id, description: c.description, arrival_rate_per_s: c.arrivalRatePerSecond,
      mean_turns: round(meanOf(c.turns)), mean_first_input_tokens: round(meanOf(c.firstInputTokens)),
      mean_appended_input_tokens: round(meanOf(c.appendedInputTokens)), mean_output_tokens: round(meanOf(c.outputTokens)),
      mean_tool_latency_s: round(meanOf(c.toolLatencySeconds)), user_visible_turns: c.userVisibleTurns, sources: c.sources,
    })),
    sources: m.sources,
  };
}

function sloJson(s: SloSet) {
  return {
    id: s.id, description: s.description, attainment: s.attainment,
    targets: s.targets.map((t) => (t.kind === 'slowdown'
      ? { metric: t.metric, percentile: t.percentile, max_slowdown: t.maxSlowdown }
      : { metric: t.metric, percentile: t.percentile, max: t.maxValue })),
    sources: s.sources,
  };
}

function datacenterJson(d: Datacenter) {
  return { id: d.id, pue: d.pue, electricity_usd_per_kwh: d.electricityUsdPerKwh, ...(d.powerCapWatts !== undefined ? { power_cap_kw: d.powerCapWatts / 1000 } : {}), sources: d.sources };
}

/** The JSON document for one or all sections. */
export function catalogToJson(catalog: Catalog, sections: readonly CatalogSection[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const s of sections) {
    if (s === 'gpus') out.gpus = [...catalog.gpus.values()].map(gpuJson);
    if (s === 'llms') out.llms = [...catalog.llms.values()].map(llmJson);
    if (s === 'mixes') out.mixes = [...catalog.mixes.values()].map(mixJson);
    if (s === 'slos') out.slos = [...catalog.slos.values()].map(sloJson);
    if (s === 'datacenters') out.datacenters = [...catalog.datacenters.values()].map(datacenterJson);
  }
  return out;
}

const fmt = (x: number | undefined, digits = 3) => (x === undefined ? '-' : String(round(x, digits)));

/**
 * Whether a GPU's price is a labelled estimate or has a source (a quote, a list price): the catalog's prices are
 * street estimates a buyer should replace, so the table says which is which. Per figure (`price.capex_usd`,
 * `price.rent_usd_per_h`, or one `price` source for both); "unsourced" when neither has one.
 */
function priceBasis(g: GpuSpec): string {
  const basis = (key: string): string | undefined => {
    const source = g.sources[key] ?? g.sources.price;
    if (source === undefined) return undefined;
    // "estimate: …" is the catalog's label; a user's "Estimated …", "Estimates …" or "estimation …" is one too, not a source.
    return /^\s*estimat(e|ed|es|ion)\b/i.test(source) ? 'estimate' : 'sourced';
  };
  const capex = g.capexUsd !== undefined ? basis('price.capex_usd') ?? 'unsourced' : undefined;
  const rent = g.rentUsdPerHour !== undefined ? basis('price.rent_usd_per_h') ?? 'unsourced' : undefined;
  if (capex === undefined || rent === undefined || capex === rent) return capex ?? rent ?? '-';
  return `capex ${capex}, rent ${rent}`;
}

/** Printed under the GPU and LLM tables: the figures' sources are in the JSON and catalogs/SOURCE.md. */
const SOURCES_LINE = (section: 'gpus' | 'llms') => `sources: every figure's, with \`fleetplan catalog ${section} --json\` (catalogs/SOURCE.md)\n`;

function sectionTable(catalog: Catalog, section: CatalogSection, terminal: boolean): string {
  switch (section) {
    case 'gpus':
      return renderTable(
        ['id', 'name', 'memory GB', 'mem BW TB/s', 'BF16 TFLOP/s', 'FP8 TFLOP/s', 'FP4 TFLOP/s', 'TDP W', 'idle W', 'scale-up GPUs', 'scale-out GB/s', 'capex USD', 'rent USD/h', 'price'],
        [...catalog.gpus.values()].map((g) => [g.id, g.name, fmt(g.memoryBytes / 1e9), fmt(g.memoryBandwidthBytesPerSecond / 1e12), fmt(g.bf16FlopsPerSecond / 1e12, 4),
          fmt(g.fp8FlopsPerSecond === undefined ? undefined : g.fp8FlopsPerSecond / 1e12, 4), fmt(g.fp4FlopsPerSecond === undefined ? undefined : g.fp4FlopsPerSecond / 1e12, 4),
          g.tdpWatts, g.idleWatts, g.gpusPerNode, fmt(g.interNodeBandwidthBytesPerSecond / 1e9), fmt(g.capexUsd, 5), fmt(g.rentUsdPerHour), priceBasis(g)]),
        { terminal, align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] },
      ) + SOURCES_LINE('gpus');
    case 'llms':
      return renderTable(
        ['id', 'name', 'params B', 'active B', 'experts', 'attention', 'layers', 'heads', 'KV heads', 'head dim', 'KV KiB/token', 'max context'],
        [...catalog.llms.values()].map((l) => [l.id, l.name, fmt(l.parameters / 1e9), fmt((l.moe?.activeParameters ?? l.parameters) / 1e9),
          l.moe ? `${l.moe.expertsPerToken} of ${l.moe.experts}${l.moe.sharedExperts > 0 ? ` +${l.moe.sharedExperts}` : ''}` : '-', l.attention?.kind ?? 'gqa',
          l.layers, l.attentionHeads, l.kvHeads, l.headDim, fmt(kvBytesPerToken(l) / 1024), l.maxContextTokens]),
        { terminal, align: ['left', 'left', 'right', 'right', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'right'] },
      ) + SOURCES_LINE('llms');
    case 'mixes':
      return renderTable(
        ['id', 'class', 'conv/s', 'turns', 'first input', 'appended', 'output/turn', 'tool s', 'llm'],
        [...catalog.mixes.values()].flatMap((m) => m.classes.map((c) => [m.id, c.id, fmt(c.arrivalRatePerSecond), fmt(meanOf(c.turns)), fmt(meanOf(c.firstInputTokens)),
          fmt(meanOf(c.appendedInputTokens)), fmt(meanOf(c.outputTokens)), fmt(meanOf(c.toolLatencySeconds)), m.llm ?? '-'])),
        { terminal, align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'left'] },
      );
    case 'slos':
      return renderTable(
        ['id', 'targets', 'attainment'],
        [...catalog.slos.values()].map((s) => [s.id, s.targets.map((t) => `p${t.percentile} ${t.metric} ≤ ${t.kind === 'slowdown' ? `${t.maxSlowdown}× standalone` : t.maxValue}`).join('; '), s.attainment]),
        { terminal },
      );
    case 'datacenters':
      return renderTable(
        ['id', 'PUE', 'USD/kWh', 'power cap kW'],
        [...catalog.datacenters.values()].map((d) => [d.id, d.pue, d.electricityUsdPerKwh, d.powerCapWatts === undefined ? 'none' : d.powerCapWatts / 1000]),
        { terminal },
      );
  }
}

export async function runCatalog(args: CatalogArgs, ctx: CommandContext): Promise<number> {
  let sections: readonly CatalogSection[] = CATALOG_SECTIONS;
  if (args.section !== undefined) {
    if (!(CATALOG_SECTIONS as readonly string[]).includes(args.section)) {
      throw inputError('usage', '', 'section', `found "${args.section}", expected one of ${CATALOG_SECTIONS.join(', ')}${suggestId(args.section, CATALOG_SECTIONS)}`);
    }
    sections = [args.section as CatalogSection];
  }
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => (ctx.cwd === process.cwd() ? f : resolve(ctx.cwd, f))) /* as named when the cwd is the process's: messages show the user's path */ });
  if (args.json) {
    ctx.stdout(JSON.stringify(catalogToJson(catalog, sections), null, 2) + '\n');
    return 0;
  }
  for (const s of sections) {
    if (sections.length > 1) ctx.stdout(`${s}\n`);
    ctx.stdout(sectionTable(catalog, s, ctx.stdoutIsTTY));
    if (sections.length > 1) ctx.stdout('\n');
  }
  return 0;
}
