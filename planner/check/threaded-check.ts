/**
 * Kernel checks on worker threads (piscina). A plan holds only at every check seed (robust-check.ts), so a fleet that
 * holds costs one kernel run per seed; runs of different seeds are independent, and on worker threads they run side
 * by side (the robust checker starts the next seed while the current one runs). The kernel is pure and each result
 * is the same on any thread, and the robust checker reads the results in seed order, so the plan does not depend on
 * how many threads ran it or which finished first.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { Fleet } from '../../catalogs/types.js';
import type { CheckSpec, CheckTask } from './check-worker.js';
import type { KernelCheckOutcome } from './kernel-check.js';
import type { CheckOptions } from './check-result.js';

export interface ThreadedCheckAt {
  /** One kernel check of `fleet` at `seed`, on a worker thread (stopped at a certain miss when `check` allows). */
  readonly checkAt: (fleet: Fleet, seed: number, check?: CheckOptions) => Promise<KernelCheckOutcome>;
  /** Ends the worker threads (call once the plan is done). */
  readonly close: () => Promise<void>;
}

/** The worker file next to this module: .js when built, .ts under tsx/vitest (then loaded through tsx). */
function workerEntry(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const loader = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { filename: new URL('./check-worker.ts', here).href, execArgv: ['--import', loader] };
  }
  return { filename: new URL('./check-worker.js', here).href, execArgv: [] };
}

/** A pool of `threads` workers running kernel checks for one plan's spec; a started run stops when `signal` aborts. */
export function createThreadedCheckAt(spec: CheckSpec, threads: number, signal?: AbortSignal): ThreadedCheckAt {
  const { filename, execArgv } = workerEntry();
  let pool: Piscina | undefined;
  const checkAt = (fleet: Fleet, seed: number, check: CheckOptions = {}): Promise<KernelCheckOutcome> => {
    // Only the specs this fleet uses cross to the worker.
    const gpuIds = new Set(fleet.instances.map((i) => i.gpu));
    const llmIds = new Set(fleet.instances.map((i) => i.llm));
    const task: CheckTask = { spec: { ...spec, gpus: spec.gpus.filter((g) => gpuIds.has(g.id)), llms: spec.llms.filter((l) => llmIds.has(l.id)) }, fleet, seed, ...(check.mayStopAtMiss ? { mayStopAtMiss: true } : {}) };
    pool ??= new Piscina({ filename, execArgv, minThreads: 1, maxThreads: Math.max(1, threads), idleTimeout: 60_000 });
    const signals = [signal, check.signal].filter((x): x is AbortSignal => x !== undefined);
    return pool.run(task, signals.length > 0 ? { signal: signals.length === 1 ? signals[0] : AbortSignal.any(signals) } : {}) as Promise<KernelCheckOutcome>;
  };
  return { checkAt, close: async () => void (await pool?.destroy()) };
}
