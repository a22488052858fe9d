/**
 * The simulate and compare command modules, driven in-process with a captured context (no process.exit, no real
 * terminal): the JSON contract, determinism through the shell, bad input as InputError, --out written atomically.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../catalogs/issues.js';
import type { CommandContext } from '../../../planner/cli/context.js';
import { runCompare } from '../../../planner/cli/commands/compare.js';
import { runSimulate } from '../../../planner/cli/commands/simulate.js';
import { renderReport } from '../../../reports/index.js';

const FLEET = `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: 3 }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;

function makeContext(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    cwd,
    env: {},
    signal: new AbortController().signal,
  };
  return { ctx, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'fleetplan-kernel-cli-'));
writeFileSync(join(dir, 'fleet.yaml'), FLEET);

describe('runSimulate()', () => {
  it('prints one JSON document with the contract fields and wall_s, the same for the same seed', async () => {
    const args = { fleet: 'fleet.yaml', mix: 'swe-agent-paper', ratePerS: 0.5, durationS: 60, seed: 3, json: true } as const;
    const a = makeContext(dir);
    expect(await runSimulate(args, a.ctx)).toBe(0);
    expect(a.out).toHaveLength(1);
    const doc = JSON.parse(a.out[0]);
    for (const key of ['ttfet_s', 'ttft_s', 'tbt_ms', 'last_turn_tbt_ms', 'slo_attainment', 'energy_j', 'tokens_per_j', 'output_tokens_per_j', 'energy_per_conversation_j', 'slowdown', 'kv_transfers', 'kv_transfer_bytes', 'preemptions', 'pools', 'conversations', 'turns', 'output_tokens', 'events', 'sim_time_s', 'wall_s', 'policy', 'seed', 'warmup_s', 'rejected']) {
      expect(doc).toHaveProperty(key);
    }
    expect(Object.keys(doc.ttfet_s)).toEqual(['mean', 'p50', 'p90', 'p95', 'p99', 'max']);
    expect(doc.policy).toBe('conserve');
    expect(doc.inputs).toMatchObject({ seed: expect.any(Number), version: expect.any(String), catalog_hash: expect.stringMatching(/^sha256:/) });
    expect(doc.warmup_s).toBe(6);
    expect(a.err).toEqual([]);
    const b = makeContext(dir);
    await runSimulate(args, b.ctx);
    const strip = (text: string) => ({ ...JSON.parse(text), wall_s: 0 });
    expect(strip(b.out[0])).toEqual(strip(a.out[0]));
  });

  it('replays the ConServe trace with Poisson arrivals', async () => {
    const trace = join(dir, '..', 'conserve-head.csv');
    const full = readFileSync(new URL('../../../../shared/data/conserve/swe_agent_trace_profile.csv', import.meta.url), 'utf8').split('\n');
    writeFileSync(trace, full.slice(0, 201).join('\n') + '\n');
    const c = makeContext(dir);
    expect(await runSimulate({ fleet: 'fleet.yaml', trace, ratePerS: 0.5, policy: 'colocated', json: true }, c.ctx)).toBe(0);
    const doc = JSON.parse(c.out[0]);
    expect(doc.counts.arrived).toBeGreaterThan(15);
    expect(doc.counts.finished).toBe(doc.counts.arrived - doc.rejected);
    // The trace's bytes are part of the recorded input hash: a different trace is a different input.
    const other = join(dir, '..', 'conserve-head-2.csv');
    writeFileSync(other, full.slice(0, 151).join('\n') + '\n');
    const hashOf = async (t: string, out: string) => {
      expect(await runSimulate({ fleet: 'fleet.yaml', trace: t, ratePerS: 0.5, policy: 'colocated', out }, makeContext(dir).ctx)).toBe(0);
      return JSON.parse(readFileSync(join(dir, out, 'result.json'), 'utf8')).inputs.catalog_hash as string;
    };
    const first = await hashOf(trace, 'trace-a');
    expect(await hashOf(other, 'trace-b')).not.toBe(first);
    expect(await hashOf(trace, 'trace-c')).toBe(first);
  });

  it('writes result.json (kind simulation, format 1, cdf) and a report with --out', async () => {
    const c = makeContext(dir);
    expect(await runSimulate({ fleet: 'fleet.yaml', mix: 'swe-agent-paper', ratePerS: 0.5, durationS: 60, seed: 2, out: 'sim-out' }, c.ctx)).toBe(0);
    const text = readFileSync(join(dir, 'sim-out', 'result.json'), 'utf8');
    const doc = JSON.parse(text);
    expect(doc.kind).toBe('simulation');
    expect(doc.format_version).toBe(1);
    expect(doc.inputs.fleet).toBe('fleet.yaml');
    const cdf = doc.cdf.ttfet_s as Array<[number, number]>;
    expect(cdf.length).toBeGreaterThan(3);
    expect(cdf[cdf.length - 1]).toEqual([doc.ttfet_s.max, 1]);
    for (let i = 1; i < cdf.length; i++) expect(cdf[i][0] >= cdf[i - 1][0] && cdf[i][1] > cdf[i - 1][1]).toBe(true);
    expect(doc.e2e_s.p50).toBeGreaterThanOrEqual(doc.ttfet_s.p50);
    expect(doc.series.length).toBe(1);
    expect(doc.series[0].t_s.length).toBe(doc.series[0].kv_occupancy.length);
    expect(doc.series[0].t_s[0]).toBeGreaterThanOrEqual(doc.warmup_s);
    expect(Math.max(...doc.series[0].kv_occupancy)).toBeLessThanOrEqual(1);
    expect(Math.max(...doc.series[0].kv_occupancy)).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'sim-out', 'report.html'), 'utf8')).toBe(renderReport(text, 'result.json'));
  });

  it('streams a fleetplan JSONL trace and names the line of a bad row', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `c${i}`, arrival_s: i * 2, turns: [{ input_tokens: 500, output_tokens: 20 }, { input_tokens: 50, output_tokens: 30, tool_latency_s: 1 }] }));
    writeFileSync(join(dir, 'ok.jsonl'), lines.join('\n') + '\n');
    const c = makeContext(dir);
    expect(await runSimulate({ fleet: 'fleet.yaml', trace: 'ok.jsonl', policy: 'conserve', json: true }, c.ctx)).toBe(0);
    expect(JSON.parse(c.out[0]).counts.arrived).toBe(40);
    writeFileSync(join(dir, 'bad.jsonl'), [...lines.slice(0, 30), JSON.stringify({ id: 'late', arrival_s: 1, turns: [{ input_tokens: 5, output_tokens: 2 }] })].join('\n') + '\n');
    await expect(runSimulate({ fleet: 'fleet.yaml', trace: 'bad.jsonl', json: true }, makeContext(dir).ctx)).rejects.toThrow("bad.jsonl:31: arrival_s: found 1 after 58 on line 30");
  });

  it('refuses --plan and --fleet together, and neither', async () => {
    const c = makeContext(dir);
    await expect(runSimulate({ fleet: 'fleet.yaml', plan: 'x.yaml', mix: 'coding-agent' }, c.ctx)).rejects.toThrow('--plan/--fleet: found both, expected exactly one of --plan or --fleet');
    await expect(runSimulate({ mix: 'coding-agent' }, c.ctx)).rejects.toBeInstanceOf(InputError);
  });
});

describe('runCompare()', () => {
  it('runs each policy on the same stream, prints a table, and writes comparison.json + report.html with --out', async () => {
    const c = makeContext(dir);
    const code = await runCompare({ fleet: 'fleet.yaml', mix: 'swe-agent-paper', ratePerS: 0.5, durationS: 60, policies: ['conserve', 'per-turn-disagg'], out: 'out' }, c.ctx);
    expect(code).toBe(0);
    expect(c.out.join('')).toMatch(/conserve[\s\S]*per-turn-disagg/);
    const text = readFileSync(join(dir, 'out', 'comparison.json'), 'utf8');
    const doc = JSON.parse(text);
    expect(doc.kind).toBe('comparison');
    expect(doc.format_version).toBe(1);
    expect(doc.policies.map((r: { policy: string }) => r.policy)).toEqual(['conserve', 'per-turn-disagg']);
    expect(doc.policies.every((r: { kind: string }) => r.kind === 'simulation')).toBe(true);
    expect(doc.policies[0].counts.arrived).toBe(doc.policies[1].counts.arrived);
    // The report module reads what compare wrote: the policy names appear in the rendered comparison.
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('per-turn-disagg');
    expect(renderReport(text, 'comparison.json')).toBe(html);
  });

  it('refuses a scenario mixed with a fleet', async () => {
    await expect(runCompare({ scenario: 'paper', fleet: 'fleet.yaml' }, makeContext(dir).ctx)).rejects.toThrow('--scenario: found --fleet with it, expected the scenario alone');
  });

  it('rejects an unknown policy name', async () => {
    const c = makeContext(dir);
    await expect(runCompare({ fleet: 'fleet.yaml', mix: 'coding-agent', policies: ['conserve', 'magic'] }, c.ctx)).rejects.toThrow('--policies: found "magic", expected names from conserve, per-turn-predict, per-turn-disagg, colocated');
  });
});
