/** Runs the CLI in-process with captured streams: the way tests drive fleetplan end to end. */
import { main } from '../../planner/cli/main.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(argv: readonly string[], options: { cwd?: string; tty?: boolean; env?: Record<string, string> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    stdoutIsTTY: options.tty ?? false,
    stderrIsTTY: options.tty ?? false,
    stdinIsTTY: false,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
