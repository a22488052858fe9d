/**
 * `fleetplan benchmark` end to end through main(): the text table, the --json contract (field names of DESIGN.md's
 * CLI contract), byte-identical JSON for a seed, and bad input as one line on stderr with exit 2 and nothing on stdout.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { backendKvCapacityOptions } from '../../models/serving/backend-policy.js';
import { computeKvCapacity } from '../../models/specs.js';
import { runCli } from '../helpers/run-cli.js';

const BASE = ['benchmark', '--gpu', 'h100-sxm', '--llm', 'qwen3-32b'];
const POINT = [...BASE, '--tp', '4', '--concurrency', '32', '--isl', '1024', '--osl', '128'];
const LATENCY = ['mean', 'p50', 'p90', 'p99'];

describe('fleetplan benchmark', () => {
  it('prints the latency table, throughput, energy and how the run was measured', async () => {
    const r = await runCli(POINT);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^qwen3-32b on h100-sxm, agg \(1 instance TP4, 4 GPUs\), concurrency 32 \(closed loop\), ISL 1024 \/ OSL 128/);
    expect(r.stdout).toContain('max_num_seqs 1024, max_num_batched_tokens 8192');
    for (const row of ['ttft', 'tpot', 'itl', 'e2e']) expect(r.stdout).toMatch(new RegExp(`^${row}\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+$`, 'm'));
    expect(r.stdout).toMatch(/output tokens\/s per GPU\s+[\d.]+/);
    expect(r.stdout).toMatch(/run: \d+ requests measured in \d+ batches/);
    expect(r.stdout).toMatch(/^model: /m);
  });

  it('--json prints the contract fields and the operating point, byte-identical for a seed', async () => {
    const first = await runCli([...POINT, '--json', '--seed', '7']);
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout);
    for (const key of ['ttft_ms', 'tpot_ms', 'itl_ms', 'e2e_ms']) expect(Object.keys(doc[key])).toEqual(LATENCY);
    for (const key of ['request_throughput_per_s', 'output_tokens_per_s', 'output_tokens_per_s_per_gpu', 'power_w', 'tokens_per_j']) expect(doc[key]).toBeGreaterThan(0);
    expect(doc.operating_point).toMatchObject({ mode: 'agg', gpu: 'h100-sxm', llm: 'qwen3-32b', tp: 4, gpus: 4, concurrency: 32, max_num_seqs: 1024, max_num_batched_tokens: 8192, seed: 7 });
    expect(doc.tpot_ms.mean).toBeGreaterThan(0);
    expect(doc.ttft_ms.mean).toBeLessThan(doc.e2e_ms.mean);
    const again = await runCli([...POINT, '--json', '--seed', '7']);
    expect(again.stdout).toBe(first.stdout);
  });

  it('runs an xPyD set with --mode disagg and a distribution of input lengths', async () => {
    const r = await runCli([...BASE, '--mode', 'disagg', '--prefill', '1x4', '--decode', '2x4', '--rate', '4', '--isl', '{lognormal: {median: 1024, sigma: 0.5}, max: 8192}', '--osl', '64', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.operating_point).toMatchObject({ mode: 'disagg', prefill: { count: 1, tp: 4, ep: 1 }, decode: { count: 2, tp: 4, ep: 1 }, gpus: 12, rate_per_s: 4, policy: 'conserve' });
    expect(doc.operating_point.isl).toEqual({ kind: 'lognormal', median: 1024, sigma: 0.5, max: 8192 });
    expect(doc.run.kv_transfers).toBeGreaterThanOrEqual(doc.run.measured_requests);
  });

  it('names each side\'s expert-parallel degree in the text header of an MoE xPyD set', async () => {
    const r = await runCli(['benchmark', '--gpu', 'b200', '--llm', 'deepseek-v3', '--precision', 'fp4', '--mode', 'disagg', '--prefill', '1x1ep4', '--decode', '2x8ep8', '--concurrency', '4', '--isl', '1024', '--osl', '128', '--request-count', '16']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toContain('(1x TP1 EP4 prefill + 2x TP8 EP8 decode, 20 GPUs)');
  });

  const BAD: Array<[string, string[], RegExp]> = [
    ['zero concurrency', [...BASE, '--concurrency', '0', '--isl', '1024', '--osl', '128'], /--concurrency: found 0, expected an integer ≥ 1/],
    ['isl 0', [...BASE, '--concurrency', '8', '--isl', '0', '--osl', '128'], /--isl: found 0, expected a whole number of tokens ≥ 1/],
    ['a malformed distribution', [...BASE, '--concurrency', '8', '--isl', '{lognormal: {median: 1024}}', '--osl', '128'], /--isl: found .*expected a whole number of tokens ≥ 1 or a distribution/],
    ['disagg without its sets', [...BASE, '--mode', 'disagg', '--concurrency', '8', '--isl', '1024', '--osl', '128'], /--prefill: found nothing, expected --prefill COUNTxTP and --decode COUNTxTP/],
    ['a malformed set', [...BASE, '--mode', 'disagg', '--prefill', '1by4', '--decode', '1x4', '--concurrency', '8', '--isl', '1024', '--osl', '128'], /--prefill: found "1by4", expected COUNTxTP or COUNTxTPepEP/],
    ['an unknown precision', [...BASE, '--precision', 'fp6', '--concurrency', '8', '--isl', '1024', '--osl', '128'], /--precision: found "fp6", expected one of bf16, fp8, fp4/],
    ['a precision the GPU lacks', [...BASE, '--precision', 'fp4', '--concurrency', '8', '--isl', '1024', '--osl', '128'], /^fleetplan: --precision: precision: found "fp4", expected one of the formats h100-sxm has \(bf16, fp8\)$/],
    ['both loads', [...BASE, '--concurrency', '8', '--rate', '2', '--isl', '1024', '--osl', '128'], /found both, expected exactly one/],
    ['no load', [...BASE, '--isl', '1024', '--osl', '128'], /found neither, expected exactly one/],
    ['ep on a dense LLM', [...BASE, '--tp', '4', '--ep', '2', '--concurrency', '8', '--isl', '1024', '--osl', '128'], /--ep: found ep 2, expected ep 1 \(or none\): qwen3-32b is a dense LLM/],
    ['an unknown GPU', ['benchmark', '--gpu', 'h1000', '--llm', 'qwen3-32b', '--concurrency', '8', '--isl', '1024', '--osl', '128'], /--gpu: found "h1000", expected a known GPU id/],
  ];
  for (const [name, argv, message] of BAD) {
    it(`bad input (${name}): exit 2, one line naming the flag, nothing on stdout`, async () => {
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    });
  }

  it('a request longer than the KV an instance holds: exit 1 with the sizes', async () => {
    const r = await runCli([...BASE, '--tp', '1', '--concurrency', '1', '--isl', '400000', '--osl', '128']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not fit: one request of 400128 tokens \(ISL \+ OSL\) needs more KV than the \d+ tokens a h100-sxm TP1 instance holds/);
  });

  it('--backend without --calibration: the KV pool is that stack\'s, as with a calibration (the sizes of the exit-1 line)', async () => {
    const catalog = loadBuiltinCatalog();
    const holds = async (backend: string) => {
      const r = await runCli([...BASE, '--tp', '2', '--backend', backend, '--concurrency', '1', '--isl', '400000', '--osl', '128']);
      expect(r.code).toBe(1);
      return Number(/needs more KV than the (\d+) tokens a h100-sxm TP2 instance holds/.exec(r.stderr)?.[1]);
    };
    for (const backend of ['vllm', 'trtllm', 'sglang'] as const) {
      const expected = computeKvCapacity(catalog.gpus.get('h100-sxm')!, catalog.llms.get('qwen3-32b')!, { tp: 2 }, backendKvCapacityOptions(backend, 2)).kvCapacityTokens;
      expect(await holds(backend)).toBe(expected);
    }
    expect(await holds('trtllm')).toBeGreaterThan(await holds('vllm'));
  });
});
