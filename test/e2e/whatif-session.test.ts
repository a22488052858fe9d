/**
 * The interactive what-if session driven by scripted answers (@inquirer/testing screen): menu → scale the arrival
 * rate → undo → save the scenario → write the report → quit. The transcript (stdout) is pinned. Kept apart from any
 * render() unit test (LIBS.md: mixing the two made render() time out).
 */
import { screen } from '@inquirer/testing/vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../planner/cli/main.js';
import { scratchDir } from '../helpers/paths.js';
import { normaliseWhatif, WHATIF_START_FLAGS, WHATIF_START_TRANSCRIPT } from '../helpers/whatif-start.js';

async function waitForPrompt(text: string): Promise<void> {
  await vi.waitFor(() => expect(screen.getScreen()).toContain(text), { timeout: 30_000, interval: 20 });
}

/** Picks a menu entry by its 1-based position (select jumps to a typed number). */
function choose(position: number): void {
  screen.type(String(position));
  screen.keypress('enter');
}

describe('fleetplan whatif (interactive)', () => {
  it('runs a scripted session and pins its transcript', async () => {
    const dir = scratchDir('fleetplan-whatif-tty-');
    let stdout = '';
    let stderr = '';
    const done = main(['whatif', ...WHATIF_START_FLAGS], {
      stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t),
      stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: true, cwd: dir, env: {}, signal: new AbortController().signal,
    });

    await waitForPrompt('What next?');
    expect(screen.getScreen()).toContain('Scale a class\'s arrival rate');
    choose(1); // scale
    await waitForPrompt('Which class?');
    choose(1); // every class
    await waitForPrompt('Multiply its arrival rate by');
    screen.type('2');
    screen.keypress('enter');

    await waitForPrompt('What next?');
    expect(stdout).toContain('change 1: arrival rate of every class × 2');
    choose(10); // undo
    await vi.waitFor(() => expect(stdout).toContain('undo: back to the start'), { timeout: 30_000 });

    await waitForPrompt('What next?');
    choose(11); // save
    await waitForPrompt('Save the scenario to');
    screen.keypress('enter'); // default whatif-scenario.yaml
    await waitForPrompt('What next?');
    choose(12); // report
    await waitForPrompt('Write the report to');
    screen.keypress('enter'); // default whatif-report.html
    await waitForPrompt('What next?');
    choose(13); // quit

    expect(await done).toBe(0);
    expect(stderr).toBe('');
    expect(readFileSync(join(dir, 'whatif-scenario.yaml'), 'utf8')).toMatch(/kind: whatif-scenario[\s\S]*changes: \[\]/);
    expect(existsSync(join(dir, 'whatif-report.html'))).toBe(true);
    const transcript = normaliseWhatif(stdout);
    expect(transcript.slice(0, WHATIF_START_TRANSCRIPT.length)).toBe(WHATIF_START_TRANSCRIPT);
    expect(transcript.slice(WHATIF_START_TRANSCRIPT.length)).toMatchInlineSnapshot(`
      "change 1: arrival rate of every class × 2; re-planned in #.# s (2 checks of 120 s simulated under conserve)
                                          start   previous  now     vs previous       vs start
      instances a40/tp1/bf16/decode/210w  4       4         6       +2                +2
      instances a40/tp1/bf16/decode/tdp   0       0         1       +1                +1
      instances a40/tp1/bf16/prefill/tdp  2       2         3       +1                +1
      GPUs                                6       6         10      +4                +4
      TCO USD                             39,451  39,451    66,568  +27,117 (+68.7%)  +27,117 (+68.7%)
      J per output token                  1.488   1.488     1.468   −0.021 (−1.4%)    −0.021 (−1.4%)
      peak GPU power kW                   1.4     1.4       2.4     +1.0 (+70.7%)     +1.0 (+70.7%)
      margin p95 ttfet_s slowdown         66.1%   66.1%     56.3%   −9.8 pt           −9.8 pt
      margin p95 ttft_s                   99.4%   99.4%     99.1%   −0.2 pt           −0.2 pt
      margin p95 last_turn_tbt_ms         93.1%   93.1%     89.6%   −3.5 pt           −3.5 pt
      margin slo_attainment               11.1%   11.1%     11.1%   =                 =
      holds                               yes     yes       yes
      the plan holds in the short check
      undo: back to the start
      wrote <dir>/whatif-scenario.yaml; replay it with: fleetplan whatif --script whatif-scenario.yaml
      wrote <dir>/whatif-report.html
      session ended
      "
    `);
  });

  it('refuses adding a GPU without the formats searched in the session\'s words and goes on', async () => {
    const dir = scratchDir('fleetplan-whatif-tty-');
    let stdout = '';
    let stderr = '';
    const done = main(['whatif', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'h100-sxm', '--precisions', 'fp8', '--slo', 'relaxed', '--check-duration-s', '60'], {
      stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t),
      stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: true, cwd: dir, env: {}, signal: new AbortController().signal,
    });
    await waitForPrompt('What next?');
    choose(3); // add candidate GPU types
    await waitForPrompt('Add which GPU types?');
    screen.keypress('space'); // the first listed, a100-40gb: bf16 only
    screen.keypress('enter');
    await vi.waitFor(() => expect(stderr).not.toBe(''), { timeout: 30_000 });
    expect(stderr).toBe('fleetplan: add_gpus[0]: found fp8, expected at least one of the formats a100-40gb has (bf16), or a100-40gb left out of add_gpus\n');
    await waitForPrompt('What next?');
    choose(13); // quit
    expect(await done).toBe(0);
    expect(stdout).not.toContain('change 1');
    expect(stdout).toMatch(/session ended\n$/);
  });
});
