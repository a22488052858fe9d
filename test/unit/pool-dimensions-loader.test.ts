/**
 * Pool dimensions in fleet and plan files (precision, kv_dtype, ep): read into the typed fleet, and every bad value is
 * one line naming the file, line, field, what was found and what was expected (issue 11 item 1, issue 12 item 4).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatIssue, InputError, loadBuiltinCatalog, loadFleetFile, type Catalog, type LlmSpec } from '../../catalogs/index.js';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

let dir: string;
let catalog: Catalog;
beforeAll(() => {
  dir = scratchDir();
  catalog = loadBuiltinCatalog();
});

function fleetFile(name: string, pools: string[], llm = 'llama-3.1-70b'): string {
  const path = join(dir, name);
  writeFileSync(path, `kind: fleet\nllm: ${llm}\ninstances:\n${pools.map((p) => `  - ${p}\n`).join('')}`);
  return path;
}

function issuesOf(path: string, cat: Catalog = catalog): string[] {
  try {
    loadFleetFile(path, cat, { displayName: 'fleet.yaml' });
  } catch (e) {
    if (e instanceof InputError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
}

/** A mixture-of-experts LLM for the ep checks: 64 experts, 8 per token (the catalog ships none yet). */
function withMoe(base: Catalog): Catalog {
  const dense = base.llms.get('llama-3.1-8b')!;
  const moe = { experts: 64, activeExperts: 8, expertsPerToken: 8, activeParameters: 3e9 } as unknown as LlmSpec['moe'];
  const llms = new Map(base.llms);
  llms.set('test-moe', { ...dense, id: 'test-moe', parameters: 30e9, moe });
  return { ...base, llms };
}

describe('pool dimensions in a fleet file', () => {
  it('reads precision, kv_dtype and ep into the pool; absent ones stay absent (the LLM\'s own formats, ep 1)', () => {
    const fleet = loadFleetFile(fleetFile('ok.yaml', [
      '{gpu: h100-sxm, tp: 4, role: prefill, count: 2, precision: fp8, kv_dtype: fp8}',
      '{gpu: b200, tp: 1, role: decode, count: 3, precision: fp4}',
      '{gpu: a100-80gb-sxm, tp: 4, role: decode, count: 1}',
    ]), catalog);
    expect(fleet.instances.map((i) => [i.precision, i.kvDtype, i.ep])).toEqual([['fp8', 'fp8', undefined], ['fp4', undefined, undefined], [undefined, undefined, undefined]]);
  });

  it('fp4 on H100 and fp8 on A100: the GPU and the formats it has', () => {
    expect(issuesOf(fleetFile('fp4.yaml', ['{gpu: h100-sxm, tp: 4, role: prefill, count: 1, precision: fp4}', '{gpu: a100-80gb-sxm, tp: 4, role: decode, count: 1, precision: fp8}']))).toEqual([
      'fleet.yaml:4: instances[0].precision: found "fp4", expected one of the formats h100-sxm has (bf16, fp8)',
      'fleet.yaml:5: instances[1].precision: found "fp8", expected one of the formats a100-80gb-sxm has (bf16)',
    ]);
  });

  it('a precision no GPU has is a schema error listing the three', () => {
    expect(issuesOf(fleetFile('int4.yaml', ['{gpu: h100-sxm, tp: 4, role: prefill, count: 1, precision: int4, kv_dtype: fp4}']))).toEqual([
      'fleet.yaml:4: instances[0].precision: found "int4", expected one of "bf16", "fp8", "fp4"',
      'fleet.yaml:4: instances[0].kv_dtype: found "fp4", expected one of "bf16", "fp8"',
    ]);
  });

  it('ep on a dense LLM', () => {
    expect(issuesOf(fleetFile('ep-dense.yaml', ['{gpu: h100-sxm, tp: 1, ep: 8, role: decode, count: 1}']))).toEqual([
      'fleet.yaml:4: instances[0].ep: found 8, expected 1 or no ep: llama-3.1-70b is a dense LLM (no experts to spread)',
    ]);
  });

  it('tp and ep where neither divides the other', () => {
    expect(issuesOf(fleetFile('nest.yaml', ['{gpu: h100-sxm, tp: 4, ep: 6, role: decode, count: 1}'], 'test-moe'), withMoe(catalog))).toEqual([
      'fleet.yaml:4: instances[0].ep: found ep 6 with tp 4, expected an ep that divides tp or that tp divides (an instance is max(tp, ep) GPUs)',
    ]);
  });

  it('ep that does not divide the experts; ep that does is accepted', () => {
    const moeCatalog = withMoe(catalog);
    expect(issuesOf(fleetFile('ep-experts.yaml', ['{gpu: h100-sxm, tp: 1, ep: 48, role: decode, count: 1}'], 'test-moe'), moeCatalog)).toEqual([
      "fleet.yaml:4: instances[0].ep: found 48, expected a divisor of test-moe's 64 experts",
    ]);
    expect(issuesOf(fleetFile('ep-ok.yaml', ['{gpu: h100-sxm, tp: 2, ep: 8, role: decode, count: 1}'], 'test-moe'), moeCatalog)).toEqual([]);
  });

  it('exit 2 with the one line from the CLI (simulate --fleet)', async () => {
    const path = fleetFile('cli.yaml', ['{gpu: h100-sxm, tp: 4, role: colocated, count: 1, precision: fp4}']);
    const run = await runCli(['simulate', '--fleet', path, '--mix', 'coding-agent', '--duration-s', '10']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`fleetplan: ${path}:4: instances[0].precision: found "fp4", expected one of the formats h100-sxm has (bf16, fp8)`);
  });
});

describe('fp4 in the GPU catalog', () => {
  it('B200 has its dense FP4 peak with a source; Hopper, Ada and Ampere have none', () => {
    const b200 = catalog.gpus.get('b200')!;
    expect(b200.fp4FlopsPerSecond).toBe(9e15);
    expect(b200.sources.fp4_flops_per_s).toMatch(/fp4_tc_flops 9e15/);
    for (const id of ['h100-sxm', 'h200', 'h20', 'l40s', 'l4', 'a100-80gb-sxm']) expect(catalog.gpus.get(id)!.fp4FlopsPerSecond, id).toBeUndefined();
    for (const id of ['h100-sxm', 'h200', 'h20', 'l40s', 'l4']) expect(catalog.gpus.get(id)!.fp8FlopsPerSecond, id).toBeGreaterThan(0);
  });
});
