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
import { DROPPED, type CheckSpec, type CheckTask } from './check-worker.js';
import type { KernelCheckOutcome } from './kernel-check.js';
import type { CheckOptions } from './check-result.js';

export interface ThreadedCheckAt {
  /** One kernel check of `fleet` at `seed`, on a worker thread (stopped at a certain miss when `check` allows). */
  readonly checkAt: (fleet: Fleet, seed: number, check?: CheckOptions) => Promise<KernelCheckOutcome>;
  /** Ends the worker threads (call once the plan is done). */
  readonly close: () => Promise<void>;
  /** Worker threads started so far (a dropped run keeps its thread: tests read this). */
  readonly workersStarted: () => number;
}

/** The rejection of a dropped run (as an aborted piscina task's). */
function dropError(): Error {
  return Object.assign(new Error('the check run was dropped'), { name: 'AbortError' });
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
  let started = 0;
  const inFlight = new Set<{ readonly dropFlag: Int32Array; readonly settled: Promise<void> }>();
  const checkAt = (fleet: Fleet, seed: number, check: CheckOptions = {}): Promise<KernelCheckOutcome> => {
    // Only the specs this fleet uses cross to the worker.
    const gpuIds = new Set(fleet.instances.map((i) => i.gpu));
    const llmIds = new Set(fleet.instances.map((i) => i.llm));
    // A dropped speculation (check.signal) stops cooperatively, through a flag the worker reads between slices of the
    // run: its thread stays up, warm, for the next task. An interrupt (`signal`) aborts the piscina task outright.
    const dropFlag = new Int32Array(new SharedArrayBuffer(4));
    if (check.signal?.aborted) return Promise.reject(dropError());
    const task: CheckTask = { spec: { ...spec, gpus: spec.gpus.filter((g) => gpuIds.has(g.id)), llms: spec.llms.filter((l) => llmIds.has(l.id)) }, fleet, seed, ...(check.mayStopAtMiss ? { mayStopAtMiss: true } : {}), dropFlag };
    if (!pool) {
      pool = new Piscina({ filename, execArgv, minThreads: 1, maxThreads: Math.max(1, threads), idleTimeout: 60_000 });
      pool.on('workerCreate', () => void started++);
    }
    check.signal?.addEventListener('abort', () => Atomics.store(dropFlag, 0, 1), { once: true });
    const run = pool.run(task, signal ? { signal } : {}) as Promise<KernelCheckOutcome | typeof DROPPED>;
    const entry = { dropFlag, settled: run.then(() => {}, () => {}) };
    inFlight.add(entry);
    void entry.settled.then(() => inFlight.delete(entry));
    return run.then((out) => (out === DROPPED ? Promise.reject(dropError()) : out));
  };
  // Runs still going when the plan is done (a screened candidate nobody needed) are dropped, and their answers awaited
  // before the threads end: a worker's reply arriving after piscina has torn its thread down is an unhandled error.
  const close = async () => {
    for (const { dropFlag } of inFlight) Atomics.store(dropFlag, 0, 1);
    await Promise.all([...inFlight].map((e) => e.settled));
    await pool?.destroy();
  };
  return { checkAt, close, workersStarted: () => started };
}
