/**
 * `fleetplan whatif` without prompting: a scenario file replayed with --script (transcript pinned), flags as changes,
 * --json, the saved scenario replaying to the same result, and no terminal → exit 2 pointing to the flags.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

const SMALL = ['--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--slo', 'relaxed', '--check-duration-s', '120'];
/** Wall-clock figures vary by machine; everything else in the transcript is deterministic. */
const normalise = (text: string) => text.replace(/re-planned in \d+\.\d s/g, 're-planned in #.# s').replace(/wrote (scenario|report): .*\//g, 'wrote $1: <dir>/');

const SCENARIO = `kind: whatif-scenario
format_version: 1
start: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 120 }
changes:
  - scale_rate: { class: "*", factor: 1.5 }
  - set_slo: { metric: ttfet_s, percentile: 95, max_slowdown: 3 }
  - undo
  - set_price: { gpu: a40, capex_usd: 3000 }
  - set_policy: per-turn-predict
`;

describe('fleetplan whatif (no prompts)', () => {
  it('replays a scenario file: the transcript is pinned, the scenario saved and the report written', async () => {
    const dir = scratchDir('fleetplan-whatif-');
    writeFileSync(join(dir, 'scenario.yaml'), SCENARIO);
    const run = await runCli(['whatif', '--script', 'scenario.yaml', '--save', 'saved.yaml', '--report', 'report.html'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(normalise(run.stdout)).toMatchInlineSnapshot(`
      "start: swe-agent-paper (swe-agent-5-turns 1 conv/s), SLO relaxed, qwen3-0.6b on a40, objective tco; re-planned in #.# s (one solve + 120 s simulated under conserve)
                                            start
      instances a40/tp1/bf16/colocated/tdp  1
      instances a40/tp1/bf16/decode/210w    4
      instances a40/tp1/bf16/prefill/tdp    1
      GPUs                                  6
      TCO USD                               39,565
      J per output token                    1.537
      peak GPU power kW                     1.4
      margin p95 ttfet_s slowdown           56.3%
      margin p95 ttft_s                     99.5%
      margin p95 last_turn_tbt_ms           94.1%
      margin slo_attainment                 11.1%
      holds                                 yes
      the plan holds in the short check
      change 1: arrival rate of every class × 1.5; re-planned in #.# s (one solve + 120 s simulated under conserve)
                                            start   previous  now     vs previous       vs start
      instances a40/tp1/bf16/colocated/tdp  1       1         0       −1                −1
      instances a40/tp1/bf16/decode/210w    4       4         0       −4                −4
      instances a40/tp1/bf16/prefill/tdp    1       1         2       +1                +1
      instances a40/tp2/bf16/decode/210w    0       0         3       +3                +3
      GPUs                                  6       6         8       +2                +2
      TCO USD                               39,565  39,565    53,162  +13,597 (+34.4%)  +13,597 (+34.4%)
      J per output token                    1.537   1.537     1.484   −0.053 (−3.5%)    −0.053 (−3.5%)
      peak GPU power kW                     1.4     1.4       1.9     +0.4 (+29.3%)     +0.4 (+29.3%)
      margin p95 ttfet_s slowdown           56.3%   56.3%     53.6%   −2.7 pt           −2.7 pt
      margin p95 ttft_s                     99.5%   99.5%     99.5%   +0.0 pt           +0.0 pt
      margin p95 last_turn_tbt_ms           94.1%   94.1%     93.5%   −0.6 pt           −0.6 pt
      margin slo_attainment                 11.1%   11.1%     11.1%   =                 =
      holds                                 yes     yes       yes
      the plan holds in the short check
      change 2: p95 ttfet_s ≤ 3× standalone; re-planned in #.# s (one solve + 120 s simulated under conserve)
                                            start   previous  now     vs previous       vs start
      instances a40/tp1/bf16/colocated/tdp  1       0         0       =                 −1
      instances a40/tp1/bf16/decode/210w    4       0         0       =                 −4
      instances a40/tp1/bf16/prefill/tdp    1       2         3       +1                +2
      instances a40/tp2/bf16/decode/210w    0       3         4       +1                +4
      GPUs                                  6       8         11      +3                +5
      TCO USD                               39,565  53,162    72,342  +19,179 (+36.1%)  +32,777 (+82.8%)
      J per output token                    1.537   1.484     1.823   +0.339 (+22.8%)   +0.286 (+18.6%)
      peak GPU power kW                     1.4     1.9       2.6     +0.7 (+38.7%)     +1.1 (+79.3%)
      margin p95 ttfet_s slowdown           56.3%   53.6%     45.9%   −7.7 pt           −10.4 pt
      margin p95 ttft_s                     99.5%   99.5%     99.6%   +0.1 pt           +0.1 pt
      margin p95 last_turn_tbt_ms           94.1%   93.5%     95.5%   +1.9 pt           +1.3 pt
      margin slo_attainment                 11.1%   11.1%     11.1%   =                 =
      holds                                 yes     yes       yes
      the plan holds in the short check
      undo: back to after "arrival rate of every class × 1.5"
      change 2: price of a40: capex 3000 USD; re-planned in #.# s (one solve + 120 s simulated under conserve)
                                            start   previous  now     vs previous       vs start
      instances a40/tp1/bf16/colocated/tdp  1       0         0       =                 −1
      instances a40/tp1/bf16/decode/210w    4       0         0       =                 −4
      instances a40/tp1/bf16/prefill/tdp    1       2         2       =                 +1
      instances a40/tp2/bf16/decode/210w    0       3         3       =                 +3
      GPUs                                  6       8         8       =                 +2
      TCO USD                               39,565  53,162    29,162  −24,000 (−45.1%)  −10,403 (−26.3%)
      J per output token                    1.537   1.484     1.484   =                 −0.053 (−3.5%)
      peak GPU power kW                     1.4     1.9       1.9     =                 +0.4 (+29.3%)
      margin p95 ttfet_s slowdown           56.3%   53.6%     53.6%   =                 −2.7 pt
      margin p95 ttft_s                     99.5%   99.5%     99.5%   =                 +0.0 pt
      margin p95 last_turn_tbt_ms           94.1%   93.5%     93.5%   =                 −0.6 pt
      margin slo_attainment                 11.1%   11.1%     11.1%   =                 =
      holds                                 yes     yes       yes
      the plan holds in the short check
      change 3: check under policy per-turn-predict; re-planned in #.# s (one solve + 120 s simulated under per-turn-predict)
                                            start   previous  now     vs previous  vs start
      instances a40/tp1/bf16/colocated/tdp  1       0         0       =            −1
      instances a40/tp1/bf16/decode/210w    4       0         0       =            −4
      instances a40/tp1/bf16/prefill/tdp    1       2         2       =            +1
      instances a40/tp2/bf16/decode/210w    0       3         3       =            +3
      GPUs                                  6       8         8       =            +2
      TCO USD                               39,565  29,162    29,162  =            −10,403 (−26.3%)
      J per output token                    1.537   1.484     1.484   =            −0.053 (−3.5%)
      peak GPU power kW                     1.4     1.9       1.9     =            +0.4 (+29.3%)
      margin p95 ttfet_s slowdown           56.3%   53.6%     55.4%   +1.8 pt      −0.9 pt
      margin p95 ttft_s                     99.5%   99.5%     94.3%   −5.1 pt      −5.1 pt
      margin p95 last_turn_tbt_ms           94.1%   93.5%     94.3%   +0.7 pt      +0.1 pt
      margin slo_attainment                 11.1%   11.1%     11.1%   =            =
      holds                                 yes     yes       yes
      the plan holds in the short check
      wrote scenario: <dir>/saved.yaml
      wrote report: <dir>/report.html
      "
    `);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<html');
    // The saved scenario has the undone change gone and replays to the same final plan.
    const saved = readFileSync(join(dir, 'saved.yaml'), 'utf8');
    expect(saved).not.toContain('set_slo');
    const again = await runCli(['whatif', '--script', 'saved.yaml', '--json'], { cwd: dir });
    const first = await runCli(['whatif', '--script', 'scenario.yaml', '--json'], { cwd: dir });
    expect(JSON.parse(again.stdout).final).toEqual(JSON.parse(first.stdout).final);
  });

  it('takes every change as a flag and prints one JSON document with --json', async () => {
    const run = await runCli(['whatif', ...SMALL, '--scale-rate', '*=2', '--slo-target', 'ttfet_s=5x', '--price', 'a40:capex=4000,rent=0.5', '--electricity-usd-per-kwh', '0.3', '--power-cap-kw', 'none', '--objective', 'gpus', '--policy', 'colocated', '--json']);
    expect(run.stderr).toBe('');
    const doc = JSON.parse(run.stdout);
    expect(doc.kind).toBe('whatif');
    expect(doc.steps.map((s: { change: string }) => s.change)).toEqual([
      'arrival rate of every class × 2', 'p95 ttfet_s ≤ 5× standalone', 'price of a40: capex 4000 USD, rent 0.5 USD/h',
      'electricity 0.3 USD/kWh', 'no facility power cap', 'objective gpus', 'check under policy colocated',
    ]);
    // Doubling the traffic needs more GPUs than the start.
    expect(doc.steps[0].gpus).toBeGreaterThan(doc.start.gpus);
    expect(doc.plan.kind).toBe('plan');
    expect(run.code).toBe(doc.final.holds ? 0 : 1);
  });

  it('starts from a saved plan\'s inputs (--plan)', async () => {
    const run = await runCli(['whatif', '--plan', 'examples/ci/plans/passing.yaml', '--check-duration-s', '120', '--objective', 'gpus'], { cwd: repoRoot });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^start: swe-agent-paper .*, SLO relaxed, qwen3-0\.6b on a40, objective tco;/);
    expect(run.stdout).toContain('change 1: objective gpus;');
  });

  it('without a terminal and without changes it says so and exits 2 at once', async () => {
    const run = await runCli(['whatif', '--mix', 'coding-agent', '--slo', 'standard']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^fleetplan whatif: no terminal to ask questions on; give the changes as flags .*--script FILE/);
  });

  it('reports a bad scenario entry and a bad flag as input errors (exit 2)', async () => {
    const dir = scratchDir('fleetplan-whatif-');
    writeFileSync(join(dir, 'bad.yaml'), 'kind: whatif-scenario\nchanges:\n  - add_gpus: [h100-sxn]\n');
    const bad = await runCli(['whatif', ...SMALL, '--script', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('add_gpus[0]: found "h100-sxn", expected a GPU type id (did you mean "h100-sxm"?)');
    const flag = await runCli(['whatif', ...SMALL, '--scale-rate', 'fast']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--scale-rate: found "fast", expected CLASS=FACTOR');
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});
