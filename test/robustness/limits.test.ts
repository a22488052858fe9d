/**
 * Issue 14, unbounded work: each input that ran for minutes or aborted out of memory now ends in one line naming the
 * limit and the flag that raises it, exit 2, before the work starts. The bounds below (seconds, heap) are an order
 * of magnitude above what a refusal costs and far below what the unbounded runs took (55 s and 4.3 GB), so they
 * catch a regression without timing anything finely on a shared machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

let dir: string;
const FLEET = (count: number | string) => `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: ${count} }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;
const MIX = (over: Record<string, string> = {}) => `kind: mix
id: hostile
name: Hostile
description: a mix with one field replaced
classes:
  - id: c
    description: c
    arrival_rate_per_s: ${over.rate ?? '0.5'}
    arrival: {poisson: {}}
    turns: ${over.turns ?? '{fixed: 3}'}
    first_input_tokens: {fixed: 500}
    appended_input_tokens: {fixed: 50}
    output_tokens: ${over.output ?? '{fixed: 100}'}
    tool_latency_s: ${over.tool ?? '{fixed: 1}'}
    user_visible_turns: last
    sources: {turns: test}
sources: {classes: test}
`;

beforeAll(() => {
  dir = scratchDir('fleetplan-limits-');
  writeFileSync(join(dir, 'fleet.yaml'), FLEET(1));
  writeFileSync(join(dir, 'big-fleet.yaml'), FLEET(1_000_000_000));
  writeFileSync(join(dir, 'max-fleet.yaml'), FLEET('0x7fffffff'));
  writeFileSync(join(dir, 'rate.yaml'), MIX({ rate: '1e9' }));
  writeFileSync(join(dir, 'tool.yaml'), MIX({ tool: '{fixed: 1e308}' }));
  writeFileSync(join(dir, 'turns0.yaml'), MIX({ turns: '{fixed: 0}' }));
  writeFileSync(join(dir, 'tool-neg.yaml'), MIX({ tool: '{uniform: {min: -5, max: 1}}' }));
  // The 14.5 MB empirical list, and 60,000 keys in one map (the parser's own duplicate check was quadratic).
  const points = Array.from({ length: 1_200_000 }, (_, i) => `[${i + 1}, 1]`).join(',');
  writeFileSync(join(dir, 'huge-list.yaml'), MIX({ output: `{empirical: [${points}]}` }));
  writeFileSync(join(dir, 'many-keys.yaml'), `kind: mix\n${Array.from({ length: 60_000 }, (_, i) => `k${i}: ${i}`).join('\n')}\n`);
  writeFileSync(join(dir, 'trace.jsonl'), '{"id": "c1", "arrival_s": 1e308, "turns": [{"input_tokens": 10, "output_tokens": 5}]}\n');
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  mkdirSync(join(dir, 'a-dir'));
});

/** Runs in-process and measures the wall time and the heap growth of the run. */
async function bounded(argv: string[]): Promise<CliRun & { seconds: number; heapMiB: number }> {
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const run = await runCli(argv, { cwd: dir });
  return { ...run, seconds: (performance.now() - t0) / 1000, heapMiB: (process.memoryUsage().heapUsed - heap0) / 2 ** 20 };
}

function expectRefused(run: CliRun & { seconds: number; heapMiB: number }, pattern: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(pattern);
  expect(run.stdout).toBe('');
  expect(run.seconds).toBeLessThan(30);
  expect(run.heapMiB).toBeLessThan(512);
}

describe('limits checked before the work starts', () => {
  it.each([
    ['--rate-per-s 1e9 --duration-s 1', ['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--rate-per-s', '1e9', '--duration-s', '1'], /limit conversations; raise it with --limit conversations=N/],
    ['a mix rate of 1e9', ['simulate', '--fleet', 'fleet.yaml', '--mix', 'rate.yaml', '--duration-s', '1'], /limit conversations/],
    ['plan on a mix rate of 1e9', ['plan', '--mix', 'rate.yaml', '--llm', 'qwen3-0.6b', '--gpus', 'a40'], /limit conversations/],
    ['a what-if scale of 1e5', ['whatif', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--scale-rate', '*=1e5', '--check-duration-s', '1000', '--json'], /limit conversations/],
    ['--duration-s 1e308', ['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '1e308'], /--duration-s: found 1e\+308 simulated seconds.*limit sim-seconds/],
    ['count 1e9', ['simulate', '--fleet', 'big-fleet.yaml', '--mix', 'swe-agent-paper'], /big-fleet\.yaml:\d+: instances: .*limit instances; raise it with --limit instances=N/],
    ['count 0x7fffffff', ['simulate', '--fleet', 'max-fleet.yaml', '--mix', 'swe-agent-paper'], /limit instances/],
    ['tool_latency_s 1e308', ['simulate', '--fleet', 'fleet.yaml', '--mix', 'tool.yaml'], /tool\.yaml:\d+: classes\[0\]\.tool_latency_s\.fixed: found 1e\+308, .*limit sim-seconds/],
    ['a trace arrival_s of 1e308', ['simulate', '--fleet', 'fleet.yaml', '--trace', 'trace.jsonl'], /trace\.jsonl: .*arrival_s: found 1e\+308 s.*limit sim-seconds/],
    ['a 14.5 MB empirical list', ['simulate', '--fleet', 'fleet.yaml', '--mix', 'huge-list.yaml'], /huge-list\.yaml: found [\d,]+ lines and commas, expected at most 100,000 \(limit input-items; raise it with --limit input-items=N\)/],
    ['/dev/zero as --trace', ['simulate', '--fleet', 'fleet.yaml', '--trace', '/dev/zero'], /\/dev\/zero: found a special file/],
    ['a FIFO as --trace', ['simulate', '--fleet', 'fleet.yaml', '--trace', 'fifo'], /fifo: found a special file/],
    ['a directory as --trace', ['simulate', '--fleet', 'fleet.yaml', '--trace', 'a-dir'], /a-dir: found a directory, expected a trace file/],
    ['benchmark --request-count 0x7fffffff', ['benchmark', '--gpu', 'h100-sxm', '--llm', 'llama-3.1-8b', '--concurrency', '4', '--isl', '128', '--osl', '16', '--request-count', '0x7fffffff'], /--request-count: found 2,147,483,647 requests .*limit conversations; raise it with --limit conversations=N/],
  ])('%s', async (_name, argv, pattern) => {
    expectRefused(await bounded(argv), pattern);
  });

  it('60,000 keys in one map parse in linear time (the limit is the only refusal, not a minute of parsing)', async () => {
    const run = await bounded(['catalog', 'mixes', '--catalog', 'many-keys.yaml', '--limit', 'input-items=1000000']);
    expect(run.code).toBe(2);
    expect(run.seconds).toBeLessThan(30);
    expect(run.stderr).not.toContain('(limit ');
    expect(run.stderr).toContain('more schema problems');
  });

  it('--limit raises a limit for a legitimate large run, and refuses an unknown name', async () => {
    const run = await bounded(['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '1e7', '--rate-per-s', '1e-6', '--limit', 'sim-seconds=1e8', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const bad = await runCli(['simulate', '--limit', 'gpus=3'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^fleetplan: --limit: found "gpus=3", expected NAME=N with NAME one of input-items, conversations, instances, sim-seconds/);
  });

  it('nonsense that used to run with exit 0: turns 0 and a negative tool latency', async () => {
    expectRefused(await bounded(['simulate', '--fleet', 'fleet.yaml', '--mix', 'turns0.yaml']), /turns0\.yaml:\d+: classes\[0\]\.turns\.fixed: found 0, expected at least 1 turns/);
    expectRefused(await bounded(['simulate', '--fleet', 'fleet.yaml', '--mix', 'tool-neg.yaml']), /classes\[0\]\.tool_latency_s\.uniform\.min: found -5, expected at least 0 seconds/);
  });
});
