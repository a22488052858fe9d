/**
 * Issue 13's example shape: one agent class on llama-3.1-8b (2–6 turns, first input ~4,000 tokens, appended 300,
 * output 100, 1 conv/s), TTFET p95 ≤ 30 s / TTFT p95 ≤ 1 s / TBT p95 ≤ 60 ms, candidates a40, l40s, a100-40gb.
 * The loop used to force a second a100-40gb (a min-count cut) and return 2× a100-40gb colocated; the cheaper
 * 1× a40 prefill + 1× a100-40gb decode is feasible in the planner's own formulation and holds at every seed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const MIX = `kind: mix
id: agent-8b
name: One agent class on llama-3.1-8b
description: issue 13's example shape
llm: llama-3.1-8b
classes:
  - id: agent
    description: an agent; only the final answer is user-visible
    arrival_rate_per_s: 1.0
    arrival: {poisson: {}}
    turns: {uniform: {min: 2, max: 6}}
    first_input_tokens: {lognormal: {median: 4000, sigma: 0.3}}
    appended_input_tokens: {fixed: 300}
    output_tokens: {fixed: 100}
    tool_latency_s: {exponential: {mean: 1}}
    user_visible_turns: last
`;

const SLO = `kind: slo
id: issue13
description: issue 13's example targets
attainment: 0.9
targets:
  - { metric: ttfet_s, percentile: 95, max: 30 }
  - { metric: ttft_s, percentile: 95, max: 1 }
  - { metric: tbt_ms, percentile: 95, max: 60 }
sources: {targets: "issue 13"}
`;

describe("issue 13's example", () => {
  it('plans 1× a40 prefill + 1× a100-40gb decode, proved at three check seeds, and validate agrees at a fresh seed', async () => {
    const dir = scratchDir('fleetplan-issue13-');
    writeFileSync(join(dir, 'mix.yaml'), MIX);
    writeFileSync(join(dir, 'slo.yaml'), SLO);
    const run = await runCli(['plan', '--mix', 'mix.yaml', '--slo', 'slo.yaml', '--gpus', 'a40,l40s,a100-40gb', '--seed', '1', '--out', 'out', '--json'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    const fleet = doc.instances.map((i: { count: number; gpu: string; role: string }) => `${i.count}× ${i.gpu} ${i.role}`).sort();
    expect(fleet).toEqual(['1× a100-40gb decode', '1× a40 prefill']);
    expect(doc.check_seeds.map((s: { holds: boolean }) => s.holds)).toEqual([true, true, true]);
    // Cheaper than the 2× a100-40gb colocated fleet the loop used to return.
    expect(doc.rounds.some((r: { cut?: Array<{ kind: string }> }) => r.cut?.some((c) => c.kind === 'min-count'))).toBe(false);
    const fresh = await runCli(['validate', 'out/plan.yaml', '--seed', '41'], { cwd: dir });
    expect(fresh.code, fresh.stdout).toBe(0);
  }, 300_000);
});
