/**
 * Issue 14: the interactive what-if session's "save" and "report" never write over an input of the session — the
 * same check as --save/--report in batch mode (a mix file named as the save target is refused, the session goes on).
 */
import { screen } from '@inquirer/testing/vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../planner/cli/main.js';
import { scratchDir } from '../helpers/paths.js';

const MIX = readFileSync(new URL('../../catalogs/mixes/swe-agent-paper.yaml', import.meta.url), 'utf8').replace(/^id: .*$/m, 'id: my-mix');

async function waitForPrompt(text: string): Promise<void> {
  await vi.waitFor(() => expect(screen.getScreen()).toContain(text), { timeout: 30_000, interval: 20 });
}

function choose(position: number): void {
  screen.type(String(position));
  screen.keypress('enter');
}

describe('fleetplan whatif (interactive) save', () => {
  it('refuses to save the scenario or the report over the session\'s mix file, and the session goes on', async () => {
    const dir = scratchDir('fleetplan-whatif-save-');
    writeFileSync(join(dir, 'my-mix.yaml'), MIX);
    let stdout = '';
    let stderr = '';
    const done = main(['whatif', '--mix', 'my-mix.yaml', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--slo', 'relaxed', '--check-duration-s', '30'], {
      stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t),
      stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: true, cwd: dir, env: {}, signal: new AbortController().signal,
    });
    await waitForPrompt('What next?');
    choose(11); // save
    await waitForPrompt('Save the scenario to');
    screen.type('my-mix.yaml');
    screen.keypress('enter');
    await vi.waitFor(() => expect(stderr).toContain('found an input file of this run as the output path'), { timeout: 30_000 });
    await waitForPrompt('What next?');
    choose(12); // report
    await waitForPrompt('Write the report to');
    screen.type('my-mix.yaml');
    screen.keypress('enter');
    await vi.waitFor(() => expect(stderr.split('\n').filter((l) => l.includes('found an input file'))).toHaveLength(2), { timeout: 30_000 });
    await waitForPrompt('What next?');
    choose(13); // quit
    expect(await done).toBe(0);
    expect(readFileSync(join(dir, 'my-mix.yaml'), 'utf8')).toBe(MIX);
    expect(stderr.trim().split('\n').every((l) => /^fleetplan: my-mix\.yaml: found an input file of this run/.test(l))).toBe(true);
    expect(stdout).not.toContain('wrote');
  });
});
