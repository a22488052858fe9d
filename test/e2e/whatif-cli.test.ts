/**
 * `fleetplan whatif` without prompting: a scenario file replayed with --script (transcript pinned), flags as changes,
 * --json, the saved scenario replaying to the same result, and no terminal → exit 2 pointing to the flags.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';
import { normaliseWhatif, WHATIF_START_FLAGS, WHATIF_START_TRANSCRIPT, WHATIF_START_YAML } from '../helpers/whatif-start.js';

const SCENARIO = `kind: whatif-scenario
format_version: 1
${WHATIF_START_YAML}
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
    const transcript = normaliseWhatif(run.stdout);
    expect(transcript.slice(0, WHATIF_START_TRANSCRIPT.length)).toBe(WHATIF_START_TRANSCRIPT);
    expect(transcript.slice(WHATIF_START_TRANSCRIPT.length)).toMatchInlineSnapshot(`
      "change 1: arrival rate of every class × 1.5; re-planned in #.# s (2 checks of 120 s simulated under conserve)
                                          start   previous  now     vs previous     vs start
      instances a40/tp1/bf16/decode/210w  4       4         2       −2              −2
      instances a40/tp1/bf16/decode/tdp   0       0         2       +2              +2
      instances a40/tp1/bf16/prefill/tdp  2       2         2       =               =
      GPUs                                6       6         6       =               =
      TCO USD                             39,451  39,451    40,623  +1,171 (+3.0%)  +1,171 (+3.0%)
      J per output token                  1.488   1.488     1.466   −0.022 (−1.5%)  −0.022 (−1.5%)
      peak GPU power kW                   1.4     1.4       1.6     +0.2 (+12.0%)   +0.2 (+12.0%)
      margin p95 ttfet_s slowdown         66.1%   66.1%     49.7%   −16.4 pt        −16.4 pt
      margin p95 ttft_s                   99.4%   99.4%     99.1%   −0.3 pt         −0.3 pt
      margin p95 last_turn_tbt_ms         93.1%   93.1%     88.9%   −4.2 pt         −4.2 pt
      margin slo_attainment               11.1%   11.1%     11.1%   =               =
      holds                               yes     yes       yes
      the plan holds in the short check
      change 2: p95 ttfet_s ≤ 3× standalone; re-planned in #.# s (2 checks of 120 s simulated under conserve)
                                          start   previous  now     vs previous       vs start
      instances a40/tp1/bf16/decode/210w  4       2         0       −2                −4
      instances a40/tp1/bf16/decode/tdp   0       2         4       +2                +4
      instances a40/tp1/bf16/prefill/tdp  2       2         4       +2                +2
      GPUs                                6       6         8       +2                +2
      TCO USD                             39,451  40,623    53,611  +12,989 (+32.0%)  +14,160 (+35.9%)
      J per output token                  1.488   1.466     1.888   +0.422 (+28.8%)   +0.400 (+26.9%)
      peak GPU power kW                   1.4     1.6       2.4     +0.8 (+47.6%)     +0.9 (+65.3%)
      margin p95 ttfet_s slowdown         66.1%   49.7%     13.5%   −36.2 pt          −52.6 pt
      margin p95 ttft_s                   99.4%   99.1%     99.1%   +0.0 pt           −0.2 pt
      margin p95 last_turn_tbt_ms         93.1%   88.9%     88.9%   =                 −4.2 pt
      margin slo_attainment               11.1%   11.1%     11.1%   =                 =
      holds                               yes     yes       yes
      the plan holds in the short check
      undo: back to after "arrival rate of every class × 1.5"
      change 2: price of a40: capex 3000 USD; re-planned in #.# s (2 checks of 120 s simulated under conserve)
                                          start   previous  now     vs previous       vs start
      instances a40/tp1/bf16/decode/210w  4       2         2       =                 −2
      instances a40/tp1/bf16/decode/tdp   0       2         2       =                 +2
      instances a40/tp1/bf16/prefill/tdp  2       2         2       =                 =
      GPUs                                6       6         6       =                 =
      TCO USD                             39,451  40,623    22,623  −18,000 (−44.3%)  −16,829 (−42.7%)
      J per output token                  1.488   1.466     1.466   =                 −0.022 (−1.5%)
      peak GPU power kW                   1.4     1.6       1.6     =                 +0.2 (+12.0%)
      margin p95 ttfet_s slowdown         66.1%   49.7%     49.7%   =                 −16.4 pt
      margin p95 ttft_s                   99.4%   99.1%     99.1%   =                 −0.3 pt
      margin p95 last_turn_tbt_ms         93.1%   88.9%     88.9%   =                 −4.2 pt
      margin slo_attainment               11.1%   11.1%     11.1%   =                 =
      holds                               yes     yes       yes
      the plan holds in the short check
      change 3: check under policy per-turn-predict; re-planned in #.# s (2 checks of 120 s simulated under per-turn-predict)
                                          start   previous  now     vs previous  vs start
      instances a40/tp1/bf16/decode/210w  4       2         2       =            −2
      instances a40/tp1/bf16/decode/tdp   0       2         2       =            +2
      instances a40/tp1/bf16/prefill/tdp  2       2         2       =            =
      GPUs                                6       6         6       =            =
      TCO USD                             39,451  22,623    22,623  =            −16,829 (−42.7%)
      J per output token                  1.488   1.466     1.466   =            −0.022 (−1.5%)
      peak GPU power kW                   1.4     1.6       1.6     =            +0.2 (+12.0%)
      margin p95 ttfet_s slowdown         66.1%   49.7%     49.6%   −0.2 pt      −16.5 pt
      margin p95 ttft_s                   99.4%   99.1%     94.3%   −4.8 pt      −5.0 pt
      margin p95 last_turn_tbt_ms         93.1%   88.9%     88.9%   =            −4.2 pt
      margin slo_attainment               11.1%   11.1%     11.1%   =            =
      holds                               yes     yes       yes
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
  }, 180_000);

  it('takes every change as a flag and prints one JSON document with --json', async () => {
    const run = await runCli(['whatif', ...WHATIF_START_FLAGS, '--scale-rate', '*=2', '--slo-target', 'ttfet_s=5x', '--price', 'a40:capex=4000,rent=0.5', '--electricity-usd-per-kwh', '0.3', '--power-cap-kw', 'none', '--objective', 'gpus', '--policy', 'colocated', '--json']);
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
  }, 180_000);

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
    const bad = await runCli(['whatif', ...WHATIF_START_FLAGS, '--script', 'bad.yaml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('add_gpus[0]: found "h100-sxn", expected a GPU type id (did you mean "h100-sxm"?)');
    const flag = await runCli(['whatif', ...WHATIF_START_FLAGS, '--scale-rate', 'fast']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--scale-rate: found "fast", expected CLASS=FACTOR');
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });
});
