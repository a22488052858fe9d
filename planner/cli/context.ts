/**
 * What a command may touch: everything outside the pure core goes through here, so tests drive commands in-process
 * with captured streams (`main(argv, context)`), and nothing calls `process.exit`.
 */
export interface CommandContext {
  /** Write to standard output (a `--json` command writes exactly one JSON document here and nothing else). */
  readonly stdout: (text: string) => void;
  /** Write to standard error (progress only when `stderrIsTTY`). */
  readonly stderr: (text: string) => void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /** Paths on the command line are resolved against this. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C: long work stops and leaves no half-written file. */
  readonly signal: AbortSignal;
  /** `--allow-dir`: more directories that references inside input files may reach (see input-roots.ts). */
  readonly allowDirs?: readonly string[];
}

/** Exit codes of DESIGN.md: 0 success / plan holds, 1 plan does not hold or no plan exists, 2 bad input or usage. */
export const EXIT_OK = 0;
export const EXIT_FAILS = 1;
export const EXIT_BAD_INPUT = 2;
