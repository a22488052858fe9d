/**
 * `fleetplan sweep GRID [--shard i/n] [--threads N] [--out FILE] [--json]`: a rate × SLO × price scenario grid
 * (planner/sweep/grid.ts documents the file), each cell planned — and checked in the kernel when the grid says
 * so — on worker threads. With `--shard i/n` it runs only that shard's cells and writes a shard document for
 * `fleetplan merge`; without, it writes the merged result (a plan result with a `sweep` block, as reports read).
 * Exit 0 when every cell has a plan (and, when checked, every plan holds), 1 otherwise, 2 on bad input.
 */
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { inputError, loadCatalog, readTextFile, resolveMix, resolveSloSet, suggestId } from '../../../catalogs/index.js';
import { enumerateCells, parseGridSpec, parseShard, selectShard, type GridSpec } from '../../sweep/grid.js';
import { mergeShards, toShardDocument } from '../../sweep/merge.js';
import type { ScenarioBase } from '../../sweep/scenario.js';
import { runCells } from '../../sweep/threads.js';
import { EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';
import { writeFileAtomic } from '../write-atomic.js';

export interface SweepArgs {
  readonly grid: string;
  readonly shard?: string;
  readonly threads?: number;
  readonly out?: string;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
}

function baseFor(spec: GridSpec, gridPath: string, args: SweepArgs, cwd: string): ScenarioBase {
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => resolve(cwd, f)) });
  const gridDir = dirname(gridPath);
  const mix = resolveMix(spec.mix, catalog, { cwd: gridDir, flag: 'mix' });
  const llmId = spec.llm ?? mix.llm;
  const llm = llmId === undefined ? undefined : catalog.llms.get(llmId);
  if (!llm) throw inputError('unknown_reference', gridPath, 'llm', `found ${JSON.stringify(llmId)}, expected an LLM id${llmId ? suggestId(llmId, catalog.llms.keys()) : ''}`);
  const gpus = (spec.gpus ?? [...catalog.gpus.keys()]).map((id, i) => {
    const gpu = catalog.gpus.get(id);
    if (!gpu) throw inputError('unknown_reference', gridPath, `gpus.${i}`, `found "${id}", expected a GPU type id${suggestId(id, catalog.gpus.keys())}`);
    return gpu;
  });
  return {
    mix,
    slo: resolveSloSet(spec.slo, catalog, { cwd: gridDir, flag: 'slo' }),
    datacenter: catalog.datacenters.get('default')!,
    gpus,
    llm,
    ...(spec.precisions !== undefined ? { precisions: spec.precisions } : {}),
    objective: spec.objective,
    metric: spec.metric,
    check: spec.check,
    durationS: spec.durationS,
    seed: spec.seed,
  };
}

/** `fleetplan sweep`. */
export async function runSweep(args: SweepArgs, ctx: CommandContext): Promise<number> {
  const gridPath = resolve(ctx.cwd, args.grid);
  const text = readTextFile(gridPath, { displayName: args.grid });
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw inputError('invalid_value', args.grid, '', `found invalid YAML (${(error as Error).message.split('\n')[0]}), expected a sweep grid`);
  }
  const spec = parseGridSpec(doc, args.grid);
  const shard = args.shard !== undefined ? parseShard(args.shard) : { index: 1, count: 1 };
  const base = baseFor(spec, gridPath, args, ctx.cwd);
  const cells = selectShard(enumerateCells(spec), shard);
  const threads = args.threads ?? Math.max(1, Math.min(availableParallelism(), cells.length));
  const progress = ctx.stderrIsTTY ? (done: number, total: number) => ctx.stderr(`\rcells ${done}/${total}`) : undefined;
  const results = await runCells(base, cells, threads, progress);
  if (progress) ctx.stderr('\n');
  const shardDoc = toShardDocument(spec, shard, results);
  const document = args.shard !== undefined ? shardDoc : mergeShards([{ file: args.grid, doc: shardDoc }]);
  const body = `${JSON.stringify(document, null, 2)}\n`;
  if (args.out !== undefined) writeFileAtomic(resolve(ctx.cwd, args.out), body, { inputs: [gridPath] });
  if (args.json) ctx.stdout(body);
  else {
    const rows = results.map((r) => [String(r.index), ...Object.values(r.scales).map(String), r.ok ? Math.round(r.tco_usd!).toLocaleString('en-US') : '—', r.ok ? r.j_per_output_token!.toFixed(3) : '—', r.ok ? String(r.gpus) : '—', r.holds === null ? (r.ok ? 'unchecked' : 'no plan') : r.holds ? 'holds' : 'misses']);
    ctx.stdout(renderTable(['cell', 'rate ×', 'SLO ×', 'price ×', 'TCO USD', 'J/token', 'GPUs', 'check'], rows, { terminal: ctx.stdoutIsTTY }));
    if (args.out !== undefined) ctx.stdout(`${args.shard !== undefined ? `Shard ${shard.index}/${shard.count}` : 'Sweep'}: ${args.out}${args.shard !== undefined ? ' — next: fleetplan merge <every shard file> --out sweep.json, then fleetplan report sweep.json' : ` — next: fleetplan report ${args.out}`}\n`);
  }
  const ok = results.every((r) => r.ok && r.holds !== false);
  return ok ? EXIT_OK : EXIT_FAILS;
}
