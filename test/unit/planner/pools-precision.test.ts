/**
 * Precision and ep as pool dimensions in the planner: which formats each GPU gets, `--precisions` and `--ep`
 * restrictions, the pool key, and a plan with fp8 pools that round-trips through plan.yaml → validate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, type LlmSpec } from '../../../catalogs/index.js';
import { resolveOptions } from '../../../planner/options.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';
import { candidateLayouts, enumeratePools, poolKey } from '../../../planner/demand/pools.js';
import { runCli } from '../../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../../helpers/paths.js';

const catalog = loadBuiltinCatalog();
const gpu = (id: string) => catalog.gpus.get(id)!;
const llama70 = catalog.llms.get('llama-3.1-70b')!;
const options = (over = {}) => resolveOptions({ roles: ['decode'], powerCapFractions: { decode: [1] }, tpDegrees: [1, 2, 4, 8], ...over });
const MOE = {
  ...catalog.llms.get('llama-3.1-8b')!, id: 'test-moe', parameters: 34e9,
  moe: { experts: 64, expertsPerToken: 8, sharedExperts: 0, expertIntermediateSize: 1280, denseLayers: 0, activeParameters: 6e9 },
} as LlmSpec;

describe('candidate pools by precision', () => {
  it('every format the GPU has: H100 bf16 + fp8 (no fp4), B200 bf16 + fp8 + fp4, A100 bf16 only', () => {
    const { pools } = enumeratePools([gpu('h100-sxm'), gpu('b200'), gpu('a100-80gb-sxm')], llama70, createPerfModelFor(), options());
    const formats = (id: string) => [...new Set(pools.filter((p) => p.gpu.id === id).map((p) => p.precision))];
    expect(formats('h100-sxm')).toEqual(['bf16', 'fp8']);
    expect(formats('b200')).toEqual(['bf16', 'fp8', 'fp4']);
    expect(formats('a100-80gb-sxm')).toEqual(['bf16']);
    // Each pool's model runs in its format; the KV cache stays the LLM's own (bf16).
    for (const p of pools) expect([p.perf.precision, p.perf.kvDtype, p.kvDtype]).toEqual([p.precision, 'bf16', 'bf16']);
  });

  it('fp8 weights fit where bf16 does not: 70B on one H100 only in fp8', () => {
    const { pools } = enumeratePools([gpu('h100-sxm')], llama70, createPerfModelFor(), options());
    expect(pools.filter((p) => p.tp === 1).map((p) => p.key)).toEqual(['h100-sxm/tp1/fp8/decode/tdp']);
  });

  it('--precisions restricts the search', () => {
    const { pools } = enumeratePools([gpu('h100-sxm'), gpu('b200')], llama70, createPerfModelFor(), options({ precisions: ['bf16', 'fp8'] }));
    expect(pools.some((p) => p.precision === 'fp4')).toBe(false);
    expect(pools.some((p) => p.gpu.id === 'b200' && p.precision === 'fp8')).toBe(true);
    const bf16 = enumeratePools([gpu('h100-sxm')], llama70, createPerfModelFor(), options({ precisions: ['bf16'] }));
    expect(bf16.pools.map((p) => p.key)).toEqual(['h100-sxm/tp2/bf16/decode/tdp', 'h100-sxm/tp4/bf16/decode/tdp', 'h100-sxm/tp8/bf16/decode/tdp']);
  });

  it('a dense LLM gets ep 1 only; an MoE one gets every nesting (tp, ep) whose ep divides its experts', () => {
    expect(candidateLayouts(llama70, { tpDegrees: [1, 2, 4, 8], epDegrees: [1, 2, 4, 8] }).every((l) => l.ep === 1)).toBe(true);
    expect(candidateLayouts(MOE, { tpDegrees: [1, 8], epDegrees: [1, 8, 48] })).toEqual([{ tp: 1, ep: 1 }, { tp: 1, ep: 8 }, { tp: 8, ep: 1 }, { tp: 8, ep: 8 }]);
    const { pools } = enumeratePools([gpu('b200')], MOE, createPerfModelFor(), options({ tpDegrees: [1], epDegrees: [1, 8], precisions: ['fp4'] }));
    expect(pools.map((p) => [p.key, p.gpus])).toEqual([['b200/tp1/fp4/decode/tdp', 1], ['b200/tp1ep8/fp4/decode/tdp', 8]]);
  });

  it('the pool key names GPU, layout, precision, role and cap', () => {
    expect(poolKey('h100-sxm', { tp: 4, precision: 'fp8' }, 'prefill')).toBe('h100-sxm/tp4/fp8/prefill/tdp');
    expect(poolKey('b200', { tp: 1, ep: 8, precision: 'fp4' }, 'decode', 700)).toBe('b200/tp1ep8/fp4/decode/700w');
  });
});

describe('plan with fp8 pools → plan.yaml → validate', () => {
  it('writes precision per pool and validate checks the same fp8 fleet', async () => {
    const out = join(scratchDir('fleetplan-fp8-'), 'plan');
    const plan = await runCli(['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'l40s', '--precisions', 'fp8', '--slo', 'relaxed', '--seed', '1', '--out', out, '--json'], { cwd: repoRoot });
    expect(plan.code, plan.stderr).toBe(0);
    const yaml = parse(readFileSync(join(out, 'plan.yaml'), 'utf8'));
    expect(yaml.instances.length).toBeGreaterThan(0);
    for (const i of yaml.instances) expect([i.gpu, i.precision, i.kv_dtype]).toEqual(['l40s', 'fp8', 'bf16']);
    expect(JSON.parse(plan.stdout).inputs.precisions).toEqual(['fp8']);
    const validate = await runCli(['validate', join(out, 'plan.yaml'), '--json'], { cwd: repoRoot });
    expect(validate.code, validate.stderr).toBe(0);
    const pools = JSON.parse(validate.stdout).check.pools;
    expect(pools.map((p: { precision: string }) => p.precision)).toEqual(yaml.instances.map(() => 'fp8'));
  }, 120_000);

  it('--precisions and --ep refuse what cannot be planned, one line each', async () => {
    const fp4 = await runCli(['plan', '--mix', 'coding-agent', '--llm', 'llama-3.1-70b', '--gpus', 'h100-sxm', '--precisions', 'fp4'], { cwd: repoRoot });
    expect([fp4.code, fp4.stderr.trim()]).toEqual([2, 'fleetplan: --precisions: found fp4, expected at least one of the formats h100-sxm has (bf16, fp8), or h100-sxm left out of --gpus']);
    const bad = await runCli(['plan', '--mix', 'coding-agent', '--llm', 'llama-3.1-70b', '--precisions', 'int4'], { cwd: repoRoot });
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'fleetplan: --precisions: found "int4", expected formats among bf16, fp8, fp4']);
    const ep = await runCli(['plan', '--mix', 'coding-agent', '--llm', 'llama-3.1-70b', '--ep', '1,8'], { cwd: repoRoot });
    expect([ep.code, ep.stderr.trim()]).toEqual([2, 'fleetplan: --ep: found 8, expected 1: llama-3.1-70b is a dense LLM (no experts to spread)']);
  });
});
