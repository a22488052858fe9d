/**
 * Warms HiGHS up on the second core while `plan` derives demand. HiGHS is WebAssembly: V8 runs it first on baseline
 * (Liftoff) code and compiles hot functions with TurboFan as they run, so a process's first large MILP runs seconds
 * slower than the same solve run again (the whole-catalog bench's first MILP: ~6 s cold, ~3.7 s warm). Optimised code
 * belongs to the compiled `WebAssembly.Module`, and every thread that instantiates that one module shares it. So the
 * module is compiled once here, this thread's HiGHS is told to instantiate it (milp/solvers/highs.ts,
 * `useHighsModule`), and a worker thread instantiates it too and solves a small representative planner MILP — the
 * README command's (`plan --mix coding-agent --llm llama-3.1-70b --slo standard`, from the built-in catalogs) — while
 * this thread derives demand; its first real MILP then starts on code the worker has already optimised.
 *
 * The warm-up changes no answer (the same code, further compiled) and never delays one: a failure in it is ignored
 * (the solve then warms up by itself, as before), its thread is unref'd (it never keeps the process alive), and the
 * caller stops it before its first kernel check (so it never competes with the check threads).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { useHighsModule } from '../milp/solvers/highs.js';
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
 * The worker's code: the task module beside this one, run on `workerData`. Under tsx (this file is .ts) node 20 runs
 * tsx's hooks on the main thread only, so the worker registers tsx's require hook itself and requires the .ts file
 * (hence no top-level await there); built, it imports the .js module.
 */
function warmupSource(): string {
  const here = import.meta.url;
  const run = `.then((m) => m.default(workerData)).then(() => parentPort.postMessage('done'))`;
  const head = `const { parentPort, workerData } = require('node:worker_threads');`;
  if (here.endsWith('.ts')) {
    const tsx = createRequire(here).resolve('tsx/cjs/api');
    const entry = fileURLToPath(new URL('./highs-warmup-worker.ts', here));
    return `${head} require(${JSON.stringify(tsx)}).register(); Promise.resolve(require(${JSON.stringify(entry)}))${run};`;
  }
  return `${head} import(${JSON.stringify(new URL('./highs-warmup-worker.js', here).href)})${run};`;
}
