/**
 * A prefiller: a FIFO of prefill jobs served in iterations that pack jobs up to a token budget and a batch size
 * (a job larger than the budget is chunked across iterations). An iteration lasts the model's batched prefill time
 * of its pieces, and every piece in it completes at its end. A mispredicted turn of per-turn-predict arrives as a
 * composite job (history in, prefill, KV back, KV management) that occupies the prefiller alone for its duration.
 * Its queued work in seconds (estimated from the perf model, observable) is what conserve routes by.
 * With a linear step model (`stepAccounting`) it keeps per-term step accounting as the aggregated engines do
 * (step-accounting.ts): an iteration costs exactly its terms × the coefficients, and a job's wait and service are
 * stamped in term units, so a disaggregated benchmark's TTFT is a term vector too.
 */
import type { PerfModel } from '../../models/types.js';
import type { ConvState } from './conversation.js';
import { TermClock } from './step-accounting.js';

export interface PrefillJob {
  readonly conv: ConvState;
  /** 'prefill': compute `newTokens` against `cachedTokens`; 'composite': hold the prefiller `serviceSeconds`. */
  readonly kind: 'prefill' | 'composite';
  readonly newTokens: number;
  readonly cachedTokens: number;
  readonly serviceSeconds: number;
  doneTokens: number;
  /** Remaining estimated seconds counted in the prefiller's queued work. */
  estimateSeconds: number;
}

export class Prefiller {
  private readonly queue: PrefillJob[] = [];
  private head = 0;
  private queuedWorkSeconds = 0;
  busyFlag = false;
  wakePending = false;
  version = 0;
  private iterationEnd = 0;
  private current: { job: PrefillJob; tokens: number; seconds: number }[] = [];
  private startSeconds = 0;
  private powerWatts = 0;
  /** Per-term accounting, when the model has a linear step model; the terms of the iteration in progress. */
  readonly termClock: TermClock | null;
  private currentTerms: number[] | null = null;

  constructor(
    readonly index: number,
    readonly poolIndex: number,
    readonly model: PerfModel,
    private readonly settings: { tokenBudget: number; maxBatch: number },
  ) {
    this.termClock = model.stepAccounting ? new TermClock(model.stepAccounting) : null;
  }

  /**
   * The term clock at `nowSeconds`, mid-iteration included: the finished iterations' terms plus the elapsed share of
   * the one in progress. A job arriving mid-iteration waits out the rest of it; stamping the elapsed share makes
   * (stamp at completion − stamp at arrival) · coefficients its exact time here, at the coefficients the run used.
   */
  termStampAt(nowSeconds: number): Float64Array | null {
    const clock = this.termClock;
    if (clock === null) return null;
    const stamp = clock.stamp();
    const terms = this.currentTerms;
    if (!this.busyFlag || terms === null) return stamp;
    const span = this.iterationEnd - this.startSeconds;
    const share = span > 0 ? Math.min(1, Math.max(0, (nowSeconds - this.startSeconds) / span)) : 1;
    for (let j = 0; j < stamp.length; j++) stamp[j] += share * terms[j];
    return stamp;
  }

  /** Queued plus in-progress work in seconds at `nowSeconds` (what a scheduler can observe). */
  queuedWorkAt(nowSeconds: number): number {
    return Math.max(0, this.queuedWorkSeconds) + (this.busyFlag ? Math.max(0, this.iterationEnd - nowSeconds) : 0);
  }

  /** The iteration in progress (a run stopped mid-iteration counts it busy up to the stop), or null when idle. */
  inProgress(): { startSeconds: number; powerWatts: number } | null {
    return this.busyFlag ? { startSeconds: this.startSeconds, powerWatts: this.powerWatts } : null;
  }

  get queuedJobs(): number {
    return this.queue.length - this.head;
  }

  /** Creates and queues a job; returns true when the prefiller is idle and must be woken. */
  enqueue(job: Omit<PrefillJob, 'doneTokens' | 'estimateSeconds'>, nowSeconds: number): boolean {
    if (this.termClock !== null && job.kind === 'prefill' && job.conv.termsAtArrival === null) job.conv.termsAtArrival = this.termStampAt(nowSeconds);
    const estimate = job.kind === 'composite' ? job.serviceSeconds : this.model.prefillSeconds(job.newTokens, job.cachedTokens);
    this.queue.push({ conv: job.conv, kind: job.kind, newTokens: job.newTokens, cachedTokens: job.cachedTokens, serviceSeconds: job.serviceSeconds, doneTokens: 0, estimateSeconds: estimate });
    this.queuedWorkSeconds += estimate;
    return !this.busyFlag;
  }

  /** Forms the next iteration; returns its end time or NaN when the queue is empty. */
  startIteration(nowSeconds: number): number {
    if (this.busyFlag || this.head === this.queue.length) return NaN;
    const pieces: { job: PrefillJob; tokens: number; seconds: number }[] = [];
    let dt = 0;
    this.currentTerms = null;
    const first = this.queue[this.head];
    if (first.kind === 'composite') {
      pieces.push({ job: first, tokens: 0, seconds: first.serviceSeconds });
      dt = first.serviceSeconds;
      this.powerWatts = this.model.powerWatts('prefill');
    } else {
      let budget = this.settings.tokenBudget;
      for (let i = this.head; i < this.queue.length && budget > 0 && pieces.length < this.settings.maxBatch; i++) {
        const job = this.queue[i];
        if (job.kind === 'composite') break;
        const tokens = Math.min(job.newTokens - job.doneTokens, budget);
        // A piece's time alone only moves the routing estimate of a job left unfinished; the iteration costs the batch.
        const seconds = job.doneTokens + tokens >= job.newTokens ? 0 : this.model.prefillSeconds(tokens, job.cachedTokens + job.doneTokens);
        pieces.push({ job, tokens, seconds });
        budget -= tokens;
      }
      // The pieces run as one batch and all finish at its end: the batched time the model prices (one floor, hinges on
      // the iteration's total tokens), not the sum of each piece's single-prompt time.
      const batch = pieces.map((p) => ({ newTokens: p.tokens, cachedTokens: p.job.cachedTokens + p.job.doneTokens }));
      const clock = this.termClock;
      if (clock !== null) {
        // A linear step model prices the batch as a prefill-only iteration of these pieces: exactly the terms charged.
        this.currentTerms = clock.iteration(0, 0, batch);
        dt = clock.seconds(this.currentTerms);
      } else dt = this.model.prefillBatchSeconds(batch);
      this.powerWatts = this.model.powerWatts('prefill', pieces.length);
    }
    if (!(dt >= 0 && Number.isFinite(dt))) throw new Error(`Perf model ${this.model.gpu}/${this.model.llm}/tp${this.model.tp} gave a prefill iteration of ${dt} s`);
    // The iteration's work leaves the queue now: from here on it is counted as the iteration's remaining time.
    for (const p of pieces) {
      const finishes = p.job.kind === 'composite' || p.job.doneTokens + p.tokens >= p.job.newTokens;
      const charged = finishes ? p.job.estimateSeconds : Math.min(p.seconds, p.job.estimateSeconds);
      p.job.estimateSeconds -= charged;
      this.queuedWorkSeconds -= charged;
    }
    this.current = pieces;
    this.startSeconds = nowSeconds;
    this.iterationEnd = nowSeconds + dt;
    this.busyFlag = true;
    this.version++;
    return this.iterationEnd;
  }

  /** Ends the iteration; returns the jobs it completed (in FIFO order) and the busy interval's power. */
  finishIteration(): { completed: PrefillJob[]; startSeconds: number; powerWatts: number } {
    const completed: PrefillJob[] = [];
    if (this.termClock !== null && this.currentTerms !== null) this.termClock.add(this.currentTerms);
    this.currentTerms = null;
    for (const p of this.current) {
      p.job.doneTokens += p.tokens;
      if (p.job.kind === 'composite' || p.job.doneTokens >= p.job.newTokens) {
        completed.push(p.job);
        if (this.termClock !== null && p.job.kind === 'prefill' && p.job.conv.termsAtPrefillDone === null) p.job.conv.termsAtPrefillDone = this.termClock.stamp();
      }
    }
    this.head += completed.length;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    if (this.head === this.queue.length) this.queuedWorkSeconds = 0;
    this.busyFlag = false;
    this.current = [];
    return { completed, startSeconds: this.startSeconds, powerWatts: this.powerWatts };
  }
}
