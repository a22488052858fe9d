/**
 * The ConServe paper's scenario (`fleetplan compare --scenario paper`) on the real SWE-agent trace
 * (shared/data/conserve), short runs: the structure of the reproduction, not the paper's numbers (the kernel is
 * never tuned toward those; docs/paper-reproduction.md explains the differences).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../planner/cli/context.js';
import { runPaperScenario, type PaperRow } from '../../planner/cli/commands/paper.js';
import { renderReport } from '../../reports/index.js';

const TRACE = fileURLToPath(new URL('../../../shared/data/conserve/swe_agent_trace_profile.csv', import.meta.url));

function makeContext(cwd: string) {
  const out: string[] = [];
  const ctx: CommandContext = {
    cwd,
    env: {},
    stdout: (t: string) => void out.push(t),
    stderr: () => undefined,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    signal: new AbortController().signal,
  };
  return { ctx, out };
}

describe('compare --scenario paper', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetplan-paper-'));
  const c = makeContext(dir);
  let ran: Promise<number>;
  beforeAll(() => {
    ran = runPaperScenario({ trace: TRACE, conversations: 150, rates: [0.5, 0.75], out: 'out', json: true }, c.ctx);
  });

  it('writes a comparison the report module reads, with the paper table and figures', async () => {
    expect(await ran).toBe(0);
    const text = readFileSync(join(dir, 'out', 'comparison.json'), 'utf8');
    expect(c.out.join('')).toBe(text);
    const doc = JSON.parse(text);
    expect(doc.kind).toBe('comparison');
    expect(doc.format_version).toBe(1);
    expect(doc.policies.map((p: { policy: string }) => p.policy)).toEqual(['colocated', 'per-turn-disagg', 'per-turn-predict', 'conserve']);
    // 2 rates × 4 policies at 300 W, 4 policies at 200 W and the 0% / 50% sweep at the stable rate (0.75, also the top).
    expect(doc.paper_table).toHaveLength(14);
    expect(doc.sweep.values).toHaveLength(4);
    expect(readFileSync(join(dir, 'out', 'report.html'), 'utf8')).toBe(renderReport(text, 'comparison.json'));
  });

  it('counts kv_transfers over the same window as conversations: conserve moves KV exactly once per conversation', async () => {
    await ran;
    const doc = JSON.parse(readFileSync(join(dir, 'out', 'comparison.json'), 'utf8'));
    const policy = (name: string) => doc.policies.find((p: { policy: string }) => p.policy === name);
    const conserve = policy('conserve');
    // A 60 s warm-up at 0.75 conv/s leaves ~45 conversations out of both counts (it used to count their transfers:
    // 1.10 transfers per conversation in the paper scenario).
    expect(conserve.warmup_s).toBe(60);
    expect(conserve.conversations).toBeGreaterThan(50);
    expect(conserve.kv_transfers).toBe(conserve.conversations);
    // Full disagg re-transfers every turn (5 turns per conversation at most).
    const disagg = policy('per-turn-disagg');
    expect(disagg.kv_transfers).toBeGreaterThan(disagg.conversations);
    expect(disagg.kv_transfers).toBeLessThanOrEqual(5 * disagg.conversations);
  });

  it('shows the structure the paper shows: full disagg far behind, per-turn-predict at 0% is conserve, 50% is worse', async () => {
    await ran;
    const rows: PaperRow[] = JSON.parse(readFileSync(join(dir, 'out', 'comparison.json'), 'utf8')).paper_table;
    const at = (policy: string, rate: number, watts: number, mispredict: number | null) => rows.find((r) => r.policy === policy && r.rate_per_s === rate && r.decoder_w === watts && r.misprediction_rate === mispredict)!;
    const conserve = at('conserve', 0.75, 300, null);
    // Re-prefilling the whole ~16K-token history every turn overloads the single prefiller.
    expect(at('per-turn-disagg', 0.75, 300, null).ttfet_norm_p95).toBeGreaterThan(10 * conserve.ttfet_norm_p95);
    expect(at('per-turn-disagg', 0.75, 300, null).tokens_per_j).toBeLessThan(0.6 * conserve.tokens_per_j);
    // With no misprediction, per-turn-predict pins every turn to the decoder: the same decisions as conserve.
    const zero = at('per-turn-predict', 0.75, 300, 0);
    expect(zero.ttfet_norm_p95).toBe(conserve.ttfet_norm_p95);
    expect(zero.tokens_per_j).toBe(conserve.tokens_per_j);
    expect(at('per-turn-predict', 0.75, 300, 0.5).ttfet_norm_geomean).toBeGreaterThan(conserve.ttfet_norm_geomean);
    for (const r of rows) {
      expect(r.ttfet_norm_geomean).toBeLessThanOrEqual(r.ttfet_norm_p95 * 1.01);
      expect(r.e2e_norm_p95).toBeGreaterThan(0);
    }
  });
}, 120_000);
