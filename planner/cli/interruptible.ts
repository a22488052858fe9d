/**
 * Ctrl-C for every command that simulates: the kernel runs in slices with the event loop turning between them, so
 * the SIGINT handler (bin.ts aborts ctx.signal) runs mid-check and the run stops with KernelStoppedError (an
 * AbortError: main prints "interrupted; no output was written" and exits 130). Nothing is written before the end.
 */
import type { Fleet, InstancePool } from '../../catalogs/types.js';
import type { PerfModel } from '../../models/index.js';
import { generateConversations, simulateConversationsSliced, type ConversationSpec, type KernelOptions, type SimulationResult } from '../kernel/index.js';
import { toCheckResult, type KernelCheckOptions, type KernelCheckResult } from '../check/kernel-check.js';
import { effectivePolicy } from '../check/check-policy.js';
import type { CommandContext } from './context.js';

/** Lets the event loop turn (a SIGINT handler, a progress redraw) between kernel slices. */
export const yieldToEventLoop = (): Promise<void> => new Promise((done) => setImmediate(done));

/** The error main turns into exit 130. */
export function abortError(): Error {
  return Object.assign(new Error('interrupted'), { name: 'AbortError' });
}

/** Throws the abort error when Ctrl-C has been pressed (call between steps and before writing outputs). */
export function throwIfInterrupted(ctx: CommandContext): void {
  if (ctx.signal.aborted) throw abortError();
}

/** A kernel run that stops on Ctrl-C (the signature of simulateConversations, asynchronous). */
export function interruptibleSimulate(ctx: CommandContext) {
  return (fleet: Fleet, conversations: Iterable<ConversationSpec>, perfModelFor: (pool: InstancePool) => PerfModel, options: KernelOptions): Promise<SimulationResult> => {
    throwIfInterrupted(ctx);
    return simulateConversationsSliced(fleet, conversations, perfModelFor, { ...options, shouldStop: () => ctx.signal.aborted }, { yieldNow: yieldToEventLoop });
  };
}

/** simulateForCheck (planner/kernel-check.ts), stoppable by Ctrl-C. */
export function simulateForCheckInterruptible(fleet: Fleet, options: KernelCheckOptions, ctx: CommandContext): Promise<SimulationResult> {
  const warmupSeconds = options.warmupSeconds ?? Math.min(60, 0.1 * options.durationSeconds);
  return interruptibleSimulate(ctx)(fleet, generateConversations(options.mix, { seed: options.seed, durationSeconds: options.durationSeconds }), options.perfModelFor, {
    ...options.kernel,
    policy: effectivePolicy(fleet, 'conserve'),
    seed: options.seed,
    slo: options.slo,
    durationSeconds: options.durationSeconds,
    warmupSeconds,
  });
}

/** createKernelChecker (planner/kernel-check.ts), stoppable by Ctrl-C. */
export function createInterruptibleChecker(options: KernelCheckOptions, ctx: CommandContext): (fleet: Fleet) => Promise<KernelCheckResult> {
  return async (fleet) => toCheckResult(fleet, await simulateForCheckInterruptible(fleet, options, ctx));
}
