/**
 * Issue #12's bad input "a layout larger than the scale-up domain where the GPU has no inter-node link": a GPU may
 * declare `inter_node_bytes_per_s: 0` (a box with no scale-out NIC), and then an instance of more GPUs than
 * `gpus_per_node` is refused before any work — exit 2, one line naming the file, line and field, nothing on stdout.
 * Such a GPU also moves no KV between instances: the planner offers it colocated pools only, and a disaggregated
 * benchmark on it is refused.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog, loadFleetFile } from '../../catalogs/index.js';
import { resolveOptions } from '../../planner/options.js';
import { createPerfModelFor } from '../../planner/demand/perf-adapter.js';
import { enumeratePools } from '../../planner/demand/pools.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

let dir: string;
let gpuFile: string;
beforeAll(() => {
  dir = scratchDir();
  const h100 = readFileSync(join(repoRoot, 'catalogs/gpus/h100-sxm.yaml'), 'utf8');
  gpuFile = join(dir, 'island.yaml');
  writeFileSync(gpuFile, h100.replace(/^\$schema:.*\n/m, '').replace('id: h100-sxm', 'id: island').replace(/inter_node_bytes_per_s: 50e9.*/, 'inter_node_bytes_per_s: 0'));
});

const oneLine = (stderr: string) => stderr.split(dir).join('DIR');

describe('a GPU with no inter-node link', () => {
  it('is a valid catalog entry', async () => {
    const run = await runCli(['catalog', 'gpus', '--json', '--catalog', gpuFile]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).gpus.find((g: { id: string }) => g.id === 'island').interconnect.inter_node_bytes_per_s).toBe(0);
  });

  it('a fleet pool spanning two of its nodes: exit 2, one line with file, line and field', async () => {
    const fleet = join(dir, 'fleet.yaml');
    writeFileSync(fleet, 'kind: fleet\nllm: deepseek-v3\ninstances:\n  - {gpu: island, tp: 8, ep: 16, precision: fp8, role: colocated, count: 1}\n');
    const run = await runCli(['simulate', '--fleet', fleet, '--mix', 'coding-agent', '--policy', 'colocated', '--duration-s', '60', '--json', '--catalog', gpuFile]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(oneLine(run.stderr)).toBe("fleetplan: DIR/fleet.yaml:4: instances[0].ep: found tp 8 × ep 16 (16 GPUs), expected at most island's scale-up domain of 8 GPUs: island has no inter-node link (inter_node_bytes_per_s 0)\n");
  });

  it('predict and benchmark with such a layout: exit 2, one line naming the flag', async () => {
    const predict = await runCli(['predict', '--gpu', 'island', '--llm', 'deepseek-v3', '--tp', '8', '--ep', '16', '--input-tokens', '100', '--catalog', gpuFile]);
    expect(predict.code).toBe(2);
    expect(predict.stdout).toBe('');
    expect(predict.stderr).toMatch(/^fleetplan: --ep: found tp 8 × ep 16 \(16 GPUs\), expected at most island's scale-up domain of 8 GPUs: island has no inter-node link \(inter_node_bytes_per_s 0\)\n$/);
    const bench = await runCli(['benchmark', '--gpu', 'island', '--llm', 'deepseek-v3', '--tp', '8', '--ep', '16', '--concurrency', '4', '--isl', '100', '--osl', '10', '--catalog', gpuFile]);
    expect(bench.code).toBe(2);
    expect(bench.stdout).toBe('');
    expect(bench.stderr.trim().split('\n')).toHaveLength(1);
    expect(bench.stderr).toMatch(/^fleetplan: --ep: found tp 8 × ep 16 \(16 GPUs\)/);
  });

  it('a disaggregated benchmark on it (no link to move KV): exit 2, one line', async () => {
    const run = await runCli(['benchmark', '--gpu', 'island', '--llm', 'llama-3.1-8b', '--mode', 'disagg', '--prefill', '1x1', '--decode', '1x1', '--concurrency', '4', '--isl', '100', '--osl', '10', '--catalog', gpuFile]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^fleetplan: --mode: found disagg on island, expected agg: island has no inter-node link .*\n$/);
  });

  // Review: a hand-written disaggregated plan on it was refused by validate/simulate with "found no link from
  // \"prefill\" to \"decode\"" (not saying why) and exported with KV-transfer wiring (exit 0).
  it('a disaggregated plan on it with no links: validate and export refuse it, naming the pools that would move KV', async () => {
    const plan = join(dir, 'disagg-plan.yaml');
    writeFileSync(plan, 'kind: plan\nformat_version: 1\nmix: coding-agent\nslo: standard\nllm: llama-3.1-8b\ninstances:\n  - {gpu: island, tp: 1, role: prefill, count: 1}\n  - {gpu: h100-sxm, tp: 1, role: decode, count: 1}\n');
    const expected = "fleetplan: DIR/disagg-plan.yaml:7: instances[0].role: found prefill on island with no link from prefill in links, expected such a link or role colocated: island has no inter-node link (inter_node_bytes_per_s 0) to send KV over\n";
    const validate = await runCli(['validate', plan, '--catalog', gpuFile]);
    expect([validate.code, validate.stdout, oneLine(validate.stderr)]).toEqual([2, '', expected]);
    const out = join(dir, 'export-out');
    const exported = await runCli(['export', plan, '--to', 'dynamo', '--out', out, '--catalog', gpuFile]);
    expect([exported.code, exported.stdout, oneLine(exported.stderr)]).toEqual([2, '', expected]);
    expect(existsSync(out)).toBe(false);
  });

  it('a receiving decoder on it is refused too; a file that names its link loads', () => {
    const catalog = loadCatalog({ userFiles: [gpuFile] });
    const pools = '  - {gpu: h100-sxm, tp: 1, role: prefill, count: 1}\n  - {gpu: island, tp: 1, role: decode, count: 1}\n';
    const bare = join(dir, 'receiver.yaml');
    writeFileSync(bare, `kind: fleet\nllm: llama-3.1-8b\ninstances:\n${pools}`);
    expect(() => loadFleetFile(bare, catalog)).toThrow(/receiver\.yaml:5: instances\[1\]\.role: found decode on island with no link from prefill to decode in links, .* to receive KV over/);
    const linked = join(dir, 'linked.yaml');
    writeFileSync(linked, `kind: fleet\nllm: llama-3.1-8b\ninstances:\n${pools}links:\n  - {from: prefill, to: decode, bandwidth_bytes_per_s: 100e9, latency_s: 1e-5}\n`);
    expect(loadFleetFile(linked, catalog).links.find((l) => l.from === 'prefill')!.bandwidthBytesPerSecond).toBe(100e9);
  });

  it('the planner offers it colocated pools only, and none past its domain', () => {
    const catalog = loadCatalog({ userFiles: [gpuFile] });
    const island = catalog.gpus.get('island')!;
    const llama = enumeratePools([island], catalog.llms.get('llama-3.1-70b')!, createPerfModelFor(), resolveOptions({}));
    expect(llama.pools.length).toBeGreaterThan(0);
    expect(llama.pools.every((p) => p.role === 'colocated')).toBe(true);
    const dsv3 = enumeratePools([island], catalog.llms.get('deepseek-v3')!, createPerfModelFor(), resolveOptions({}));
    expect(dsv3.pools.every((p) => p.gpus <= 8)).toBe(true);
  });

  it('a layout restriction it runs none of: plan and whatif refuse it up front (exit 2, one line); a scenario step adding it is said at its line and skipped', async () => {
    const why = "found tp 1 × ep 16 (16 GPUs), expected at most island's scale-up domain of 8 GPUs: island has no inter-node link (inter_node_bytes_per_s 0)";
    const start = ['--mix', 'swe-agent-paper', '--llm', 'qwen3-30b-a3b', '--slo', 'relaxed', '--ep', '16', '--catalog', gpuFile];
    const plan = await runCli(['plan', ...start, '--gpus', 'h100-sxm,island', '--check-seeds', '1']);
    expect([plan.code, plan.stdout, plan.stderr]).toEqual([2, '', `fleetplan: --ep: ${why}, or island left out of --gpus\n`]);
    const whatif = await runCli(['whatif', ...start, '--gpus', 'h100-sxm', '--add-gpus', 'island', '--check-duration-s', '60', '--json']);
    expect([whatif.code, whatif.stdout, whatif.stderr]).toEqual([2, '', `fleetplan: --add-gpus: ${why}, or island left out of --add-gpus\n`]);
    writeFileSync(join(dir, 'add-island.yaml'), [
      'kind: whatif-scenario',
      'start: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-30b-a3b, gpus: [h100-sxm], ep: [16], check_duration_s: 60 }',
      'changes:',
      '  - add_gpus: [island]',
      '  - set_objective: gpus',
      '',
    ].join('\n'));
    const replay = await runCli(['whatif', '--script', 'add-island.yaml', '--catalog', gpuFile, '--json'], { cwd: dir });
    expect(replay.stderr).toBe(`fleetplan: add-island.yaml:4: add_gpus[0]: ${why}, or island left out of add_gpus\n`);
    expect(JSON.parse(replay.stdout).steps.map((s: { change: string }) => s.change)).toEqual(['objective gpus']);
  }, 120_000);
});
