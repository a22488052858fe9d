/**
 * Runs grid cells on worker threads (piscina), or in this thread when `threads` is 1. Results come back in cell
 * order whatever the thread timing, so the output does not depend on how many threads ran it.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { Cell } from './grid.js';
import { harderNeighbours, planningWaves } from './neighbours.js';
import { runCellOutcome, type CellOutcome, type CellResult, type MakeChecker, type ScenarioBase } from './scenario.js';

/** The worker file next to this module: .js when built, .ts under tsx/vitest (then loaded through tsx). */
function workerEntry(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // tsx's loader, resolved from this package (a bare `--import tsx` would resolve from the user's directory).
    const loader = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { filename: new URL('./worker.ts', here).href, execArgv: ['--import', loader] };
  }
  return { filename: new URL('./worker.js', here).href, execArgv: [] };
}

/**
 * Plans `cells`, `threads` at a time (1: in this thread, no workers), hardest first in waves (neighbours.ts): each
 * cell's loop is offered its harder neighbours' plans, so easier cells never get dearer answers. `grid` is every
 * cell of the grid (a shard passes the whole grid so its cells see the same neighbours as in the unsharded run;
 * cells it depends on outside the shard are planned too, not returned). Results come back in the order of `cells`.
 */
/**
 * How cells planned in this thread (`threads` 1) stay stoppable: `yieldNow` turns the caller's event loop between
 * cells (otherwise a SIGINT handler never runs while cells plan back to back) and `makeChecker` builds a kernel
 * check that yields and stops mid-run (cli/interruptible.ts). Results are the same with or without it.
 */
export interface InProcessOptions {
  readonly yieldNow: () => Promise<void>;
  readonly makeChecker?: MakeChecker;
}

export async function runCells(base: ScenarioBase, cells: readonly Cell[], threads: number, onDone?: (done: number, total: number) => void, signal?: AbortSignal, grid: readonly Cell[] = cells, inProcess?: InProcessOptions): Promise<CellResult[]> {
  const waves = planningWaves(cells, grid);
  const total = waves.reduce((n, w) => n + w.length, 0);
  let done = 0;
  const tick = <T>(r: T): T => {
    onDone?.(++done, total);
    return r;
  };
  const outcomes = new Map<number, CellOutcome>();
  const taskOf = (cell: Cell) => ({ base, cell, neighbours: harderNeighbours(cell, grid).flatMap((n) => (outcomes.get(n.index)?.plan ? [outcomes.get(n.index)!.plan!] : [])) });
  if (threads <= 1) {
    for (const wave of waves) {
      for (const cell of wave) {
        // A stop request is seen between cells (the event loop turned first) and, with a stoppable checker, inside
        // a cell's kernel checks; the LP solves themselves run to the end.
        await inProcess?.yieldNow();
        if (signal?.aborted) throw Object.assign(new Error('interrupted'), { name: 'AbortError' });
        const t = taskOf(cell);
        outcomes.set(cell.index, tick(await runCellOutcome(t.base, t.cell, t.neighbours, inProcess?.makeChecker)));
      }
    }
  } else {
    const { filename, execArgv } = workerEntry();
    const widest = Math.max(...waves.map((w) => w.length));
    const pool = new Piscina({ filename, execArgv, minThreads: 1, maxThreads: Math.min(threads, widest) });
    try {
      for (const wave of waves) {
        // Piscina rejects with an AbortError and ends the worker when `signal` aborts (Ctrl-C).
        const got = await Promise.all(wave.map((cell) => pool.run(taskOf(cell), signal ? { signal } : {}).then((r: CellOutcome) => tick(r))));
        wave.forEach((cell, i) => outcomes.set(cell.index, got[i]));
      }
    } finally {
      await pool.destroy();
    }
  }
  return cells.map((c) => outcomes.get(c.index)!.result);
}
