/**
 * A progress bar with ETA for long work (simulation, sweeps, what-if re-plans): drawn on stderr only when stderr is a
 * terminal, nothing at all otherwise, so piped output and `--json` stay clean. Any command can adopt it:
 * `const bar = startProgress(ctx, { label: 'simulating', total: 1200, unit: 's' }); bar.update(t); bar.stop();`.
 */
import cliProgress from 'cli-progress';
import type { CommandContext } from './context.js';

export interface Progress {
  /** Sets the amount done so far (same unit as `total`). */
  update(done: number): void;
  /** Removes the bar (idempotent). */
  stop(): void;
}

export interface ProgressOptions {
  readonly label: string;
  /** The amount of work, in `unit` (e.g. simulated seconds). */
  readonly total: number;
  readonly unit?: string;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/** Starts a bar on `ctx.stderr` when it is a terminal; otherwise returns a progress that does nothing. */
export function startProgress(ctx: Pick<CommandContext, 'stderr' | 'stderrIsTTY'>, options: ProgressOptions): Progress {
  if (!ctx.stderrIsTTY || !(options.total > 0)) return SILENT;
  // cli-progress drives the terminal through readline on the stream; an object with write() is all it needs, and
  // routing it through ctx.stderr keeps the command testable with captured streams.
  const stream = { isTTY: true, columns: 80, write: (text: string) => (ctx.stderr(text), true) } as unknown as NodeJS.WritableStream;
  const bar = new cliProgress.SingleBar(
    { format: `${options.label} [{bar}] {percentage}% | ETA {eta}s | {value}/{total}${options.unit ? ` ${options.unit}` : ''}`, stream, clearOnComplete: true, hideCursor: false, etaBuffer: 20, fps: 10 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.ceil(options.total), 0);
  let stopped = false;
  return {
    update: (done) => {
      if (!stopped) bar.update(Math.min(Math.ceil(options.total), Math.round(done)));
    },
    stop: () => {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
