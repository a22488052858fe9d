/**
 * The what-if session keeps to the layout search's restriction (issue 12: "pools, plans, fleets … and the what-if
 * session carry the layout; plan searches it (a user can restrict it)"): a plan made with `--ep 8` records it in
 * plan.yaml (and plan.json's inputs), `whatif --plan` re-plans within it instead of widening the search, `--tp`/`--ep`
 * on whatif override it with plan's parser and messages, and a saved scenario replays it. Bad values: exit 2, one line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

type Pool = { tp: number; ep?: number; count: number };

/** Qwen3-30B-A3B (128 experts) on H100: unrestricted, the fast path plans tp1 pools; with --ep 8, tp8ep8. */
const PLAN = ['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-30b-a3b', '--gpus', 'h100-sxm', '--slo', 'relaxed', '--check-seeds', '1'];
const SHORT = ['--check-duration-s', '60', '--json'];

describe('whatif keeps to the plan\'s layout restriction', () => {
  let dir = '';
  beforeAll(async () => {
    dir = scratchDir('fleetplan-whatif-layout-');
    const run = await runCli([...PLAN, '--ep', '8', '--out', 'plan'], { cwd: dir });
    expect(run.code).toBe(0);
  }, 120_000);

  it('plan --ep 8 records the restriction in plan.yaml as in plan.json', () => {
    expect(parse(readFileSync(join(dir, 'plan', 'plan.yaml'), 'utf8')).ep).toEqual([8]);
    expect(JSON.parse(readFileSync(join(dir, 'plan', 'plan.json'), 'utf8')).inputs.ep).toEqual([8]);
  });

  it('re-plans only ep-8 layouts from plan.yaml or plan.json; the saved scenario replays it; --ep overrides it', async () => {
    const pools = (stdout: string): Pool[] => JSON.parse(stdout).plan.instances;
    const fromYaml = await runCli(['whatif', '--plan', 'plan/plan.yaml', '--scale-rate', '*=2', '--save', 'scenario.yaml', ...SHORT], { cwd: dir });
    expect([fromYaml.code, fromYaml.stderr]).toEqual([0, '']);
    expect(pools(fromYaml.stdout).length).toBeGreaterThan(0);
    expect(pools(fromYaml.stdout).every((p) => p.ep === 8)).toBe(true);
    expect(JSON.parse(fromYaml.stdout).plan.inputs.ep).toEqual([8]);
    expect(parse(readFileSync(join(dir, 'scenario.yaml'), 'utf8')).start.ep).toEqual([8]);

    const fromJson = await runCli(['whatif', '--plan', 'plan/plan.json', '--scale-rate', '*=2', ...SHORT], { cwd: dir });
    expect(fromJson.code).toBe(0);
    expect(pools(fromJson.stdout)).toEqual(pools(fromYaml.stdout));

    const replayed = await runCli(['whatif', '--script', 'scenario.yaml', ...SHORT], { cwd: dir });
    expect([replayed.code, replayed.stderr]).toEqual([0, '']);
    expect(pools(replayed.stdout)).toEqual(pools(fromYaml.stdout));

    // The flag wins over the plan's record (as --gpus does): ep 1 only, so no pool spreads experts.
    const widened = await runCli(['whatif', '--plan', 'plan/plan.yaml', '--ep', '1', '--scale-rate', '*=2', ...SHORT], { cwd: dir });
    expect(widened.code).toBe(0);
    expect(pools(widened.stdout).every((p) => (p.ep ?? 1) === 1)).toBe(true);
    expect(JSON.parse(widened.stdout).plan.inputs.ep).toEqual([1]);
  }, 120_000);

  it('refuses a bad restriction from a flag, the plan or the scenario: exit 2, one line, before any re-plan', async () => {
    const ep3 = await runCli(['whatif', '--plan', 'plan/plan.yaml', '--ep', '3', ...SHORT], { cwd: dir });
    expect([ep3.code, ep3.stdout, ep3.stderr]).toEqual([2, '', "fleetplan: --ep: found 3, expected a divisor of qwen3-30b-a3b's 128 experts\n"]);
    const tpWord = await runCli(['whatif', '--plan', 'plan/plan.yaml', '--tp', 'eight', ...SHORT], { cwd: dir });
    expect([tpWord.code, tpWord.stdout, tpWord.stderr]).toEqual([2, '', 'fleetplan: --tp: found "eight", expected whole numbers ≥ 1, comma separated\n']);

    const planText = readFileSync(join(dir, 'plan', 'plan.yaml'), 'utf8');
    writeFileSync(join(dir, 'plan', 'edited.yaml'), planText.replace(/^ep:\n {2}- 8$/m, 'ep:\n  - 3'));
    const edited = await runCli(['whatif', '--plan', 'plan/edited.yaml', ...SHORT], { cwd: dir });
    expect(edited.code).toBe(2);
    expect(edited.stdout).toBe('');
    expect(edited.stderr).toMatch(/^fleetplan: plan\/edited\.yaml:\d+: ep: found 3, expected a divisor of qwen3-30b-a3b's 128 experts\n$/);

    writeFileSync(join(dir, 'bad-scenario.yaml'), 'kind: whatif-scenario\nstart: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-30b-a3b, gpus: [h100-sxm], check_duration_s: 60, tp: [3] }\n');
    const scripted = await runCli(['whatif', '--script', 'bad-scenario.yaml', '--json'], { cwd: dir });
    expect([scripted.code, scripted.stdout, scripted.stderr]).toEqual([2, '', "fleetplan: bad-scenario.yaml: start.tp: found 3, expected a degree that divides qwen3-30b-a3b's 32 attention heads\n"]);
  }, 60_000);
});
