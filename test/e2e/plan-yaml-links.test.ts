/**
 * The KV link plan.yaml records is the one the kernel check ran (check/loop.ts fleetOptionsFor → check/fleet.ts
 * planToFleet), which prices an instance's link as all its max(tp, ep) GPUs' inter-node shares: a DeepSeek-V3
 * tp 8 × ep 16 prefiller on HGX H100 has 16 × 50 GB/s. Reading plan.yaml back (validate, simulate) gives that link.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadBuiltinCatalog, loadFleetFile } from '../../catalogs/index.js';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

describe('plan.yaml links on a multi-node MoE plan', () => {
  it('record each prefill instance\'s max(tp, ep) GPUs of link, and load back as the same link', async () => {
    const out = join(scratchDir(), 'plan');
    const run = await runCli(['plan', '--mix', 'coding-agent', '--llm', 'deepseek-v3', '--gpus', 'h100-sxm', '--ep', '16', '--precisions', 'fp8', '--check-seeds', '1', '--out', out]);
    expect(run.code).toBe(0);
    const doc = parse(readFileSync(join(out, 'plan.yaml'), 'utf8')) as { instances: Array<{ tp: number; ep?: number; role: string }>; links: Array<{ from: string; to: string; bandwidth_bytes_per_s: number }> };
    const prefillGpus = Math.min(...doc.instances.filter((i) => i.role === 'prefill').map((i) => Math.max(i.tp, i.ep ?? 1)));
    expect(prefillGpus).toBe(16);
    expect(doc.links.map((l) => l.bandwidth_bytes_per_s)).toEqual([16 * 50e9, 16 * 50e9]);
    const fleet = loadFleetFile(join(out, 'plan.yaml'), loadBuiltinCatalog());
    expect(fleet.links.map((l) => l.bandwidthBytesPerSecond)).toEqual([16 * 50e9, 16 * 50e9]);
  }, 120_000);
});
