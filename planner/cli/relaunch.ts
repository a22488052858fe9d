/**
 * Why the CLI runs node with `--no-concurrent-recompilation`, and the relaunch that adds it.
 *
 * Node 20's platform has a deadlock (nodejs/node#54918, fixed only in later majors by nodejs/node#58047): when a thread
 * ends its isolate (a worker thread finishing — the kernel-check pool, the javascript-lp-solver safety-net worker —
 * or the main thread at exit), `NodePlatform::DrainTasks` blocks until every background task of the whole process
 * has finished. A background TurboFan compile job that needs a garbage collection waits for its isolate's thread to
 * perform it; if that thread is itself in `DrainTasks` (or idle in `Atomics.wait`), neither ever proceeds. Seen here
 * as `plan` never exiting, about 1 run in 6 on a loaded 2-core machine (gdb: every isolate thread in `DrainTasks`, one
 * platform thread in `CollectionBarrier::AwaitCollectionBackground` under a TurboFan job). Without concurrent
 * recompilation TurboFan compiles on the isolate's own thread, so no background task ever waits for a GC; the README
 * plan measured the same output and the same CPU time with the flag.
 *
 * V8 reads the flag when an isolate is created, so it must be on node's command line: `bin.ts` relaunches node with
 * it when missing (about 60 ms), with stdio inherited, signals forwarded and the child's exit status passed on.
 */
import { spawn } from 'node:child_process';

export const REQUIRED_NODE_FLAGS: readonly string[] = ['--no-concurrent-recompilation'];

/** The required flags `execArgv` lacks (empty: run in this process). */
export function missingNodeFlags(execArgv: readonly string[]): string[] {
  return REQUIRED_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
}

const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs `script` with the same node, its execArgv plus `flags`, and this process's arguments; ends as the child ends. */
export function relaunchWithFlags(script: string, flags: readonly string[]): void {
  const child = spawn(process.execPath, [...process.execArgv, ...flags, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  const handlers = FORWARDED_SIGNALS.map((signal) => [signal, () => void child.kill(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  child.once('error', (error) => {
    process.stderr.write(`fleetplan: could not start ${process.execPath}: ${error.message}\n`);
    process.exitCode = 70;
  });
  child.once('exit', (code, signal) => {
    for (const [s, handler] of handlers) process.off(s, handler);
    // Killed by a signal: end the same way, so the caller sees the same status (e.g. 130 after SIGINT).
    if (signal !== null) process.kill(process.pid, signal);
    else process.exitCode = code ?? 70;
  });
}
