/**
 * A thin async driver over the kernel for callers with an event loop to keep turning (the CLI: a SIGINT handler only
 * runs between tasks). The kernel stays pure and synchronous; this runs it in slices and awaits `yieldNow` between
 * them. The caller supplies `yieldNow` (the CLI passes setImmediate), so nothing here touches the runtime.
 */
import type { Fleet } from '../../catalogs/types.js';
import { startSimulation } from './kernel.js';
import type { SimulationResult } from './result.js';
import type { ConversationSpec, KernelOptions, PerfModelFor } from './types.js';

export interface SliceOptions {
  /** Lets the caller's event loop run (e.g. `() => new Promise((r) => setImmediate(r))`). */
  readonly yieldNow: () => Promise<void>;
  /** Events per slice (default 10,000: a few milliseconds of work, so Ctrl-C is seen well within a second). */
  readonly sliceEvents?: number;
}

/**
 * `simulateConversations` in slices: the same result byte for byte, with `yieldNow` awaited between slices. A stop
 * (`options.shouldStop`) rejects with KernelStoppedError; `shouldStop` is also asked after every yield, so a stop
 * requested during the yield is seen before the next slice.
 * @example await simulateConversationsSliced(fleet, workload, perfModelFor, { policy: 'conserve', seed: 1, shouldStop: () => signal.aborted }, { yieldNow })
 */
export async function simulateConversationsSliced(fleet: Fleet, workload: Iterable<ConversationSpec>, perfModelFor: PerfModelFor, options: KernelOptions, slices: SliceOptions): Promise<SimulationResult> {
  const sliceEvents = slices.sliceEvents ?? 10_000;
  if (!(Number.isInteger(sliceEvents) && sliceEvents >= 1)) throw new RangeError(`sliceEvents must be an integer ≥ 1, received ${sliceEvents}`);
  const run = startSimulation(fleet, workload, perfModelFor, options);
  for (;;) {
    if (run.advance(sliceEvents)) return run.finish();
    await slices.yieldNow();
    if (options.shouldStop?.() === true) run.stop();
  }
}
