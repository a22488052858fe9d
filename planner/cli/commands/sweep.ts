/**
 * `fleetplan sweep GRID [--shard i/n] [--threads N] [--out FILE] [--json]`: a rate × SLO × price scenario grid
 * (planner/sweep/grid.ts documents the file), each cell planned — and checked in the kernel when the grid says
 * so — on worker threads. With `--shard i/n` it runs only that shard's cells and writes a shard document for
 * `fleetplan merge`; without, it writes the merged result (a plan result with a `sweep` block, as reports read).
 * Exit 0 when every cell has a plan (and, when checked, every plan holds), 1 otherwise, 2 on bad input.
 */
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { checkLimit, inputError, loadCatalog, parseStructuredText, readTextFile, resolveMix, resolveSloSet, suggestId } from '../../../catalogs/index.js';
import { enumerateCells, parseGridSpec, parseShard, selectShard, type GridSpec } from '../../sweep/grid.js';
import { mergeShards, toShardDocument } from '../../sweep/merge.js';
import type { ScenarioBase } from '../../sweep/scenario.js';
import { runCells } from '../../sweep/threads.js';
import { EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';
import { writeFileAtomic } from '../write-atomic.js';
import { prepareOutputFile } from '../output-set.js';
import { referenceRoots, referencedFrom } from '../input-roots.js';
import { checkMixConversations } from '../work-bounds.js';
import { createInterruptibleChecker, throwIfInterrupted, yieldToEventLoop } from '../interruptible.js';

export interface SweepArgs {
  readonly grid: string;
  readonly shard?: string;
  readonly threads?: number;
  readonly out?: string;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
}

function baseFor(spec: GridSpec, lines: { mix?: number; slo?: number }, gridPath: string, args: SweepArgs, ctx: CommandContext): ScenarioBase {
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => resolve(ctx.cwd, f)) });
  const gridDir = dirname(gridPath);
  const roots = referenceRoots(ctx, [args.grid, ...(args.catalogFiles ?? [])]);
  const mix = resolveMix(spec.mix, catalog, { cwd: gridDir, flag: 'mix', from: referencedFrom(args.grid, 'mix', lines.mix, roots) });
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
    slo: resolveSloSet(spec.slo, catalog, { cwd: gridDir, flag: 'slo', from: referencedFrom(args.grid, 'slo', lines.slo, roots) }),
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
  const inputs = [gridPath, ...(args.catalogFiles ?? []).map((f) => resolve(ctx.cwd, f))];
  const outPath = args.out !== undefined ? prepareOutputFile(args.out, { cwd: ctx.cwd, inputs, flag: '--out' }) : undefined;
  const text = readTextFile(gridPath, { displayName: args.grid });
  const parsed = parseStructuredText(text, args.grid);
  const spec = parseGridSpec(parsed.value, args.grid);
  const lines = { mix: parsed.lineOf(['mix']), slo: parsed.lineOf(['slo']) };
  const shard = args.shard !== undefined ? parseShard(args.shard) : { index: 1, count: 1 };
  // Counted before the cells are listed: a 3,000 × 3,000 grid is 9 million planning problems.
  checkLimit('sweep-cells', spec.x.values.length * spec.y.values.length, { file: args.grid, path: 'x.values × y.values', describe: (v) => `${spec.x.values.length} × ${spec.y.values.length} = ${v.toLocaleString('en-US')} cells` });
  const base = baseFor(spec, lines, gridPath, args, ctx);
  const grid = enumerateCells(spec);
  const cells = selectShard(grid, shard);
  {
    // Checked or not, a rate no real traffic reaches (rate_scale 1e9) is refused: unchecked, it plans a fleet of
    // millions of instances that means nothing.
    const maxRate = cells.reduce((m, c) => Math.max(m, c.scales.rate_scale), 1);
    checkMixConversations({ ...base.mix, classes: base.mix.classes.map((c) => ({ ...c, arrivalRatePerSecond: c.arrivalRatePerSecond * maxRate })) }, spec.durationS, `${args.grid}: the largest rate_scale × mix rates × duration_s`);
  }
  // Worker threads by default even for one cell: Ctrl-C ends a worker mid-cell (--threads 1 stops inside kernel checks and between cells, not inside an LP solve).
  const threads = args.threads ?? Math.max(2, Math.min(availableParallelism(), cells.length));
  const progress = ctx.stderrIsTTY ? (done: number, total: number) => ctx.stderr(`\rcells ${done}/${total}`) : undefined;
  // The whole grid: each cell is offered its harder neighbours' plans, also across shards (sweep/neighbours.ts).
  const results = await runCells(base, cells, threads, progress, ctx.signal, grid, { yieldNow: yieldToEventLoop, makeChecker: (options) => createInterruptibleChecker(options, ctx) });
  throwIfInterrupted(ctx);
  if (progress) ctx.stderr('\n');
  const shardDoc = toShardDocument(spec, shard, results);
  const document = args.shard !== undefined ? shardDoc : mergeShards([{ file: args.grid, doc: shardDoc }]);
  const body = `${JSON.stringify(document, null, 2)}\n`;
  if (outPath !== undefined) writeFileAtomic(outPath, body, { inputs, shown: args.out });
  if (args.json) ctx.stdout(body);
  else {
    const rows = results.map((r) => [String(r.index), ...Object.values(r.scales).map(String), r.ok ? Math.round(r.tco_usd!).toLocaleString('en-US') : '—', r.ok ? r.j_per_output_token!.toFixed(3) : '—', r.ok ? String(r.gpus) : '—', r.holds === null ? (r.ok ? 'unchecked' : 'no plan') : r.holds ? 'holds' : 'misses']);
    ctx.stdout(renderTable(['cell', 'rate ×', 'SLO ×', 'price ×', 'TCO USD', 'J/token', 'GPUs', 'check'], rows, { terminal: ctx.stdoutIsTTY }));
    if (args.out !== undefined) ctx.stdout(`${args.shard !== undefined ? `Shard ${shard.index}/${shard.count}` : 'Sweep'}: ${args.out}${args.shard !== undefined ? ' — next: fleetplan merge <every shard file> --out sweep.json, then fleetplan report sweep.json' : ` — next: fleetplan report ${args.out}`}\n`);
  }
  const ok = results.every((r) => r.ok && r.holds !== false);
  return ok ? EXIT_OK : EXIT_FAILS;
}
