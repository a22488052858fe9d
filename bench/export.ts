/**
 * Export benchmark (`npx tsx bench/export.ts`): the README plan (examples/plans/coding-agent-h100-h200.plan.yaml,
 * as `fleetplan plan --mix coding-agent --llm llama-3.1-70b --gpus h100-sxm,h200,l40s --slo standard` wrote it) exported
 * to each target through the CLI in-process — catalog load, plan validation, sha256, manifests, YAML, atomic write —
 * and the pure core alone. Medians of 7 runs after one warm-up (the first run in a process also pays module loading;
 * `cold_ms` reports it under tsx).
 *
 * Target (issue 15): `export` of the README plan ≤ 1 s as a fresh process. `process_ms` is what a user waits for:
 * `node dist/planner/cli/bin.js …` as a fresh process, wall clock, median of 7, for the export and for the start-up
 * of other commands (`--version`, `catalog gpus`, `predict`, and `validate` of a plan naming an unknown GPU, which
 * exits 2 after loading the catalog and the plan). Needs `npm run build` (`npm run bench` builds). The machine is
 * shared: `load_average_1m` says how busy it was.
 *
 * `--root DIR` times another build's dist/ (e.g. an older commit built in DIR, for a before/after) and skips the
 * in-process timings. Prints one JSON document.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadBuiltinCatalog, loadPlanFile } from '../catalogs/index.js';
import { main } from '../planner/cli/main.js';
import { exportPlan, renderManifestFile } from '../planner/export/index.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const rootFlag = process.argv.indexOf('--root');
const distRoot = rootFlag >= 0 ? resolve(process.argv[rootFlag + 1] ?? '.') : root;
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

const out: Record<string, unknown> = { plan, dist: join(distRoot, 'dist') };
if (distRoot === root) {
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
}

/** A plan naming a GPU the catalog does not have: `validate` loads everything, then exits 2 before simulating. */
const badPlan = join(scratch, 'unknown-gpu.plan.yaml');
writeFileSync(badPlan, 'kind: plan\nformat_version: 1\nmix: coding-agent\nslo: standard\nllm: llama-3.1-70b\ninstances:\n  - {gpu: h100-sxn, tp: 4, role: colocated, count: 1}\n');
const bin = join(distRoot, 'dist', 'planner', 'cli', 'bin.js');
if (existsSync(bin)) {
  const commands: Record<string, { argv: (i: number) => string[]; code: number }> = {
    export_kubernetes: { argv: (i) => ['export', plan, '--to', 'kubernetes', '--out', join(scratch, `process-${i}`)], code: 0 },
    version: { argv: () => ['--version'], code: 0 },
    catalog_gpus: { argv: () => ['catalog', 'gpus'], code: 0 },
    predict: { argv: () => ['predict', '--gpu', 'h100-sxm', '--llm', 'llama-3.1-70b', '--tp', '4', '--batch', '32', '--input-tokens', '4096', '--output-tokens', '256'], code: 0 },
    validate_bad_input: { argv: () => ['validate', badPlan], code: 2 },
  };
  const processMs: Record<string, number> = {};
  out.load_average_1m = Math.round(loadavg()[0]! * 10) / 10;
  for (const [name, { argv, code }] of Object.entries(commands)) {
    const wall: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      const run = spawnSync(process.execPath, [bin, ...argv(i)], { cwd: root });
      if (run.status !== code) throw new Error(`node ${bin} ${argv(i).join(' ')} exited ${run.status}, expected ${code}: ${run.stderr}`);
      wall.push(performance.now() - t0);
    }
    processMs[name] = Math.round(median(wall));
  }
  out.process_ms = processMs;
  out.load_average_1m_after = Math.round(loadavg()[0]! * 10) / 10;
}
rmSync(scratch, { recursive: true, force: true });
console.log(JSON.stringify(out, null, 1));
