/**
 * Issue 14, stack traces and exit codes: each input that printed a stack (exit 70) or was taken for a failing plan
 * (exit 1) is one `fleetplan:` line with exit 2; `fleetplan catalog | head -1` ends quietly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

let dir: string;
const GPU = `kind: gpu
id: hot-gpu
vendor: X
name: X
memory_bytes: 85899345920
memory_bw_bytes_per_s: 3.35e12
bf16_flops_per_s: 989.4e12
tdp_w: 1e308
idle_w: 70
power_cap_w: {min: 200, max: 700}
interconnect: {intra_node_bytes_per_s: 450e9, inter_node_bytes_per_s: 50e9, gpus_per_node: 8}
price: {capex_usd: 30000, rent_usd_per_h: 2.5}
sources: {memory_bytes: test}
`;

beforeAll(() => {
  dir = scratchDir('fleetplan-one-line-');
  writeFileSync(join(dir, 'bomb.yaml'), 'kind: mix\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n');
  writeFileSync(join(dir, 'hot-gpu.yaml'), GPU);
  writeFileSync(join(dir, 'grid.yaml'), 'kind: sweep\nmix: swe-agent-paper\nllm: qwen3-0.6b\ngpus: [a40]\ncheck: false\nx: {axis: rate_scale, values: [1]}\ny: {axis: slo_scale, values: [1]}\nfixed: {price_scale: .inf}\n');
  writeFileSync(join(dir, 'shard.json'), JSON.stringify({ kind: 'sweep-shard', grid: { x: { axis: 'rate_scale', values: [1] }, y: { axis: 'slo_scale', values: [1] }, metric: 'tco_usd' }, cells: [{ index: 'zero' }] }));
  writeFileSync(join(dir, 'not-json.json'), 'TOKEN=hunter2\n');
  writeFileSync(join(dir, 'rounds.json'), JSON.stringify({ kind: 'plan', format_version: 1, holds: true, rounds: 5 }));
});

async function oneLine(argv: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(argv, { cwd: dir });
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toContain('hunter2');
}

describe('one line, exit 2', () => {
  it.each([
    ['a YAML alias bomb', ['catalog', 'mixes', '--catalog', 'bomb.yaml'], /bomb\.yaml: found aliases that expand beyond 100 references/],
    ['--gpus a40,a40', ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40,a40'], /--gpus: found "a40" twice/],
    ['--gpus ""', ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', ''], /--gpus: found an empty list/],
    ['--horizon-years 1e308', ['plan', '--mix', 'swe-agent-paper', '--gpus', 'a40', '--horizon-years', '1e308'], /--horizon-years: found 1e\+308, expected a number > 0 and ≤ 100/],
    ['tdp_w: 1e308', ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'hot-gpu', '--catalog', 'hot-gpu.yaml'], /hot-gpu\.yaml:8: tdp_w: found 1e\+308, expected a magnitude at most 1e18/],
    ['price_scale: .inf', ['sweep', 'grid.yaml', '--threads', '1'], /grid\.yaml: fixed\.price_scale: found Infinity, expected a positive finite number/],
    ['a malformed shard', ['merge', 'shard.json'], /shard\.json: cells\[0\]\.index: found "zero", expected an integer from 0 to 0/],
    ['a shard that is not JSON (its text not shown)', ['merge', 'not-json.json'], /not-json\.json: found text that is not JSON/],
    ['report on rounds: 5', ['report', 'rounds.json'], /rounds\.json: rounds: found a number, expected a list/],
    ['predict --tp 1024', ['predict', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--tp', '1024', '--input-tokens', '100'], /--tp: found 1024, expected a degree that divides/],
  ])('%s', async (_name, argv, pattern) => {
    await oneLine(argv, pattern);
  });
});

describe('a closed pipe', () => {
  it('fleetplan catalog | head -1 ends quietly with exit 0 (EPIPE is no error)', () => {
    const bin = join(repoRoot, 'dist', 'planner', 'cli', 'bin.js');
    if (!existsSync(bin)) throw new Error('dist/ not built: run npm run build (npm test does)');
    const shell = spawnSync('bash', ['-c', `set -o pipefail; node "${bin}" catalog | head -c 10 >/dev/null`], { encoding: 'utf8' });
    expect(shell.stderr).toBe('');
    expect(shell.status).toBe(0);
  });
});
