/**
 * Every kind of bad input named in issue #2 gets one clear line per problem — file, field path, what was found, what
 * was expected — and exit code 2 with no stack trace. The exact text users see is pinned here.
 */
import { mkdirSync, openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, loadFleetFile, InputError, formatIssue } from '../../catalogs/index.js';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

let dir: string;
beforeAll(() => {
  dir = scratchDir();
});

const GPU = `kind: gpu
id: test-gpu
vendor: Example
name: Test GPU
memory_bytes: 85899345920
memory_bw_bytes_per_s: 3.35e12
bf16_flops_per_s: 989.4e12
tdp_w: 700
idle_w: 70
power_cap_w: {min: 200, max: 700}
interconnect: {intra_node_bytes_per_s: 450e9, inter_node_bytes_per_s: 50e9, gpus_per_node: 8}
price: {capex_usd: 30000, rent_usd_per_h: 2.5}
sources: {memory_bytes: test}
`;

const MIX = `kind: mix
id: test-mix
name: Test
description: a test mix
classes:
  - id: chat
    description: chat
    arrival_rate_per_s: 1
    arrival: {poisson: {}}
    turns: {fixed: 3}
    first_input_tokens: {lognormal: {median: 1000, sigma: 0.5}}
    appended_input_tokens: {fixed: 50}
    output_tokens: {fixed: 100}
    tool_latency_s: {fixed: 1}
    user_visible_turns: last
    sources: {turns: test}
sources: {classes: test}
`;

function write(name: string, text: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** stderr of `fleetplan catalog --catalog FILE`, with the scratch directory shown as DIR. */
async function catalogErrors(...files: string[]): Promise<string> {
  const run = await runCli(['catalog', 'gpus', '--json', ...files.flatMap((f) => ['--catalog', f])]);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  return run.stderr.split(dir).join('DIR');
}

describe('bad input files', () => {
  it('accepts the valid fixtures (so the failures below are about the mutation alone)', async () => {
    const run = await runCli(['catalog', 'gpus', '--json', '--catalog', write('ok-gpu.yaml', GPU), '--catalog', write('ok-mix.yaml', MIX)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).gpus.map((g: { id: string }) => g.id)).toContain('test-gpu');
  });

  it('unknown file kind', async () => {
    expect(await catalogErrors(write('kind.yaml', GPU.replace('kind: gpu', 'kind: gpus')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/kind.yaml:1: kind: found "gpus", expected a file kind, one of "gpu", "llm", "mix", "slo", "datacenter", "fleet", "plan" (did you mean "gpu"?)
      "
    `);
  });

  it('YAML syntax error, with its line', async () => {
    expect(await catalogErrors(write('syntax.yaml', GPU.replace('tdp_w: 700', 'tdp_w: [700')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/syntax.yaml:9: found invalid YAML/JSON (Flow sequence in block collection must be sufficiently indented and end with a ]), expected well-formed YAML or JSON
      "
    `);
  });

  it('missing required field', async () => {
    expect(await catalogErrors(write('missing.yaml', GPU.replace(/^tdp_w: 700\n/m, '')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/missing.yaml:1: tdp_w: found nothing, expected a value for this required field
      "
    `);
  });

  it('wrong type: "80GB" for bytes', async () => {
    expect(await catalogErrors(write('type.yaml', GPU.replace('memory_bytes: 85899345920', 'memory_bytes: 80GB')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/type.yaml:5: memory_bytes: found "80GB", expected an integer (bytes)
      "
    `);
  });

  it('every problem of a file, not just the first', async () => {
    const text = GPU.replace('memory_bytes: 85899345920', 'memory_bytes: 80GB').replace('tdp_w: 700', 'tdp_w: -700').replace('vendor: Example', 'vendr: Example');
    expect(await catalogErrors(write('many.yaml', text))).toMatchInlineSnapshot(`
      "fleetplan: DIR/many.yaml:1: vendor: found nothing, expected a value for this required field
      fleetplan: DIR/many.yaml:3: vendr: found an unknown field, expected one of the known fields (did you mean "vendor"?)
      fleetplan: DIR/many.yaml:5: memory_bytes: found "80GB", expected an integer (bytes)
      fleetplan: DIR/many.yaml:8: tdp_w: found -700, expected a number > 0 (watts)
      "
    `);
  });

  it('negative or zero rate', async () => {
    expect(await catalogErrors(write('rate0.yaml', MIX.replace('arrival_rate_per_s: 1', 'arrival_rate_per_s: 0')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/rate0.yaml:8: classes[0].arrival_rate_per_s: found 0, expected a number > 0 (per second)
      "
    `);
    expect(await catalogErrors(write('rate-neg.yaml', MIX.replace('arrival_rate_per_s: 1', 'arrival_rate_per_s: -2')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/rate-neg.yaml:8: classes[0].arrival_rate_per_s: found -2, expected a number > 0 (per second)
      "
    `);
  });

  it('a distribution with min > max', async () => {
    const text = MIX.replace('first_input_tokens: {lognormal: {median: 1000, sigma: 0.5}}', 'first_input_tokens: {lognormal: {median: 1000, sigma: 0.5}, min: 5000, max: 100}');
    expect(await catalogErrors(write('minmax.yaml', text))).toMatchInlineSnapshot(`
      "fleetplan: DIR/minmax.yaml:11: classes[0].first_input_tokens.min: found min 5000 > max 100, expected min ≤ max
      "
    `);
  });

  it('a malformed distribution names the forms it accepts', async () => {
    expect(await catalogErrors(write('dist.yaml', MIX.replace('turns: {fixed: 3}', 'turns: {poisson: 3}')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/dist.yaml:10: classes[0].turns: found an object, expected a distribution: {fixed: N}, {uniform: {min, max}}, {exponential: {mean}}, {lognormal: {median, sigma}} or {empirical: [[value, weight], …]}, optionally with min/max
      "
    `);
  });

  it('a distribution of a recognised form reports the field inside it', async () => {
    const text = MIX.replace('first_input_tokens: {lognormal: {median: 1000, sigma: 0.5}}', 'first_input_tokens: {lognormal: {median: -5, sigma: 0.5}}');
    expect(await catalogErrors(write('dist-field.yaml', text))).toMatchInlineSnapshot(`
      "fleetplan: DIR/dist-field.yaml:11: classes[0].first_input_tokens.lognormal.median: found -5, expected a number > 0
      "
    `);
  });

  it('empty mix', async () => {
    const text = MIX.slice(0, MIX.indexOf('classes:')) + 'classes: []\nsources: {classes: test}\n';
    expect(await catalogErrors(write('empty.yaml', text))).toMatchInlineSnapshot(`
      "fleetplan: DIR/empty.yaml:5: classes: found a list of 0, expected at least 1 item
      "
    `);
  });

  it('unknown LLM id referenced, with the nearest id suggested', async () => {
    expect(await catalogErrors(write('llmref.yaml', MIX.replace('description: a test mix', 'description: a test mix\nllm: llama-3.1-70', )))).toMatchInlineSnapshot(`
      "fleetplan: DIR/llmref.yaml:5: llm: found "llama-3.1-70", expected a known LLM id (did you mean "llama-3.1-70b"?)
      "
    `);
  });

  it('unknown GPU id in a fleet, with the nearest id suggested', () => {
    const fleet = write('fleet.yaml', 'kind: fleet\nllm: llama-3.1-70b\ninstances:\n  - {gpu: h100-sxn, tp: 4, role: prefill, count: 1}\n  - {gpu: h200, tp: 4, role: decode, count: 2}\n');
    const error = (() => {
      try {
        loadFleetFile(fleet, loadBuiltinCatalog(), { displayName: 'fleet.yaml' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).issues.map(formatIssue)).toMatchInlineSnapshot(`
      [
        "fleet.yaml:4: instances[0].gpu: found "h100-sxn", expected a known GPU id (did you mean "h100-sxm"?)",
      ]
    `);
  });

  it('duplicate ids among user files', async () => {
    expect(await catalogErrors(write('dup-a.yaml', GPU), write('dup-b.yaml', GPU))).toMatchInlineSnapshot(`
      "fleetplan: DIR/dup-b.yaml:2: id: found "test-gpu" again (first in DIR/dup-a.yaml), expected a unique gpu id
      "
    `);
  });

  it('a file that is not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('kind: gpu\nid: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    expect(await catalogErrors(write('latin1.yaml', bytes))).toMatchInlineSnapshot(`
      "fleetplan: DIR/latin1.yaml:2: found byte 0xe9 at offset 17, expected UTF-8 text
      "
    `);
  });

  it('a 50 MB file is refused by size, without reading it', async () => {
    const path = join(dir, 'huge.yaml');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    expect(await catalogErrors(path)).toMatchInlineSnapshot(`
      "fleetplan: DIR/huge.yaml: found 50.0 MiB, expected at most 16.0 MiB (refused without reading)
      "
    `);
  });

  it('a path that does not exist', async () => {
    expect(await catalogErrors(join(dir, 'nope.yaml'))).toMatchInlineSnapshot(`
      "fleetplan: DIR/nope.yaml: found no such file, expected an existing file
      "
    `);
  });

  it('a directory given for a file', async () => {
    const sub = join(dir, 'a-directory.yaml');
    mkdirSync(sub, { recursive: true });
    expect(await catalogErrors(sub)).toMatchInlineSnapshot(`
      "fleetplan: DIR/a-directory.yaml: found a directory, expected a file
      "
    `);
  });

  it('a list where a map of fields is expected', async () => {
    expect(await catalogErrors(write('list.yaml', '- 1\n- 2\n'))).toMatchInlineSnapshot(`
      "fleetplan: DIR/list.yaml: found a list of 2, expected a map of fields with a \`kind\` (one of "gpu", "llm", "mix", "slo", "datacenter", "fleet", "plan")
      "
    `);
  });
});

describe('bad command lines', () => {
  it('an unknown catalog section suggests the nearest', async () => {
    const run = await runCli(['catalog', 'gpu']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatchInlineSnapshot(`
      "fleetplan: section: found "gpu", expected one of gpus, llms, mixes, slos, datacenters (did you mean "gpus"?)
      "
    `);
  });

  it('an unknown option is a usage error (exit 2)', async () => {
    const run = await runCli(['catalog', '--jsn']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatchInlineSnapshot(`
      "fleetplan: unknown option '--jsn' (did you mean --json?) (see "fleetplan catalog --help")
      "
    `);
  });

  it('a bad number flag says what it found and expected', async () => {
    const run = await runCli(['predict', '--gpu', 'h100-sxm', '--llm', 'llama-3.1-8b', '--tp', 'three', '--input-tokens', '100']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatchInlineSnapshot(`
      "fleetplan: --tp: found "three", expected an integer ≥ 1 (see "fleetplan predict --help")
      "
    `);
  });
});
