/**
 * Issue 14, interruptions: Ctrl-C (ctx.signal, aborted by bin.ts on SIGINT) stops plan, validate, whatif and sweep
 * mid-run with exit 130, "interrupted; no output was written", and no file — as simulate and compare already did.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../planner/cli/context.js';
import { main } from '../../planner/cli/main.js';
import { scratchDir } from '../helpers/paths.js';

let dir: string;
const PLAN = `kind: plan
format_version: 1
mix: swe-agent-paper
slo: relaxed
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 2 }
  - { gpu: a40, tp: 1, role: decode, count: 4 }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;

beforeAll(() => {
  dir = scratchDir('fleetplan-interrupt-');
  writeFileSync(join(dir, 'plan.yaml'), PLAN);
  writeFileSync(join(dir, 'grid.yaml'), 'kind: sweep\nmix: swe-agent-paper\nllm: qwen3-0.6b\nslo: relaxed\ngpus: [a40]\ncheck: false\nx: {axis: rate_scale, values: [1, 2]}\ny: {axis: slo_scale, values: [1]}\n');
});

/** Runs main and presses Ctrl-C `afterMs` later (0: before the run starts). */
async function interrupted(argv: string[], afterMs: number): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> {
  const controller = new AbortController();
  if (afterMs === 0) controller.abort();
  let stdout = '';
  let stderr = '';
  const ctx: CommandContext = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd: dir, env: {}, signal: controller.signal };
  const timer = afterMs > 0 ? setTimeout(() => controller.abort(), afterMs) : undefined;
  const t0 = performance.now();
  const code = await main(argv, ctx);
  clearTimeout(timer);
  return { code, stdout, stderr, seconds: (performance.now() - t0) / 1000 };
}

function expectInterrupted(run: { code: number; stdout: string; stderr: string }, outputs: string[]): void {
  expect(run.code, run.stderr).toBe(130);
  expect(run.stderr).toBe('fleetplan: interrupted; no output was written\n');
  for (const o of outputs) expect(existsSync(join(dir, o)), o).toBe(false);
}

describe('Ctrl-C', () => {
  it('plan: stops inside a kernel check (the check yields to the event loop), exit 130, no --out files', async () => {
    // Each check simulates the default 20 minutes and the plan runs several: tens of seconds if the signal were ignored.
    const run = await interrupted(['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--slo', 'relaxed', '--out', 'plan-out', '--seed', '3'], 300);
    expectInterrupted(run, ['plan-out/plan.yaml', 'plan-out/plan.json', 'plan-out/report.html']);
    if (existsSync(join(dir, 'plan-out'))) expect(readdirSync(join(dir, 'plan-out'))).toEqual([]);
  });

  it('validate: stops mid-simulation, exit 130, no --junit file', async () => {
    const run = await interrupted(['validate', 'plan.yaml', '--duration-s', '20000', '--junit', 'junit.xml'], 300);
    expectInterrupted(run, ['junit.xml']);
    expect(run.seconds).toBeLessThan(20);
  });

  it('whatif: stops during a re-plan, exit 130, no --save or --report file', async () => {
    const run = await interrupted(['whatif', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--slo', 'relaxed', '--check-duration-s', '20000', '--scale-rate', '*=1.2', '--save', 's.yaml', '--report', 'w.html', '--json'], 300);
    expectInterrupted(run, ['s.yaml', 'w.html']);
    expect(run.stdout).toBe('');
  });

  it('sweep: a stop request ends the sweep before the next cell, exit 130, no --out file', async () => {
    const run = await interrupted(['sweep', 'grid.yaml', '--threads', '1', '--out', 'sweep.json'], 0);
    expectInterrupted(run, ['sweep.json']);
  });
});
