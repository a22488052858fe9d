/**
 * Ctrl-C and progress through the command context, driven in-process with `main(argv, ctx)`: an abort during a run
 * exits 130 with "interrupted; no output was written" and leaves no file; the progress bar goes through ctx.stderr
 * on a terminal and nothing reaches stderr otherwise.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../../planner/cli/context.js';
import { main } from '../../../planner/cli/main.js';

const FLEET = `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: 3 }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;

const dir = mkdtempSync(join(tmpdir(), 'fleetplan-kernel-interrupt-'));
writeFileSync(join(dir, 'fleet.yaml'), FLEET);

function makeContext(o: { tty: boolean; onStderr?: (text: string, controller: AbortController) => void }) {
  const controller = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CommandContext = {
    stdout: (t) => out.push(t),
    stderr: (t) => {
      err.push(t);
      o.onStderr?.(t, controller);
    },
    stdoutIsTTY: false,
    stderrIsTTY: o.tty,
    stdinIsTTY: false,
    cwd: dir,
    env: {},
    signal: controller.signal,
  };
  return { ctx, out, err, controller };
}

// ~1,100 conversations of the paper's mix: tens of thousands of kernel events, several 10,000-event slices.
const SIMULATE = ['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--rate-per-s', '1', '--duration-s', '1100', '--seed', '4'];

describe('Ctrl-C during a simulation', () => {
  it('simulate: the progress bar aborts the controller on its first draw; the run stops mid-way, exit 130, no --out files', async () => {
    let events = 0;
    const c = makeContext({ tty: true, onStderr: (_t, controller) => controller.abort() });
    const code = await main([...SIMULATE, '--out', 'sim-aborted'], c.ctx);
    expect(code).toBe(130);
    expect(c.err.join('')).toContain('fleetplan: interrupted; no output was written');
    expect(c.out).toEqual([]);
    expect(existsSync(join(dir, 'sim-aborted', 'result.json'))).toBe(false);
    expect(existsSync(join(dir, 'sim-aborted', 'report.html'))).toBe(false);
    // No temporary file of an atomic write is left behind either.
    if (existsSync(join(dir, 'sim-aborted'))) expect(readdirSync(join(dir, 'sim-aborted'))).toEqual([]);
    // The same run, not aborted, is much longer than the one slice the aborted one got through.
    const full = makeContext({ tty: false });
    expect(await main([...SIMULATE, '--json'], full.ctx)).toBe(0);
    events = JSON.parse(full.out[0]).events;
    expect(events).toBeGreaterThan(20_000);
  });

  it('compare: an abort during the first policy stops the whole comparison, exit 130, no comparison.json', async () => {
    const c = makeContext({ tty: true, onStderr: (t, controller) => t.includes('[') && controller.abort() });
    const code = await main(['compare', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--rate-per-s', '1', '--duration-s', '1100', '--out', 'cmp-aborted'], c.ctx);
    expect(code).toBe(130);
    expect(c.err.join('')).toContain('interrupted; no output was written');
    expect(c.err.join('')).not.toContain('running per-turn-predict');
    expect(existsSync(join(dir, 'cmp-aborted', 'comparison.json'))).toBe(false);
  });
});

describe('progress through the context', () => {
  it('draws a bar on ctx.stderr when it is a terminal', async () => {
    const c = makeContext({ tty: true });
    expect(await main(['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--rate-per-s', '0.5', '--duration-s', '120', '--json'], c.ctx)).toBe(0);
    expect(c.err.join('')).toMatch(/conserve \[.*\] \d+% \| ETA .* conversations/);
    expect(JSON.parse(c.out.join('')).policy).toBe('conserve');
  });

  it('writes nothing at all on stderr when it is not a terminal (simulate and compare)', async () => {
    const s = makeContext({ tty: false });
    expect(await main(['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--rate-per-s', '0.5', '--duration-s', '120'], s.ctx)).toBe(0);
    expect(s.err).toEqual([]);
    expect(s.out.join('')).toContain('ttfet_s');
    const c = makeContext({ tty: false });
    expect(await main(['compare', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--rate-per-s', '0.5', '--duration-s', '120', '--policies', 'conserve,colocated'], c.ctx)).toBe(0);
    expect(c.err).toEqual([]);
  });
});
