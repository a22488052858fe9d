/**
 * Per-prefill-pool KV links in fleet and plan files (`links[].from_pool`: a prefill pool's 0-based index in
 * `instances`). A file without links gets each prefill pool's own default link when the pools' links differ (one
 * role-level pair when they are equal, as before); a role-level link the file names serves every pool without its own;
 * a `from_pool` that names no prefill pool is refused in one line (exit 2); and the links `plan` writes to plan.yaml
 * load back as the links the kernel checked.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError, formatIssue, loadBuiltinCatalog, loadFleetFile, loadPlanFile } from '../../catalogs/index.js';
import { planToFleet } from '../../planner/check/fleet.js';
import { planFileLinks } from '../../planner/cli/commands/plan.js';
import type { Plan } from '../../planner/types.js';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

const dir = scratchDir('fleetplan-pool-links-');
const catalog = loadBuiltinCatalog();
const MIXED = `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: h100-sxm, tp: 2, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: 2 }
`;
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const refusal = (name: string, text: string): string[] => {
  try {
    loadFleetFile(write(name, text), catalog, { displayName: name });
  } catch (e) {
    if (e instanceof InputError) return e.issues.map(formatIssue);
    throw e;
  }
  return [];
};

describe('per-prefill-pool links in fleet files', () => {
  it('a fleet without links whose prefill pools differ gets each pool its own default link, both directions', () => {
    const fleet = loadFleetFile(write('mixed.yaml', MIXED), catalog);
    expect(fleet.links.map((l) => [l.from, l.to, l.bandwidthBytesPerSecond, l.fromPool])).toEqual([
      ['prefill', 'decode', 25e9, 0], ['prefill', 'decode', 100e9, 1], ['decode', 'prefill', 25e9, 0], ['decode', 'prefill', 100e9, 1],
    ]);
  });

  it('a role-level link the file names serves every prefill pool; no per-pool default is added', () => {
    const fleet = loadFleetFile(write('role.yaml', `${MIXED}links:\n  - { from: prefill, to: decode, bandwidth_bytes_per_s: 5.0e9, latency_s: 0.001 }\n`), catalog);
    expect(fleet.links.map((l) => [l.from, l.to, l.bandwidthBytesPerSecond, l.fromPool])).toEqual([
      ['prefill', 'decode', 5e9, undefined], ['decode', 'prefill', 25e9, 0], ['decode', 'prefill', 100e9, 1],
    ]);
  });

  it('a pool with its own link keeps it; the pool without one gets its default', () => {
    const fleet = loadFleetFile(write('one-pool.yaml', `${MIXED}links:\n  - { from: prefill, to: decode, bandwidth_bytes_per_s: 5.0e9, latency_s: 0.001, from_pool: 1 }\n`), catalog);
    expect(fleet.links.filter((l) => l.from === 'prefill').map((l) => [l.bandwidthBytesPerSecond, l.fromPool])).toEqual([[5e9, 1], [25e9, 0]]);
  });

  it('a from_pool naming no prefill pool, or on a link with no prefill end, is refused in one line each', () => {
    expect(refusal('bad.yaml', `${MIXED}links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 5.0e9, latency_s: 0.001, from_pool: 2 }
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 5.0e9, latency_s: 0.001, from_pool: 7 }
  - { from: decode, to: colocated, bandwidth_bytes_per_s: 5.0e9, latency_s: 0.001, from_pool: 0 }
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 5.0e9, latency_s: 0.001, from_pool: 1 }
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 6.0e9, latency_s: 0.001, from_pool: 1 }
`)).toMatchInlineSnapshot(`
      [
        "bad.yaml:8: links[0].from_pool: found 2 (instances[2] has role decode), expected the index of a prefill pool in instances (0, 1)",
        "bad.yaml:9: links[1].from_pool: found 7 (the fleet has 3 instances), expected the index of a prefill pool in instances (0, 1)",
        "bad.yaml:10: links[2].from_pool: found 0 on a link from decode to colocated, expected from_pool only on a link with prefill at one end",
        "bad.yaml:12: links[4].from_pool: found 1 again for prefill to decode (first at links[3]), expected one link per prefill pool and direction",
      ]
    `);
  });

  it('simulate refuses a bad from_pool with exit 2 and one line, nothing on stdout', async () => {
    write('no-prefill.yaml', 'kind: fleet\nllm: qwen3-0.6b\ninstances:\n  - { gpu: a40, tp: 1, role: colocated, count: 1 }\nlinks:\n  - { from: prefill, to: colocated, bandwidth_bytes_per_s: 5.0e9, latency_s: 0.001, from_pool: 0 }\n');
    const run = await runCli(['simulate', '--fleet', 'no-prefill.yaml', '--mix', 'coding-agent', '--duration-s', '5', '--json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('fleetplan: no-prefill.yaml:6: links[0].from_pool: found 0 (instances[0] has role colocated), expected no from_pool: the fleet has no prefill pool\n');
  });
});

describe('plan.yaml round trip', () => {
  const planned = (gpu: string, tp: number, role: 'prefill' | 'decode', count: number) => ({ gpu, llm: 'qwen3-0.6b', tp, role, count });
  const plan = { instances: [planned('a40', 1, 'prefill', 1), planned('h100-sxm', 2, 'prefill', 1), planned('a40', 1, 'decode', 2)] } as unknown as Plan;
  const fleet = planToFleet(plan, { interNodeBandwidthBytesPerSecond: { a40: 25e9, 'h100-sxm': 50e9 } });
  const doc = {
    kind: 'plan', format_version: 1, mix: 'swe-agent-paper', slo: 'standard', llm: 'qwen3-0.6b', seed: 1, duration_s: 30,
    instances: plan.instances.map((i) => ({ gpu: i.gpu, tp: i.tp, role: i.role, count: i.count })),
    links: planFileLinks(fleet.links),
    datacenter: 'default',
  };
  const file = write('plan.yaml', stringify(doc, { lineWidth: 0 }));

  it('writes from_pool and reads back the same links', () => {
    expect(doc.links.map((l) => l.from_pool)).toEqual([0, 1, 0, 1]);
    expect(loadPlanFile(file, catalog).fleet.links).toEqual(fleet.links);
  });

  it('simulate --plan and validate run it over its per-pool links', async () => {
    const sim = await runCli(['simulate', '--plan', 'plan.yaml', '--duration-s', '30', '--json'], { cwd: dir });
    expect(sim.stderr).toBe('');
    expect(sim.code).toBe(0);
    expect(JSON.parse(sim.stdout).kv_transfers).toBeGreaterThan(0);
    const validate = await runCli(['validate', 'plan.yaml', '--json'], { cwd: dir });
    expect([0, 1]).toContain(validate.code);
  }, 60_000);
});
