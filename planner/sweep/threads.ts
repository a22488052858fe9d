/**
 * Runs grid cells on worker threads (piscina), or in this thread when `threads` is 1. Results come back in cell
 * order whatever the thread timing, so the output does not depend on how many threads ran it.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { Cell } from './grid.js';
import { runCell, type CellResult, type ScenarioBase } from './scenario.js';

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

/** Plans every cell, `threads` at a time (1: in this thread, no workers). */
export async function runCells(base: ScenarioBase, cells: readonly Cell[], threads: number, onDone?: (done: number, total: number) => void, signal?: AbortSignal): Promise<CellResult[]> {
  let done = 0;
  const tick = <T>(r: T): T => {
    onDone?.(++done, cells.length);
    return r;
  };
  if (threads <= 1) {
    const out: CellResult[] = [];
    for (const cell of cells) {
      // In-process cells cannot be stopped mid-way; a stop request is seen between them.
      if (signal?.aborted) throw Object.assign(new Error('interrupted'), { name: 'AbortError' });
      out.push(tick(await runCell(base, cell)));
    }
    return out;
  }
  const { filename, execArgv } = workerEntry();
  const pool = new Piscina({ filename, execArgv, minThreads: 1, maxThreads: Math.min(threads, cells.length) });
  try {
    // Piscina rejects with an AbortError and ends the worker when `signal` aborts (Ctrl-C).
    return await Promise.all(cells.map((cell) => pool.run({ base, cell }, signal ? { signal } : {}).then((r: CellResult) => tick(r))));
  } finally {
    await pool.destroy();
  }
}
