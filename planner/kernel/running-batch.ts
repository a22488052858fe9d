/**
 * The sequences decoding on one engine, with their per-iteration bookkeeping settled lazily. Every decode iteration
 * gives each running sequence one gap (the iteration's span), n output tokens and n tokens of KV; walking ~40
 * conversation objects per iteration to add them was the kernel's hottest loop, bound by memory loads. Here a
 * sequence that was in the previous decode iteration (its last token at this one's start: the common case) is left
 * alone; the batch logs each decode iteration's end time and the tokens per sequence so far, and a conversation's
 * fields are brought up to date (settled) only when something reads them: it leaves the batch (turn done, preempted),
 * or the engine's admission asks (SGLang's ratio, TensorRT-LLM's guarantee). Settling replays the logged spans one by
 * one in order, the additions the eager loop made, so every float is the same bit for bit; the integer counts add up
 * exactly. A sequence that joined since the last decode iteration is handled eagerly, as before, and so is the whole
 * batch when decoding resumed after a pause (a prefill-only iteration): then the shared gap is not the span.
 */
import type { ConvState } from './conversation.js';

/** What the engine reports to its hooks for a decode iteration (planner/kernel/engine.ts EngineHooks). */
export interface DecodeGapHooks {
  recordGap(gapSeconds: number, measured: number, measuredLastTurn: number): void;
}

/** Log entries past which the batch settles everyone and starts its log over. */
const LOG_COMPACT_ENTRIES = 4096;

function onLastTurn(conv: ConvState): boolean {
  return conv.turn === conv.spec.turns.length - 1;
}

export class RunningBatch {
  /** The sequences in join order. */
  readonly convs: ConvState[] = [];
  /** doneAt[i]: the value of `tokens` at which convs[i] has no output left in its turn (aligned with convs). */
  private readonly doneAt: number[] = [];
  /** convs[0 .. tracked) are settled lazily (their fields lag the log); the others are current. */
  private tracked = 0;
  private trackedMeasured = 0;
  private trackedMeasuredLast = 0;
  /** End time of each decode iteration (macro-step) and output tokens per sequence up to its end; entry 0 is the origin. */
  private readonly ends: number[] = [NaN];
  private readonly cumulative: number[] = [0];
  /**
   * Entries in use. The arrays never shrink: a batch with no tracked sequence restarts its log at every decode, and
   * truncating the arrays each time cost more, on small batches, than the loop this class replaces.
   */
  private logSize = 1;
  /** Counts of the last `decoded` call: measured sequences, those on their last turn, and those sharing the first gap. */
  measured = 0;
  measuredLast = 0;
  sharedMeasured = 0;
  sharedMeasuredLast = 0;

  /** Output tokens per sequence written by every decode iteration so far (the log's last entry; never reset). */
  private get tokens(): number {
    return this.cumulative[this.logSize - 1];
  }

  get length(): number {
    return this.convs.length;
  }

  /** Adds a sequence whose fields are current. */
  join(conv: ConvState): void {
    this.convs.push(conv);
    this.doneAt.push(this.tokens + conv.remainingOutputTokens);
  }

  /** Whether convs[i] has written its turn's last token. */
  isDone(i: number): boolean {
    return this.doneAt[i] <= this.tokens;
  }

  /** The largest index below `below` whose sequence has written its turn's last token, or −1. */
  lastDoneBelow(below: number): number {
    const tokens = this.tokens;
    const doneAt = this.doneAt;
    for (let i = below - 1; i >= 0; i--) if (doneAt[i] <= tokens) return i;
    return -1;
  }

  /** The fewest output tokens any sequence has left (Infinity when empty). */
  minRemaining(): number {
    let least = Infinity;
    const doneAt = this.doneAt;
    for (let i = 0; i < doneAt.length; i++) if (doneAt[i] < least) least = doneAt[i];
    return least - this.tokens;
  }

  /** Removes convs[i], its fields settled. */
  removeAt(i: number): ConvState {
    const conv = this.convs[i];
    if (i < this.tracked) {
      this.settle(conv);
      this.tracked--;
      if (conv.measured) {
        this.trackedMeasured--;
        if (onLastTurn(conv)) this.trackedMeasuredLast--;
      }
    }
    // Shifted by hand: splice allocates the removed part, once per finished turn.
    const convs = this.convs;
    const doneAt = this.doneAt;
    for (let k = i + 1; k < convs.length; k++) {
      convs[k - 1] = convs[k];
      doneAt[k - 1] = doneAt[k];
    }
    convs.pop();
    doneAt.pop();
    return conv;
  }

  /** Brings every sequence's fields up to date (they stay in the batch, settled lazily from here). */
  settleAll(): void {
    for (let i = 0; i < this.tracked; i++) this.settle(this.convs[i]);
  }

  /**
   * n decode iterations from `t0` to `nowSeconds` ran the whole batch, the first ending at `firstEnd`: each sequence
   * gets the gaps, counts and tokens the eager loop gave it. Fresh sequences (and every one, when decoding resumed
   * after a pause) are walked now, recording their own first gap in batch order; the counts land in the fields above.
   */
  decoded(t0: number, nowSeconds: number, n: number, firstEnd: number, hooks: DecodeGapHooks): void {
    if (this.tracked > 0 && this.ends[this.logSize - 1] !== t0) this.untrackAll();
    if (this.tracked === 0 || this.logSize > LOG_COMPACT_ENTRIES) this.compact();
    let measured = this.trackedMeasured;
    let measuredLast = this.trackedMeasuredLast;
    let sharedMeasured = this.trackedMeasured;
    let sharedMeasuredLast = this.trackedMeasuredLast;
    const convs = this.convs;
    for (let i = this.tracked; i < convs.length; i++) {
      const conv = convs[i];
      const last = onLastTurn(conv);
      const span = nowSeconds - conv.lastTokenSeconds;
      if (conv.lastTokenSeconds === t0) {
        if (conv.measured) {
          sharedMeasured++;
          if (last) sharedMeasuredLast++;
        }
      } else if (conv.measured) hooks.recordGap(firstEnd - conv.lastTokenSeconds, 1, last ? 1 : 0);
      conv.tbtSumSeconds += span;
      conv.tbtCount += n;
      if (last) {
        conv.lastTurnTbtSumSeconds += span;
        conv.lastTurnTbtCount += n;
      }
      if (conv.measured) {
        measured++;
        if (last) measuredLast++;
      }
      conv.remainingOutputTokens -= n;
      conv.lastTokenSeconds = nowSeconds;
      conv.contextTokens += n;
      conv.residentTokens += n;
    }
    this.measured = measured;
    this.measuredLast = measuredLast;
    this.sharedMeasured = sharedMeasured;
    this.sharedMeasuredLast = sharedMeasuredLast;
    const at = this.logSize;
    this.cumulative[at] = this.cumulative[at - 1] + n;
    this.ends[at] = nowSeconds;
    this.logSize = at + 1;
    for (let i = this.tracked; i < convs.length; i++) {
      const conv = convs[i];
      conv.settledAt = at;
      if (conv.measured) {
        this.trackedMeasured++;
        if (onLastTurn(conv)) this.trackedMeasuredLast++;
      }
    }
    this.tracked = convs.length;
  }

  /** Settles every tracked sequence and keeps only the log's last entry (a busy engine's log stays short). */
  private compact(): void {
    this.settleAll();
    const last = this.logSize - 1;
    this.ends[0] = this.ends[last];
    this.cumulative[0] = this.cumulative[last];
    this.logSize = 1;
    for (let i = 0; i < this.tracked; i++) this.convs[i].settledAt = 0;
  }

  /** Settles every tracked sequence and walks them all eagerly from here. */
  private untrackAll(): void {
    this.settleAll();
    this.tracked = 0;
    this.trackedMeasured = 0;
    this.trackedMeasuredLast = 0;
  }

  /** Replays the decode iterations since the conversation was last settled, in order. */
  private settle(conv: ConvState): void {
    const ends = this.ends;
    const to = this.logSize - 1;
    const from = conv.settledAt;
    if (from === to) return;
    const last = onLastTurn(conv);
    let sum = conv.tbtSumSeconds;
    let lastSum = conv.lastTurnTbtSumSeconds;
    for (let j = from + 1; j <= to; j++) {
      const span = ends[j] - ends[j - 1];
      sum += span;
      if (last) lastSum += span;
    }
    conv.tbtSumSeconds = sum;
    conv.lastTurnTbtSumSeconds = lastSum;
    const tokens = this.cumulative[to] - this.cumulative[from];
    conv.tbtCount += tokens;
    if (last) conv.lastTurnTbtCount += tokens;
    conv.remainingOutputTokens -= tokens;
    conv.lastTokenSeconds = ends[to];
    conv.contextTokens += tokens;
    conv.residentTokens += tokens;
    conv.settledAt = to;
  }
}
