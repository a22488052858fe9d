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
import { ISSUE13_MIX_YAML as MIX, ISSUE13_SLO_YAML as SLO } from '../helpers/issue13-shape.js';


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
