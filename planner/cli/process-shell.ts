/** The process shell: real streams, Ctrl-C → abort signal, exit code from `main` (bin.ts starts it). */
import { main } from './main.js';

const controller = new AbortController();
// Ctrl-C stops the run cleanly (the commands write nothing half-done); a second Ctrl-C ends the process at once. One
// keypress can arrive twice — from the terminal and forwarded by the relaunching parent (relaunch.ts) — so a repeat
// within a second counts as the same one.
const SAME_KEYPRESS_MS = 1000;
let interruptedAt: number | undefined;
process.on('SIGINT', () => {
  const now = performance.now();
  if (interruptedAt === undefined) {
    interruptedAt = now;
    controller.abort();
  } else if (now - interruptedAt >= SAME_KEYPRESS_MS) {
    process.exit(130);
  }
});

// `fleetplan catalog | head -1`: the reader left; stop quietly (what a Unix filter does), not with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  stdinIsTTY: Boolean(process.stdin.isTTY),
  cwd: process.cwd(),
  env: process.env,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not bad input: show the stack so it can be reported.
    process.stderr.write(`fleetplan: internal error (please report): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
