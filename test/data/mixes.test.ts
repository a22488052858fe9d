/**
 * The built-in mixes against the real traces in ../shared/data: every fitted figure of coding-agent,
 * swe-agent-paper and multi-turn-chat (and the measured ones of long-context-rag) is re-derived here with the same
 * parsers and fitting code, and must equal the YAML within its rounding; means must match the trace means.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { toMix } from '../../catalogs/convert.js';
import type { ConversationClass, Distribution, Mix } from '../../catalogs/types.js';
import { parseAzureTrace } from '../../catalogs/traces/azure-csv.js';
import { parseConserveTrace, type ConserveConversation } from '../../catalogs/traces/conserve-csv.js';
import { reconstructConversations, type ReconstructedConversation } from '../../catalogs/traces/mooncake-conversations.js';
import { parseMooncakeTrace } from '../../catalogs/traces/mooncake-jsonl.js';
import { meanOf } from '../../models/distribution.js';
import { fitEmpirical, fitLognormal, ksStatistic, roundEmpirical, roundSignificant, summarizeSamples } from '../../models/fit-distribution.js';

const DATA = new URL('../../../shared/data/', import.meta.url);
const MIXES = new URL('../../catalogs/mixes/', import.meta.url);
const SCHEMAS = new URL('../../catalogs/schemas/', import.meta.url);
const MIX_IDS = ['coding-agent', 'research-agent', 'multi-turn-chat', 'long-context-rag', 'swe-agent-paper'];
const LLM_IDS = ['llama-3.1-8b', 'llama-3.1-70b', 'llama-2-70b', 'qwen3-32b', 'qwen3-0.6b', 'qwen2.5-72b', 'mistral-7b'];

const readData = (path: string) => readFileSync(fileURLToPath(new URL(path, DATA)), 'utf8');
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

function loadRawMixes(): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const name of readdirSync(MIXES).filter((n) => n.endsWith('.yaml')).sort()) {
    out.set(name.replace(/\.yaml$/, ''), parse(readFileSync(new URL(name, MIXES), 'utf8')) as Record<string, unknown>);
  }
  return out;
}

const raw = loadRawMixes();
const mixes = new Map<string, Mix>([...raw].map(([id, r]) => [id, toMix(r)]));
const onlyClass = (id: string): ConversationClass => {
  const mix = mixes.get(id)!;
  expect(mix.classes).toHaveLength(1);
  return mix.classes[0];
};

/** The YAML holds fitEmpirical(samples, bins) with values rounded to 4 significant figures and counts as weights. */
function expectEmpiricalFit(d: Distribution, samples: readonly number[], bins: number): void {
  expect(d.kind).toBe('empirical');
  if (d.kind !== 'empirical') return;
  const refit = roundEmpirical(fitEmpirical(samples, bins).points, 4);
  expect(d.points.map(([v, w]) => [v, w])).toEqual(refit);
}

/** The YAML's lognormal is the MLE rounded to 4 (median) and 3 (sigma) significant figures. */
function expectLognormalFit(d: Distribution, samples: readonly number[]): void {
  expect(d.kind).toBe('lognormal');
  if (d.kind !== 'lognormal') return;
  const refit = fitLognormal(samples);
  expect(d.median).toBe(roundSignificant(refit.median, 4));
  expect(d.sigma).toBe(roundSignificant(refit.sigma, 3));
}

/** meanOf(d) within `tolerance` (relative) of the samples' mean. */
function expectMeanClose(d: Distribution, samples: readonly number[], tolerance: number): void {
  const traceMean = summarizeSamples(samples).mean;
  expect(Math.abs(meanOf(d) - traceMean) / traceMean).toBeLessThan(tolerance);
}

/** The first "KS D = x" a source string quotes equals the recomputed statistic to its 3 decimals. */
function expectQuotedKs(source: string | undefined, samples: readonly number[], d: Distribution): void {
  const quoted = /KS D = (\d\.\d{3})/.exec(source ?? '');
  expect(quoted, `no "KS D = " in ${source}`).not.toBeNull();
  expect(Number(quoted![1])).toBeCloseTo(ksStatistic(samples, d), 3);
}

describe('mix files', () => {
  it('are exactly the built-in ids and validate against mix.schema.json under strict ajv', () => {
    expect([...raw.keys()].sort()).toEqual([...MIX_IDS].sort());
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    for (const name of ['distribution.schema.json', 'mix.schema.json']) ajv.addSchema(JSON.parse(readFileSync(new URL(name, SCHEMAS), 'utf8')));
    const validate = ajv.getSchema('https://fleetplan.dev/schemas/mix.schema.json')!;
    for (const [id, r] of raw) {
      expect(validate(r), `${id}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(r.id).toBe(id);
    }
  });

  it('name a catalog LLM and state a basis for every parameter', () => {
    for (const mix of mixes.values()) {
      expect(LLM_IDS).toContain(mix.llm);
      for (const c of mix.classes) {
        const keys = ['arrival_rate_per_s', 'turns', 'first_input_tokens', 'appended_input_tokens', 'output_tokens', 'tool_latency_s'];
        (c.outputTokensByTurn ?? []).forEach((_, i) => keys.push(`output_tokens_by_turn[${i}]`));
        for (const key of keys) expect(c.sources[key], `${mix.id}/${c.id}: ${key}`).toMatch(/\S{3,}/);
        for (const d of [c.turns, c.firstInputTokens, c.appendedInputTokens, c.outputTokens, c.toolLatencySeconds]) {
          expect(Number.isFinite(meanOf(d))).toBe(true);
        }
      }
    }
  });

  it('label every research-agent figure without a trace as an assumption', () => {
    const c = onlyClass('research-agent');
    for (const [key, basis] of Object.entries(c.sources)) {
      if (!/shared\/data|ML\.ENERGY|agent: the user sees/.test(basis)) expect(basis, key).toMatch(/^assumption: /);
    }
  });
});

describe('coding-agent and swe-agent-paper against the ConServe trace', () => {
  let conversations: ConserveConversation[];
  const firstInputs = () => conversations.map((c) => c.turns[0].appendedInputTokens);
  const outputsAt = (i: number) => conversations.filter((c) => c.turns.length > i).map((c) => c.turns[i].outputTokens);
  beforeAll(() => {
    conversations = parseConserveTrace(readData('conserve/swe_agent_trace_profile.csv'), 'swe_agent_trace_profile.csv');
  });

  it('reads the trace SOURCE.md describes', () => {
    expect(conversations).toHaveLength(2294);
    expect(summarizeSamples(firstInputs()).mean).toBeCloseTo(15_488, 0);
  });

  it('coding-agent: every fitted figure re-derives from the trace', () => {
    const c = onlyClass('coding-agent');
    const appended = conversations.flatMap((conv) => conv.turns.slice(1).map((t) => t.appendedInputTokens));
    const allOutputs = conversations.flatMap((conv) => conv.turns.map((t) => t.outputTokens));
    expectEmpiricalFit(c.turns, conversations.map((conv) => conv.turns.length), 20);
    expectEmpiricalFit(c.firstInputTokens, firstInputs(), 20);
    expectEmpiricalFit(c.appendedInputTokens, appended, 20);
    expectEmpiricalFit(c.outputTokens, allOutputs, 20);
    expect(c.outputTokensByTurn).toHaveLength(10);
    c.outputTokensByTurn!.forEach((d, i) => expectEmpiricalFit(d, outputsAt(i), 20));
    expectQuotedKs(c.sources.first_input_tokens, firstInputs(), c.firstInputTokens);
    expectQuotedKs(c.sources['output_tokens_by_turn[9]'], outputsAt(9), c.outputTokensByTurn![9]);
    expect(c.userVisibleTurns).toBe('last');
  });

  it('coding-agent: means match the trace (first prompt 15,488 ± 3%, later turns ±1%, per-turn output ±1%)', () => {
    const c = onlyClass('coding-agent');
    expectMeanClose(c.firstInputTokens, firstInputs(), 0.03);
    expect(Math.abs(meanOf(c.firstInputTokens) - 15_488)).toBeLessThan(0.03 * 15_488);
    expectMeanClose(c.appendedInputTokens, conversations.flatMap((conv) => conv.turns.slice(1).map((t) => t.appendedInputTokens)), 0.01);
    expectMeanClose(c.turns, conversations.map((conv) => conv.turns.length), 0.01);
    c.outputTokensByTurn!.forEach((d, i) => expectMeanClose(d, outputsAt(i), 0.01));
    // Output grows with the turn index, as the paper observes: the fitted means must show it too.
    const means = c.outputTokensByTurn!.map(meanOf);
    expect(means[9]).toBeGreaterThan(3 * means[1]);
  });

  it('coding-agent: tool latency is an explicit assumption', () => {
    expect(onlyClass('coding-agent').sources.tool_latency_s).toMatch(/^assumption: /);
  });

  it('swe-agent-paper: the paper experiment — 5 turns, no tool delay, Qwen3-0.6B, 1 conv/s', () => {
    const mix = mixes.get('swe-agent-paper')!;
    const c = onlyClass('swe-agent-paper');
    expect(mix.llm).toBe('qwen3-0.6b');
    expect(c.turns).toEqual({ kind: 'fixed', value: 5 });
    expect(c.toolLatencySeconds).toEqual({ kind: 'fixed', value: 0 });
    expect(c.arrivalRatePerSecond).toBe(1);
    expect(c.arrival).toEqual({ kind: 'poisson' });
    expect(conversations.every((conv) => conv.turns.length >= 5)).toBe(true);
    expectEmpiricalFit(c.firstInputTokens, firstInputs(), 20);
    expectEmpiricalFit(c.appendedInputTokens, conversations.flatMap((conv) => conv.turns.slice(1, 5).map((t) => t.appendedInputTokens)), 20);
    expectEmpiricalFit(c.outputTokens, conversations.flatMap((conv) => conv.turns.slice(0, 5).map((t) => t.outputTokens)), 20);
    expect(c.outputTokensByTurn).toHaveLength(5);
    c.outputTokensByTurn!.forEach((d, i) => {
      expectEmpiricalFit(d, outputsAt(i), 20);
      expectMeanClose(d, outputsAt(i), 0.01);
    });
    expectMeanClose(c.firstInputTokens, firstInputs(), 0.03);
  });
});

describe('multi-turn-chat and long-context-rag against the Mooncake trace', () => {
  let conversations: ReconstructedConversation[];
  let spanSeconds: number;
  beforeAll(() => {
    const requests = parseMooncakeTrace(readData('mooncake/conversation_trace.jsonl'), 'conversation_trace.jsonl');
    spanSeconds = requests[requests.length - 1].arrivalSeconds;
    conversations = reconstructConversations(requests);
  });

  it('reconstructs the conversations the mix quotes', () => {
    expect(conversations).toHaveLength(8196);
    expect(conversations.filter((c) => c.turns.length > 1)).toHaveLength(2008);
    expect(conversations.reduce((n, c) => n + c.turns.length, 0)).toBe(12_031);
  });

  it('multi-turn-chat: every fitted figure re-derives from the trace', () => {
    const c = onlyClass('multi-turn-chat');
    const later = conversations.flatMap((conv) => conv.turns.slice(1));
    const appended = later.map((t) => t.appendedInputTokens).filter((x) => x > 0);
    const outputs = conversations.flatMap((conv) => conv.turns.map((t) => t.outputTokens));
    const gaps = later.map((t) => t.gapSeconds);
    expect(c.arrivalRatePerSecond).toBe(roundSignificant(conversations.length / spanSeconds, 4));
    expectEmpiricalFit(c.turns, conversations.map((conv) => conv.turns.length), 30);
    expectEmpiricalFit(c.firstInputTokens, conversations.map((conv) => conv.turns[0].inputTokens), 25);
    expectEmpiricalFit(c.appendedInputTokens, appended, 25);
    expectEmpiricalFit(c.outputTokens, outputs, 25);
    expectLognormalFit(c.toolLatencySeconds, gaps);
    expectQuotedKs(c.sources.tool_latency_s, gaps, c.toolLatencySeconds);
    expect(ksStatistic(gaps, c.toolLatencySeconds)).toBeLessThan(0.05);
    expect(c.userVisibleTurns).toBe('all');
    expect(raw.get('multi-turn-chat')!.sources).toHaveProperty('comparison', expect.stringContaining('no session or conversation ids'));
  });

  it('multi-turn-chat: means match the trace (tokens ±1%, think time ±3%)', () => {
    const c = onlyClass('multi-turn-chat');
    const later = conversations.flatMap((conv) => conv.turns.slice(1));
    expectMeanClose(c.turns, conversations.map((conv) => conv.turns.length), 0.01);
    expectMeanClose(c.firstInputTokens, conversations.map((conv) => conv.turns[0].inputTokens), 0.01);
    expectMeanClose(c.appendedInputTokens, later.map((t) => t.appendedInputTokens).filter((x) => x > 0), 0.01);
    expectMeanClose(c.outputTokens, conversations.flatMap((conv) => conv.turns.map((t) => t.outputTokens)), 0.01);
    expectMeanClose(c.toolLatencySeconds, later.map((t) => t.gapSeconds), 0.03);
  });

  it('long-context-rag: measured figures re-derive from Mooncake and Azure code', () => {
    const c = onlyClass('long-context-rag');
    const long = conversations.filter((conv) => conv.turns[0].inputTokens >= 16_384);
    expect(c.arrivalRatePerSecond).toBe(roundSignificant(long.length / spanSeconds, 4));
    expectEmpiricalFit(c.turns, long.map((conv) => Math.min(3, conv.turns.length)), 30);
    expect(meanOf(c.turns)).toBeLessThanOrEqual(3);
    expectEmpiricalFit(c.firstInputTokens, long.map((conv) => conv.turns[0].inputTokens), 25);
    expectEmpiricalFit(c.outputTokens, long.flatMap((conv) => conv.turns.map((t) => t.outputTokens)), 25);
    expectLognormalFit(c.toolLatencySeconds, long.flatMap((conv) => conv.turns.slice(1).map((t) => t.gapSeconds)));
    const code = parseAzureTrace(readData('azure-llm-2023/AzureLLMInferenceTrace_code.csv'), 'AzureLLMInferenceTrace_code.csv');
    expect(code).toHaveLength(8819);
    expectEmpiricalFit(c.appendedInputTokens, code.map((r) => r.inputTokens), 25);
  });
});
