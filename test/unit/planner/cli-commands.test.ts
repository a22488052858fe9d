import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../catalogs/index.js';
import { runPlan, type PlanArgs } from '../../../planner/cli/commands/plan.js';
import { runValidate } from '../../../planner/cli/commands/validate.js';
import type { CommandContext } from '../../../planner/cli/context.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetplan-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(): { ctx: CommandContext; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd: dir, env: {}, signal: new AbortController().signal };
  return { ctx, out, err };
}

const paper: PlanArgs = { mix: 'swe-agent-paper', llm: 'qwen3-0.6b', gpus: ['a40'], slo: 'paper-5x', durationS: 300, seed: 3 };

/** The plan with one instance fewer in its first pool of `role`. */
function withOneFewer(yaml: string, role: string): string {
  return yaml.replace(new RegExp(`(role: ${role}\\n\\s+count: )(\\d+)`), (_m, head: string, n: string) => `${head}${Number(n) - 1}`);
}

describe('fleetplan plan and validate', () => {
  it('plan --out writes plan.yaml, plan.json and report.html; a plan that holds passes validate with the same seed', async () => {
    const { ctx, out, err } = context();
    expect(await runPlan({ ...paper, out: 'out', json: true }, ctx)).toBe(0);
    const doc = JSON.parse(out.join(''));
    // --json keeps stdout to one document; where the report is and what to try next goes to stderr.
    expect(err.join('')).toBe(`Report: ${join('out', 'report.html')} (plan: ${join('out', 'plan.json')}) — next: fleetplan validate ${join('out', 'plan.yaml')}, or fleetplan whatif --plan ${join('out', 'plan.yaml')}\n`);
    // Both tiers went through the kernel check too.
    expect(typeof doc.best_homogeneous.check.holds).toBe('boolean');
    expect(doc.best_heterogeneous.check.slo_attainment).toBeGreaterThan(0);
    expect(doc).toMatchObject({ kind: 'plan', format_version: 1, holds: true, stopped_because: 'holds' });
    expect(doc.instances.length).toBeGreaterThan(0);
    // The policy the plan was proved under follows its shape: conserve with prefill and decode pools, else colocated
    // (a plan never mixes colocated with prefill pools: under conserve the kernel would run them as decoders).
    const roles = new Set(doc.instances.map((i: { role: string }) => i.role));
    expect(doc.check.policy).toBe(roles.has('prefill') ? 'conserve' : 'colocated');
    expect(roles.has('prefill') && roles.has('colocated')).toBe(false);
    // Held at every check seed (--seed 3 and the next two), with the smallest margin shown.
    expect(doc.check_seeds.map((s: { seed: number; holds: boolean }) => [s.seed, s.holds])).toEqual([[3, true], [4, true], [5, true]]);
    expect(doc.check_margin).toBeGreaterThanOrEqual(0);
    expect(doc.best_homogeneous.label).toMatch(/^best single GPU type \(a40, uncapped\)$/);
    expect(doc.best_heterogeneous.tco_usd).toBeLessThanOrEqual(doc.best_homogeneous.tco_usd * (1 + 1e-5));
    for (const f of ['plan.yaml', 'plan.json', 'report.html']) expect(existsSync(join(dir, 'out', f))).toBe(true);
    const v = context();
    expect(await runValidate({ plan: 'out/plan.yaml', json: true }, v.ctx)).toBe(0);
    const verdict = JSON.parse(v.out.join(''));
    expect(verdict).toMatchObject({ kind: 'validation', holds: true, inputs: { seed: 3, duration_s: 300 } });
    expect(verdict.slos.every((s: { pass: boolean }) => s.pass)).toBe(true);
    // …and at a seed the planner never checked.
    const fresh = context();
    expect(await runValidate({ plan: 'out/plan.yaml', seed: 99, json: true }, fresh.ctx)).toBe(0);
  });

  it('the plan is trimmed until tight: with one decoder fewer validate exits 1 at some check seed, naming the SLO and by how much', async () => {
    const doc = JSON.parse(readFileSync(join(dir, 'out', 'plan.json'), 'utf8'));
    // TRIM ran after the plan held: every attempt is a round, and it stopped because no single removal holds.
    const trims = doc.rounds.filter((r: { trim?: unknown }) => r.trim);
    expect(trims.length).toBe(doc.trim.attempts);
    expect(trims.length).toBeGreaterThan(0);
    expect(doc.trim.budget_exhausted).toBe(false);
    const keptPools = new Set(trims.filter((r: { trim: { kept: boolean } }) => r.trim.kept).map((r: { trim: { pool: string } }) => r.trim.pool));
    for (const pool of doc.trim.removed) expect(keptPools.has(pool)).toBe(true);
    for (const r of trims) expect(r.check.holds).toBe(r.trim.kept);
    const yaml = readFileSync(join(dir, 'out', 'plan.yaml'), 'utf8');
    const role = doc.instances.some((i: { role: string }) => i.role === 'decode') ? 'decode' : 'colocated';
    writeFileSync(join(dir, 'out', 'cut.yaml'), withOneFewer(yaml, role));
    expect(readFileSync(join(dir, 'out', 'cut.yaml'), 'utf8')).not.toBe(yaml);
    // Tight means a removal misses at one check seed at least (a plan holds only if it holds at all of them).
    let text = '';
    let code = 0;
    for (const seed of doc.check_seeds.map((s: { seed: number }) => s.seed)) {
      const { ctx, out } = context();
      code = await runValidate({ plan: 'out/cut.yaml', seed, junit: 'out/junit.xml' }, ctx);
      text = out.join('');
      if (code !== 0) break;
    }
    expect(code).toBe(1);
    expect(text).toMatch(/^FAIL (p95 \S+( slowdown)? [0-9.]+ > [0-9.]+ \([0-9.]+% over\)|slo_attainment [0-9.]+ < [0-9.]+ \([0-9.e-]+ short\))$/m);
    expect(text).toMatch(/the plan does not hold\n$/);
    expect(readFileSync(join(dir, 'out', 'junit.xml'), 'utf8')).toMatch(/<failure message="FAIL /);
  });

  it('plan --no-trim keeps the first plan that holds, never cheaper than the trimmed one', async () => {
    const trimmed = JSON.parse(readFileSync(join(dir, 'out', 'plan.json'), 'utf8'));
    const { ctx, out } = context();
    expect(await runPlan({ ...paper, noTrim: true, json: true }, ctx)).toBe(0);
    const doc = JSON.parse(out.join(''));
    expect(doc.trim).toBeUndefined();
    expect(doc.rounds.some((r: { trim?: unknown }) => r.trim)).toBe(false);
    expect(doc.objective_value).toBeGreaterThanOrEqual(trimmed.objective_value - 1e-6);
    expect(doc.cheaper_search).toMatchObject({ rounds: 0 });
  });

  it('plan --pareto adds a cost–energy front, cheapest first', async () => {
    const { ctx, out } = context();
    await runPlan({ ...paper, pareto: true, noTrim: true, json: true }, ctx);
    const front = JSON.parse(out.join('')).pareto as Array<{ cost_usd: number; energy_j_per_output_token: number }>;
    expect(front.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < front.length; i++) expect(front[i].energy_j_per_output_token).toBeLessThan(front[i - 1].energy_j_per_output_token);
  });

  it('plan exits 1 with the reason when no plan exists', async () => {
    const { ctx, out } = context();
    expect(await runPlan({ ...paper, slo: undefined, ttfetP95S: 0.001, tbtP95Ms: 50, json: true }, ctx)).toBe(1);
    const doc = JSON.parse(out.join(''));
    expect(doc.holds).toBe(false);
    expect(doc.reason).toMatch(/below the physical floor/);
  });

  it('bad input is an InputError naming the flag (exit 2 in main)', async () => {
    const { ctx } = context();
    await expect(runPlan({ ...paper, gpus: ['a41'] }, ctx)).rejects.toThrow(InputError);
    await expect(runPlan({ ...paper, gpus: ['a41'] }, ctx)).rejects.toThrow(/--gpus: found "a41", expected a GPU type id \(did you mean "a40"\?\)/);
    await expect(runPlan({ ...paper, mix: undefined }, ctx)).rejects.toThrow(/--mix/);
    await expect(runPlan({ ...paper, ttfetP95S: 10 }, ctx)).rejects.toThrow(/--slo/);
    await expect(runValidate({ plan: 'missing.yaml' }, ctx)).rejects.toThrow(InputError);
  });
});
