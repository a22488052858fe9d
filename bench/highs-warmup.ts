/**
 * An experiment of the whole-catalog bench (`npx tsx bench/planner.ts --whole --warmup`), not adopted by `plan`: warm
 * HiGHS up on the second core while the main thread derives demand. HiGHS is WebAssembly: V8 runs it first on baseline
 * (Liftoff) code and compiles hot functions with TurboFan as they run, and optimised code belongs to the compiled
 * `WebAssembly.Module`, shared by every thread that instantiates that one module. So the module is compiled once here,
 * the main thread's HiGHS is told to instantiate it (planner/milp/solvers/highs.ts, `useHighsModule`), and a worker
 * thread instantiates it too and plans the README command's request (`--mix coding-agent --llm llama-3.1-70b --slo
 * standard`, built-in catalogs) with HiGHS; the main thread's first catalog-wide MILP then starts on code the worker
 * has already optimised. The caller stops it before the first kernel check; the worker is unref'd.
 *
 * Why `plan` does not use it (2026-12-07, 3 alternating pairs of the bench without and with --warmup, load average 4–7
 * on 2 cores): the main thread's CPU time until the first kernel check fell by 0.52–0.69 s (8.57–9.38 s → 8.05–8.69 s),
 * and the process's CPU time rose by 3.2–8.1 s (the worker's demand derivation and solves). A cold whole-catalog MILP
 * costs the main thread only ~0.8 s more CPU than a second solve of it in the same process (4.6 s against 3.8 s: the
 * bench's first MILP solved alone in a fresh `node --no-concurrent-recompilation`, main-thread CPU from /proc); the
 * rest of its cold wall time is V8's background TurboFan compiles (3.8 s of CPU), which the warm-up moves onto the same
 * two cores rather than removes. And `plan` starts its catalog-wide MILP only once the single-GPU-type side has handed
 * its first fleet to the checker (cli/commands/plan.ts), by which time a warm-up that must not compete with kernel
 * checks has been stopped. About 2% of the bench's wall time for several seconds of CPU on a shared machine is not a
 * clear gain.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { useHighsModule } from '../planner/milp/solvers/highs.js';
import type { WarmupTask } from './highs-warmup-worker.js';

/** How a warm-up ended: its solve finished, it was stopped first, it failed, or it never started (HiGHS was already loaded in this thread). */
export type WarmupOutcome = 'done' | 'stopped' | 'failed' | 'skipped';

export interface HighsWarmup {
  /** Ends the warm-up if it is still running; resolves once its thread has ended. Safe to call more than once. */
  readonly stop: () => Promise<void>;
  /** Resolves when the warm-up has ended, however. */
  readonly ended: Promise<WarmupOutcome>;
}

/** Starts the warm-up (see the file comment); the caller must `stop()` it before its first kernel check. */
export function startHighsWarmup(): HighsWarmup {
  // Everything up to the worker's start is synchronous: `plan` derives demand next, without yielding to the event
  // loop for seconds, so an asynchronous compile (or a pool's handshake) would finish only when the warm-up is too late.
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(readFileSync(createRequire(import.meta.url).resolve('highs/runtime'))); // ~60 ms
  } catch {
    return { stop: async () => {}, ended: Promise.resolve('failed') }; // HiGHS then loads as without a warm-up
  }
  if (!useHighsModule(Promise.resolve(module))) return { stop: async () => {}, ended: Promise.resolve('skipped') };
  const worker = new Worker(warmupSource(), { eval: true, workerData: { module } satisfies WarmupTask });
  worker.unref(); // never what keeps the process alive
  let outcome: WarmupOutcome = 'failed';
  let stopping = false;
  const ended = new Promise<WarmupOutcome>((resolve) => {
    worker.once('message', () => (outcome = 'done'));
    worker.once('error', () => (outcome = 'failed'));
    worker.once('exit', () => resolve(outcome === 'done' || !stopping ? outcome : 'stopped'));
  });
  const stop = async () => {
    stopping = true;
    await worker.terminate(); // at once, mid-solve if need be
    await ended;
  };
  return { stop, ended };
}

/**
 * The worker's code: the task module beside this one, run on `workerData`. Under tsx node 20 runs tsx's hooks on the
 * main thread only, so the worker registers tsx's require hook itself and requires the .ts file (hence no top-level
 * await there).
 */
function warmupSource(): string {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const entry = fileURLToPath(new URL('./highs-warmup-worker.ts', import.meta.url));
  return `const { parentPort, workerData } = require('node:worker_threads'); require(${JSON.stringify(tsx)}).register();
Promise.resolve(require(${JSON.stringify(entry)})).then((m) => m.default(workerData)).then(() => parentPort.postMessage('done'));`;
}
