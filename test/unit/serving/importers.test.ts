import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, formatIssue } from '../../../catalogs/index.js';
import { importRunsText, detectRunFormat } from '../../../models/importers/runs.js';
import { importSiliconRuns } from '../../../models/importers/silicon.js';
import { catalogLlmId } from '../../../models/serving/runs.js';
import { repoRoot } from '../../helpers/paths.js';

const ids = { hasGpu: (g: string) => ['h100-sxm', 'b200'].includes(g), hasLlm: (l: string) => ['qwen3-32b', 'llama-3.1-8b', 'llama-3.1-70b'].includes(l) };
const fixture = (name: string) => readFileSync(join(repoRoot, 'test', 'fixtures', 'runs', name), 'utf8');
const HEADER = 'id,backend,backend_version,model_path,system,precision,mode,isl,osl,gemm_quant_mode,moe_quant_mode,batch_size,tp_size,pp_size,silicon_ttft_ms,silicon_tpot_ms';

function lines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('catalog ids from benchmark model names', () => {
  it('drops the organisation, lower-cases and strips tuning/quantisation suffixes', () => {
    expect(catalogLlmId('Qwen/Qwen3-32B', ids.hasLlm)).toBe('qwen3-32b');
    expect(catalogLlmId('meta-llama/Llama-3.1-8B-Instruct', ids.hasLlm)).toBe('llama-3.1-8b');
    expect(catalogLlmId('nvidia/Qwen3-32B-NVFP4', ids.hasLlm)).toBe('qwen3-32b');
    expect(catalogLlmId('Qwen/Qwen3-235B-A22B-FP8', ids.hasLlm)).toBeUndefined();
  });
});

describe('aiconfigurator silicon CSV', () => {
  it('imports agg rows in seconds and counts, never drops, what it cannot use', () => {
    const text = [HEADER,
      'a,vllm,0.12,Qwen/Qwen3-32B,h100_sxm,,agg,1024,128,,,16,2,1,188.0,22.2',
      'b,trtllm,1.0,meta-llama/Llama-3.1-70B,b200_sxm,fp8,agg,2048,256,fp8,fp8,8,4,1,140.0,9.5',
      'c,sglang,0.5,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,agg,1024,1024,fp8,fp8,8,8,1,300.0,12.0',
      'd,sglang,0.5,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,agg,1024,1024,fp8,fp8,16,8,1,320.0,13.0',
      'e,vllm,0.12,Qwen/Qwen3-32B,gb200,,agg,1024,128,,,16,2,1,188.0,22.2',
      'f,vllm,0.12,meta-llama/Llama-3.1-70B,b200_sxm,int4,agg,1024,128,int4_wo,int4_wo,4,8,1,100,7',
      'g,trtllm,1.0,Qwen/Qwen3-32B,h100_sxm,fp8,disagg,1024,128,fp8,fp8,,,,250,9'].join('\n');
    const r = importSiliconRuns(text, 'runs.csv', ids);
    expect(r.runs.map((x) => [x.llm, x.gpu, x.backend, x.precision, x.concurrency, x.tp])).toEqual([
      ['qwen3-32b', 'h100-sxm', 'vllm', 'bf16', 16, 2],
      ['llama-3.1-70b', 'b200', 'trtllm', 'fp8', 8, 4],
    ]);
    expect(r.runs[0].ttftSeconds).toBeCloseTo(0.188, 9);
    expect(r.runs[0].tpotSeconds).toBeCloseTo(0.0222, 9);
    const skipped = Object.fromEntries(r.skipped.map((s) => [s.reason, s.count]));
    expect(skipped['model "deepseek-ai/DeepSeek-R1" not in the catalog']).toBe(2);
    expect(skipped['GPU system "gb200" not in the catalog']).toBe(1);
    expect(Object.keys(skipped).some((k) => k.startsWith('disaggregated'))).toBe(true);
    expect(Object.keys(skipped).some((k) => k.includes('"int4"'))).toBe(true);
    expect(r.skipped.reduce((s, x) => s + x.count, 0) + r.runs.length).toBe(7);
  });

  it('refuses missing columns, non-numeric latencies and zero concurrency, one line per problem with file, line and field', () => {
    expect(lines(() => importSiliconRuns('backend,model_path\nvllm,Qwen/Qwen3-32B\n', 'x.csv', ids))[0]).toMatch(/^x\.csv:1: found columns .* expected also "system"/);
    const bad = [HEADER,
      'a,vllm,0.12,Qwen/Qwen3-32B,h100_sxm,,agg,1024,128,,,0,2,1,188.0,22.2',
      'b,vllm,0.12,Qwen/Qwen3-32B,h100_sxm,,agg,1024,128,,,16,2,1,fast,22.2'].join('\n');
    expect(lines(() => importSiliconRuns(bad, 'x.csv', ids))).toEqual([
      'x.csv:2: batch_size: found 0, expected a whole number ≥ 1',
      'x.csv:3: silicon_ttft_ms: found "fast", expected a number',
    ]);
  });

  it('reads the staged file: every row either imported or counted', () => {
    const text = readFileSync(join(repoRoot, '..', 'shared', 'data', 'aiconfigurator', 'silicon', 'silicon_runs_h100_b200.csv'), 'utf8');
    const r = importSiliconRuns(text, 'silicon.csv', ids);
    expect(r.runs.length + r.skipped.reduce((s, x) => s + x.count, 0)).toBe(2969);
    expect(r.runs.length).toBeGreaterThan(800);
  });
});

describe('single-run JSON exports', () => {
  const context = { gpu: 'h100-sxm', tp: 2, backend: 'vllm' };
  it('vLLM bench serve --save-result', () => {
    const text = fixture('vllm-bench-qwen3-32b-c32.json');
    expect(detectRunFormat(text)).toBe('vllm-bench');
    const [run] = importRunsText(text, 'v.json', undefined, context, ids).runs;
    expect(run).toMatchObject({ llm: 'qwen3-32b', gpu: 'h100-sxm', tp: 2, backend: 'vllm', precision: 'bf16', concurrency: 32, inputTokens: 1024, outputTokens: 512 });
    expect(run.ttftSeconds).toBeCloseTo(0.2418, 9);
    expect(run.tpotSeconds).toBeCloseTo(0.0209, 9);
  });

  it('aiperf profile_export_aiperf.json', () => {
    const text = fixture('aiperf-llama-3.1-8b-c16.json');
    expect(detectRunFormat(text)).toBe('aiperf');
    const [run] = importRunsText(text, 'a.json', undefined, { ...context, tp: 1, backend: 'trtllm' }, ids).runs;
    expect(run).toMatchObject({ llm: 'llama-3.1-8b', concurrency: 16, inputTokens: 2048, outputTokens: 256, backend: 'trtllm' });
    expect(run.tpotSeconds).toBeCloseTo(0.00402, 9);
  });

  it('genai-perf profile_export_genai_perf.json, including ns units and numeric strings of older releases', () => {
    const text = fixture('genai-perf-llama-3.1-70b-c8.json');
    expect(detectRunFormat(text)).toBe('genai-perf');
    const [run] = importRunsText(text, 'g.json', undefined, { gpu: 'h100-sxm', tp: 4, backend: 'trtllm', precision: 'fp8' }, ids).runs;
    expect(run).toMatchObject({ llm: 'llama-3.1-70b', concurrency: 8, inputTokens: 4096, outputTokens: 512, precision: 'fp8' });
    expect(run.ttftSeconds).toBeCloseTo(0.2124, 9);
    const old = JSON.parse(text) as Record<string, { unit: string; avg: unknown }>;
    old.time_to_first_token = { unit: 'ns', avg: '212400000' };
    expect(importRunsText(JSON.stringify(old), 'g.json', 'genai-perf', { gpu: 'h100-sxm', tp: 4, backend: 'trtllm' }, ids).runs[0].ttftSeconds).toBeCloseTo(0.2124, 9);
  });

  it('bad input: every problem on its own line, nothing returned', () => {
    const doc = JSON.parse(fixture('vllm-bench-qwen3-32b-c32.json')) as Record<string, unknown>;
    doc.model_id = 'mistralai/Mixtral-8x22B';
    doc.mean_tpot_ms = 'n/a';
    doc.max_concurrency = 0;
    expect(lines(() => importRunsText(JSON.stringify(doc), 'v.json', 'vllm-bench', {}, ids))).toEqual([
      'v.json: max_concurrency: found 0, expected a whole number ≥ 1',
      'v.json: mean_tpot_ms: found "n/a", expected a number',
      '--gpu: found nothing, expected the GPU catalog id the run used (v.json does not say)',
      '--tp: found nothing, expected the tensor-parallel degree the run used (v.json does not say)',
      '--backend: found nothing, expected the serving engine: vllm, sglang, trtllm (v.json does not say)',
      'v.json: model_id: found "mistralai/Mixtral-8x22B", expected a model the catalog has (add it with --catalog FILE)',
    ]);
  });
});
