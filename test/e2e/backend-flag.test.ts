/**
 * `--backend` without `--calibration` on the commands that plan and simulate (issue #11): every pool's KV is what that
 * stack's memory rule leaves (the planner's models and the kernel's alike) and the kernel's engines run its
 * scheduler; the backend is recorded in the result's inputs and changes its input hash.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import type { Fleet } from '../../catalogs/types.js';
import { backendKvCapacityOptions, backendScheduling } from '../../models/serving/backend-policy.js';
import { computeKvCapacity } from '../../models/specs.js';
import { createPerfModelFor } from '../../planner/demand/perf-adapter.js';
import { checkFleet, type KernelCheckResult } from '../../planner/check/kernel-check.js';
import runCheckTask from '../../planner/check/check-worker.js';
import { kernelPerfModels } from '../../planner/cli/commands/plan.js';
import { runCli } from '../helpers/run-cli.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const catalog = loadBuiltinCatalog();
const expectedKv = (backend: 'vllm' | 'trtllm' | 'sglang') =>
  Math.floor(computeKvCapacity(catalog.gpus.get('a40')!, catalog.llms.get('qwen3-0.6b')!, { tp: 1 }, backendKvCapacityOptions(backend, 1)).kvCapacityTokens);

interface SimDoc { readonly pools: ReadonlyArray<{ readonly served_as: string; readonly kv_capacity_tokens: number | null }>; readonly inputs: { readonly catalog_hash: string; readonly backend?: string }; readonly ttft_s: { readonly mean: number } }

describe('--backend without --calibration', () => {
  it('simulate: the decode pools hold the backend\'s KV pool, the backend is in the inputs and the hash', async () => {
    const argv = ['simulate', '--fleet', join(repoRoot, 'examples', 'fleets', 'paper-a40.yaml'), '--mix', 'coding-agent', '--duration-s', '30', '--json'];
    const run = async (extra: string[]) => {
      const r = await runCli([...argv, ...extra]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout) as SimDoc;
    };
    const plain = await run([]);
    const vllm = await run(['--backend', 'vllm']);
    const trtllm = await run(['--backend', 'trtllm']);
    const decodeKv = (d: SimDoc) => d.pools.find((p) => p.served_as === 'decode')!.kv_capacity_tokens;
    expect(plain.pools.find((p) => p.served_as === 'prefill')!.kv_capacity_tokens).toBeNull();
    expect(decodeKv(plain)).toBe(expectedKv('vllm'));
    expect(decodeKv(vllm)).toBe(expectedKv('vllm'));
    expect(decodeKv(trtllm)).toBe(expectedKv('trtllm'));
    expect(decodeKv(trtllm)!).toBeGreaterThan(decodeKv(vllm)!);
    expect(plain.inputs.backend).toBeUndefined();
    expect(trtllm.inputs.backend).toBe('trtllm');
    expect(new Set([plain.inputs.catalog_hash, vllm.inputs.catalog_hash, trtllm.inputs.catalog_hash]).size).toBe(3);
  }, 120_000);

  it('plan\'s models: the planner\'s perf models size the KV pool by the backend', () => {
    const gpu = catalog.gpus.get('a40')!;
    const llm = catalog.llms.get('qwen3-0.6b')!;
    const layout = { tp: 1 };
    expect(Math.floor(createPerfModelFor(undefined, { backend: 'sglang' })(gpu, llm, layout)!.kvCapacityTokens)).toBe(expectedKv('sglang'));
    expect(Math.floor(createPerfModelFor(undefined, { backend: 'trtllm' })(gpu, llm, layout)!.kvCapacityTokens)).toBe(expectedKv('trtllm'));
    expect(Math.floor(createPerfModelFor()(gpu, llm, layout)!.kvCapacityTokens)).toBe(expectedKv('vllm'));
  });

  it('plan\'s threaded check runs the backend\'s scheduler and KV pool, as the main-thread check does', () => {
    const fleet: Fleet = { instances: [{ gpu: 'a40', llm: 'qwen3-0.6b', tp: 1, role: 'colocated', count: 2 }], links: [] };
    const mix = catalog.mixes.get('coding-agent')!;
    const slo = catalog.slos.get('standard')!;
    const spec = { mix, slo, durationSeconds: 60, gpus: [catalog.gpus.get('a40')!], llms: [catalog.llms.get('qwen3-0.6b')!] };
    const worker = runCheckTask({ spec: { ...spec, serving: { backend: 'sglang' } }, fleet, seed: 3 }) as KernelCheckResult;
    const models = kernelPerfModels(catalog, createPerfModelFor(undefined, { backend: 'sglang' }));
    const options = { mix, slo, perfModelFor: models, seed: 3, durationSeconds: 60 };
    const main = checkFleet(fleet, { ...options, kernel: backendScheduling('sglang') }) as KernelCheckResult;
    const withoutScheduler = checkFleet(fleet, options) as KernelCheckResult;
    expect(JSON.stringify(worker.simulation.ttft_s)).toBe(JSON.stringify(main.simulation.ttft_s));
    expect(worker.simulation.pools[0]!.kv_capacity_tokens).toBe(expectedKv('sglang'));
    // SGLang's prefill-only iterations pause decoding: the time between tokens is not vLLM's mixed steps'.
    expect(JSON.stringify(main.simulation.tbt_ms)).not.toBe(JSON.stringify(withoutScheduler.simulation.tbt_ms));
  }, 120_000);
});
