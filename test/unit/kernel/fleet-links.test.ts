/**
 * A fleet file without `links` loads with the schema's documented defaults (the GPUs' inter-node share, as `plan`
 * assumes), a file naming one direction keeps it, and a fleet the policy cannot run is refused naming the file and
 * the field (issue 13's small defects).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, loadCatalog, loadFleetFile } from '../../../catalogs/index.js';
import type { CommandContext } from '../../../planner/cli/context.js';
import { runSimulate } from '../../../planner/cli/commands/simulate.js';

const NO_LINKS = `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 2, role: decode, count: 2 }
`;
const ONE_LINK = `${NO_LINKS}links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 1.0e9, latency_s: 0.001 }
`;
const NO_PREFILL = `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: decode, count: 2 }
`;

const dir = mkdtempSync(join(tmpdir(), 'fleetplan-links-'));
writeFileSync(join(dir, 'no-links.yaml'), NO_LINKS);
writeFileSync(join(dir, 'one-link.yaml'), ONE_LINK);
writeFileSync(join(dir, 'no-prefill.yaml'), NO_PREFILL);
const catalog = loadCatalog();
const a40 = catalog.gpus.get('a40')!.interNodeBandwidthBytesPerSecond;

function context() {
  const out: string[] = [];
  const ctx: CommandContext = { stdout: (t) => void out.push(t), stderr: () => undefined, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd: dir, env: {}, signal: new AbortController().signal };
  return { ctx, out };
}

describe('fleet links', () => {
  it('a fleet without links gets both directions from the prefill GPUs\' inter-node share, 10 µs', () => {
    const fleet = loadFleetFile(join(dir, 'no-links.yaml'), catalog);
    expect(a40).toBeGreaterThan(0);
    expect(fleet.links).toEqual([
      { from: 'prefill', to: 'decode', bandwidthBytesPerSecond: a40, latencySeconds: 10e-6 },
      { from: 'decode', to: 'prefill', bandwidthBytesPerSecond: a40, latencySeconds: 10e-6 },
    ]);
  });

  it('a link the file names is kept; only the missing direction is added', () => {
    const fleet = loadFleetFile(join(dir, 'one-link.yaml'), catalog);
    expect(fleet.links).toEqual([
      { from: 'prefill', to: 'decode', bandwidthBytesPerSecond: 1e9, latencySeconds: 0.001 },
      { from: 'decode', to: 'prefill', bandwidthBytesPerSecond: a40, latencySeconds: 10e-6 },
    ]);
  });

  it('simulate runs a fleet without links under conserve and moves KV over the default link', async () => {
    const c = context();
    expect(await runSimulate({ fleet: 'no-links.yaml', mix: 'swe-agent-paper', ratePerS: 0.5, durationS: 60, seed: 2, json: true }, c.ctx)).toBe(0);
    const doc = JSON.parse(c.out[0]);
    expect(doc.kv_transfers).toBeGreaterThan(0);
    expect(doc.kv_transfers).toBe(doc.conversations);
  });

  it('a fleet the policy cannot run is refused naming the file, the line and the field', async () => {
    const c = context();
    const error = await runSimulate({ fleet: 'no-prefill.yaml', mix: 'swe-agent-paper', ratePerS: 0.5, durationS: 60, json: true }, c.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    const issue = (error as InputError).issues[0];
    expect(issue).toMatchObject({ file: 'no-prefill.yaml', path: 'instances' });
    expect(issue.line).toBeGreaterThan(0);
    expect(issue.message).toContain('prefill');
  });
});
