/**
 * KV memory of a decode-capable engine (decoder or colocated), accounted in tokens, and its preemption: when room is
 * needed, victims are taken in a fixed order — idle conversations in tool waits (least recently used first), then
 * queued ones, then half-prefilled ones, then running ones (newest join first; only growth may take those).
 * Recompute drops the KV; swap keeps it in host memory and pays bytes / bandwidth to bring it back.
 */
import type { ConvState } from './conversation.js';

/** Work waiting on (or prefilling at) an engine: a turn's appended tokens, a hand-over, or a preempted resume. */
export interface WorkItem {
  readonly conv: ConvState;
  /** Tokens added to the conversation's context when the prefill completes (a turn's appended input). */
  readonly newTokens: number;
  /** Whether completing the prefill emits an output token (a turn's first, or the next after a recompute). */
  readonly emitsToken: boolean;
  /** KV tokens that landed over a link and need only allocation. */
  arrivedTokens: number;
  /** Set at admission: tokens to compute (recomputed history + new) and those done so far. */
  needTokens: number;
  doneTokens: number;
  cachedTokens: number;
  /**
   * A disaggregated turn's KV landed from a prefiller whose first token the client receives from this engine: it is
   * delivered when the engine admits the item (at an iteration boundary), before the item's first decode step.
   */
  readonly deliversFirstToken?: boolean;
}

export interface MemoryState {
  readonly capacityTokens: number;
  usedTokens: number;
  readonly running: readonly ConvState[];
  /** Takes running[i] out (its fields brought up to date). */
  removeRunning(i: number): ConvState;
  readonly waiting: WorkItem[];
  readonly prefilling: WorkItem[];
  /** Conversations whose KV is resident through a tool wait, in least-recently-used order. */
  readonly idle: Set<ConvState>;
  runningContextTokens: number;
  preemptions: number;
}

export interface MemoryPolicy {
  readonly preemption: 'recompute' | 'swap';
}

function dropResident(m: MemoryState, conv: ConvState, swap: boolean): void {
  m.usedTokens -= conv.residentTokens;
  if (swap) conv.swappedTokens += conv.residentTokens;
  conv.residentTokens = 0;
  m.preemptions++;
}

function evictOne(m: MemoryState, p: MemoryPolicy, protect: ConvState | null, allowActive: boolean): boolean {
  for (const conv of m.idle) {
    m.idle.delete(conv);
    dropResident(m, conv, p.preemption === 'swap');
    return true;
  }
  for (let i = m.waiting.length - 1; i >= 0; i--) {
    const conv = m.waiting[i].conv;
    if (conv !== protect && conv.residentTokens > 0) {
      dropResident(m, conv, p.preemption === 'swap');
      return true;
    }
  }
  if (!allowActive) return false;
  for (let i = m.prefilling.length - 1; i >= 0; i--) {
    const item = m.prefilling[i];
    if (item.conv === protect) continue;
    m.prefilling.splice(i, 1);
    // A half-done prefill is recomputed in both modes: its partial KV was never complete enough to swap.
    dropResident(m, item.conv, false);
    item.arrivedTokens = 0;
    m.waiting.unshift(item);
    return true;
  }
  if (m.running.length <= 1) return false;
  let victimIndex = -1;
  for (let i = 0; i < m.running.length; i++) {
    const c = m.running[i];
    if (c === protect) continue;
    if (victimIndex < 0 || c.joinSeq > m.running[victimIndex].joinSeq) victimIndex = i;
  }
  if (victimIndex < 0) return false;
  const victim = m.removeRunning(victimIndex);
  m.runningContextTokens -= victim.contextTokens;
  const swap = p.preemption === 'swap';
  dropResident(m, victim, swap);
  m.waiting.unshift({ conv: victim, newTokens: 0, emitsToken: !swap, arrivedTokens: 0, needTokens: 0, doneTokens: 0, cachedTokens: 0 });
  return true;
}

/**
 * Frees KV until `tokens` more fit, evicting in the fixed order; false when it cannot (nothing evictable left).
 * `protect` is never evicted; prefilling and running sequences only when `allowActive` (decode growth), since
 * admitting queued work must not undo work in progress.
 */
export function makeRoom(m: MemoryState, p: MemoryPolicy, tokens: number, protect: ConvState | null, allowActive: boolean): boolean {
  while (m.capacityTokens - m.usedTokens < tokens) {
    if (!evictOne(m, p, protect, allowActive)) return false;
  }
  return true;
}

/** Tokens a work item would have to compute if admitted now (what `planAdmission` would set as its need), without admitting it. */
export function prospectiveNeedTokens(item: WorkItem): number {
  const conv = item.conv;
  const missing = conv.contextTokens - conv.residentTokens;
  return Math.max(0, missing - item.arrivedTokens - conv.swappedTokens) + item.newTokens;
}

/** Allocation of a work item at admission: fills need/cached and returns the swap-in tokens (paid as a stall). */
export function planAdmission(item: WorkItem): { allocateTokens: number; swapInTokens: number } {
  const conv = item.conv;
  let missing = conv.contextTokens - conv.residentTokens;
  const fromTransfer = Math.min(missing, item.arrivedTokens);
  missing -= fromTransfer;
  const fromSwap = Math.min(missing, conv.swappedTokens);
  missing -= fromSwap;
  item.needTokens = missing + item.newTokens;
  item.doneTokens = 0;
  item.cachedTokens = conv.residentTokens + fromTransfer + fromSwap;
  return { allocateTokens: fromTransfer + fromSwap + item.needTokens, swapInTokens: fromSwap };
}
