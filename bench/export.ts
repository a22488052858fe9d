/**
 * Export benchmark (`npx tsx bench/export.ts`): the README plan (examples/plans/coding-agent-h100-h200.plan.yaml,
 * as `fleetplan plan --mix coding-agent --llm llama-3.1-70b --gpus h100-sxm,h200,l40s --slo standard` wrote it) exported
 * to each target through the CLI in-process — catalog load, plan validation, sha256, manifests, YAML, atomic write —
 * and the pure core alone. Target: `export` of the README plan ≤ 1 s. Medians of 7 runs after one warm-up (the first
 * run in a process also pays module loading; `cold_ms` reports it under tsx). `process_kubernetes_ms` is what a user
 * waits for: `node dist/planner/cli/bin.js export … --to kubernetes` as a fresh process, wall clock, median of 5 (needs
 * `npm run build`; `npm run bench` builds). Prints one JSON document.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBuiltinCatalog, loadPlanFile } from '../catalogs/index.js';
import { main } from '../planner/cli/main.js';
import { exportPlan, renderManifestFile } from '../planner/export/index.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const plan = 'examples/plans/coding-agent-h100-h200.plan.yaml';
const scratch = mkdtempSync(join(tmpdir(), 'fleetplan-bench-export-'));
const ctx = { stdout: () => {}, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd: root, env: {}, signal: new AbortController().signal };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function cliMs(target: string, i: number): Promise<number> {
  const t0 = performance.now();
  const code = await main(['export', plan, '--to', target, '--out', join(scratch, `${target}-${i}`)], ctx);
  if (code !== 0) throw new Error(`export --to ${target} exited ${code}`);
  return performance.now() - t0;
}

const out: Record<string, unknown> = { plan };
out.cold_ms = Math.round(await cliMs('kubernetes', -1));
for (const target of ['kubernetes', 'llm-d', 'dynamo']) {
  const runs: number[] = [];
  for (let i = 0; i < 7; i++) runs.push(await cliMs(target, i));
  out[`cli_${target}_ms`] = Math.round(median(runs) * 10) / 10;
}
const catalog = loadBuiltinCatalog();
const loaded = loadPlanFile(join(root, plan), catalog);
const core: number[] = [];
for (let i = 0; i < 7; i++) {
  const t0 = performance.now();
  const result = exportPlan({ pools: loaded.fleet.instances, gpus: catalog.gpus, llms: catalog.llms, identity: { planSha256: 'sha256:0', planFile: plan, fleetplanVersion: '0' }, name: 'bench' }, 'kubernetes');
  for (const f of result.files) renderManifestFile(f, []);
  core.push(performance.now() - t0);
}
out.core_kubernetes_ms = Math.round(median(core) * 100) / 100;
const bin = join(root, 'dist', 'planner', 'cli', 'bin.js');
if (existsSync(bin)) {
  const wall: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [bin, 'export', plan, '--to', 'kubernetes', '--out', join(scratch, `process-${i}`)], { cwd: root });
    if (run.status !== 0) throw new Error(`node dist export exited ${run.status}: ${run.stderr}`);
    wall.push(performance.now() - t0);
  }
  out.process_kubernetes_ms = Math.round(median(wall));
}
rmSync(scratch, { recursive: true, force: true });
console.log(JSON.stringify(out, null, 1));
