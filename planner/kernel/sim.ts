/**
 * The state of one run and the actions policies compose: queue prefill work, hand KV over a link, put work on an
 * engine, schedule the next turn, finish a conversation. Actions append the events they cause to `out`; the kernel
 * takes them from there after each handler (handlers return new events, the kernel owns the queue and the clock).
 */
import { kvTransferSeconds, type LinkModel } from '../../models/types.js';
import { createStream, type Uniform01 } from '../../models/random.js';
import { paperTokens, type ConvState } from './conversation.js';
import type { Engine, EngineHooks } from './engine.js';
import type { WorkItem } from './engine-memory.js';
import { makeEvent, type KernelEvent } from './event-queue.js';
import type { FleetSetup } from './fleet-setup.js';
import { MetricsCollector } from './metrics.js';
import type { PrefillJob, Prefiller } from './prefiller.js';
import { meetsEverySlo } from './slo.js';
import type { ResolvedOptions } from './types.js';

/** What a policy decides at each step of a conversation (see policies/). */
export interface PolicyFlow {
  /** Places a waiting conversation (turn 1, or any turn for per-turn policies); false keeps it queued. */
  tryAdmit(sim: Sim, conv: ConvState, nowSeconds: number): boolean;
  prefillDone(sim: Sim, conv: ConvState, job: PrefillJob, nowSeconds: number): void;
  transferDone(sim: Sim, conv: ConvState, nowSeconds: number): void;
  turnEnded(sim: Sim, conv: ConvState, nowSeconds: number): void;
  turnReady(sim: Sim, conv: ConvState, nowSeconds: number): void;
}

export class Sim implements EngineHooks {
  out: KernelEvent[] = [];
  private readonly admission: ConvState[] = [];
  private admissionHead = 0;
  readonly mispredictStream: Uniform01;
  inFlight = 0;
  /** Told of every finished conversation (the kernel sets it for a reactive workload). */
  onFinish: ((conv: ConvState, nowSeconds: number) => void) | null = null;

  constructor(
    readonly options: ResolvedOptions,
    readonly fleet: FleetSetup,
    readonly metrics: MetricsCollector,
    readonly policy: PolicyFlow,
  ) {
    this.mispredictStream = createStream(options.seed, 'kernel/mispredict');
  }

  get admissionWaiting(): number {
    return this.admission.length - this.admissionHead;
  }

  emitToken(conv: ConvState, timeSeconds: number, firstOfTurn: boolean, gapSeconds: number): void {
    this.metrics.recordToken(conv, timeSeconds, firstOfTurn, gapSeconds);
  }

  addTbtSeries(first: number, delta: number, n: number, measured: number, measuredLast: number): void {
    this.metrics.recordTbtSeries(first, delta, n, measured, measuredLast);
  }

  recordGap(gapSeconds: number, measured: number, measuredLast: number): void {
    this.metrics.recordGap(gapSeconds, measured, measuredLast);
  }

  countTokens(tokens: number): void {
    this.metrics.emittedOutputTokens += tokens;
  }

  turnEnded(conv: ConvState, timeSeconds: number): void {
    this.policy.turnEnded(this, conv, timeSeconds);
  }

  busy(instance: number, startSeconds: number, endSeconds: number, powerWatts: number): void {
    this.metrics.recordBusy(instance, startSeconds, endSeconds, powerWatts);
  }

  /** Queues a conversation that cannot be placed yet (FIFO, no eviction, no migration). */
  enqueueAdmission(conv: ConvState): void {
    this.admission.push(conv);
  }

  /** Places queued conversations in order until the head cannot be placed. */
  retryAdmission(nowSeconds: number): void {
    while (this.admissionHead < this.admission.length) {
      if (!this.policy.tryAdmit(this, this.admission[this.admissionHead], nowSeconds)) break;
      this.admissionHead++;
    }
    if (this.admissionHead > 1024 && this.admissionHead * 2 > this.admission.length) {
      this.admission.splice(0, this.admissionHead);
      this.admissionHead = 0;
    }
  }

  wake(instance: number, nowSeconds: number): void {
    const target = this.fleet.byInstance[instance];
    if (target.wakePending) return;
    target.wakePending = true;
    this.out.push(makeEvent(nowSeconds, 'wake', instance, 0, null));
  }

  /** Queues a prefill job on a prefiller. */
  submitPrefill(p: Prefiller, job: Omit<PrefillJob, 'doneTokens' | 'estimateSeconds'>, nowSeconds: number): void {
    if (p.enqueue(job, nowSeconds)) this.wake(p.index, nowSeconds);
  }

  /** Puts work on an engine, re-planning a macro-step that the new work interrupts. */
  submitToEngine(engine: Engine, item: WorkItem, nowSeconds: number): void {
    engine.idle.delete(item.conv);
    const t = engine.enqueue(item, nowSeconds);
    if (Number.isNaN(t)) return;
    if (!engine.busyFlag) this.wake(engine.index, nowSeconds);
    else this.out.push(makeEvent(t, 'engineIterationEnd', engine.index, engine.version, null));
  }

  /** Sends `tokens` of KV over a link; `transferDone` fires on arrival. Returns the transfer time. */
  transfer(conv: ConvState, tokens: number, link: LinkModel, bytesPerToken: number, nowSeconds: number, notify: boolean): number {
    const bytes = tokens * bytesPerToken;
    // Counted on the conversation and credited when a measured one finishes: the same window as `conversations`
    // (warm-up arrivals and conversations still in flight at the end excluded from both).
    conv.kvTransfers++;
    conv.kvTransferBytes += bytes;
    const seconds = kvTransferSeconds(bytes, link);
    if (notify) this.out.push(makeEvent(nowSeconds + seconds, 'transferDone', -1, 0, conv));
    return seconds;
  }

  /** The first token of a turn produced by a prefiller. */
  emitFirstToken(conv: ConvState, nowSeconds: number): void {
    this.computeFirstToken(conv);
    this.metrics.recordToken(conv, nowSeconds, true, 0);
  }

  /** A prefiller computed the turn's first token; the client receives it later, from the decoder (WorkItem.deliversFirstToken). */
  computeFirstToken(conv: ConvState): void {
    conv.remainingOutputTokens -= 1;
    conv.contextTokens += 1;
  }

  /** Schedules the next turn's input: the tool runs from the last token of this turn. */
  scheduleNextTurn(conv: ConvState, nowSeconds: number): void {
    const tool = conv.spec.turns[conv.turn + 1].toolLatencySeconds;
    const t = Math.max(nowSeconds, conv.lastTokenSeconds + tool);
    this.out.push(makeEvent(t, 'turnReady', -1, 0, conv));
  }

  /** Moves a conversation to its next turn at `nowSeconds`. */
  advanceTurn(conv: ConvState, nowSeconds: number): void {
    conv.turn++;
    conv.remainingOutputTokens = conv.spec.turns[conv.turn].outputTokens;
    conv.turnReadySeconds = nowSeconds;
  }

  /** A conversation's last token is out: free its KV and reservation, count it, admit whoever waits. */
  finish(conv: ConvState, nowSeconds: number): void {
    if (conv.remainingOutputTokens !== 0 || conv.turn !== conv.spec.turns.length - 1) throw new Error(`Conversation ${conv.spec.id} finished early (turn ${conv.turn + 1} of ${conv.spec.turns.length}, ${conv.remainingOutputTokens} tokens left)`);
    conv.done = true;
    this.inFlight--;
    if (conv.engineIndex >= 0) {
      const engine = this.fleet.byInstance[conv.engineIndex] as Engine;
      engine.release(conv);
      if (engine.waiting.length > 0 && !engine.busyFlag) this.wake(engine.index, nowSeconds);
    }
    const m = this.metrics;
    m.finished++;
    if (conv.measured) {
      m.measuredFinished++;
      m.measuredTurns += conv.spec.turns.length;
      m.kvTransfers += conv.kvTransfers;
      m.kvTransferBytes += conv.kvTransferBytes;
      for (const t of conv.spec.turns) m.measuredOutputTokens += t.outputTokens;
      m.measuredPaperTokens += paperTokens(conv.spec);
      if (this.options.slo !== undefined && meetsEverySlo(conv, this.options.slo)) m.sloMet++;
      const st = conv.standalone;
      m.recordE2e(nowSeconds - conv.spec.arrivalSeconds, st.e2eSeconds);
      if (conv.tbtCount > 0 && st.meanTbtSeconds > 0) m.recordSlowdownTbt(conv.tbtSumSeconds / conv.tbtCount / st.meanTbtSeconds, false);
      if (conv.lastTurnTbtCount > 0 && st.lastTurnMeanTbtSeconds > 0) m.recordSlowdownTbt(conv.lastTurnTbtSumSeconds / conv.lastTurnTbtCount / st.lastTurnMeanTbtSeconds, true);
    }
    this.retryAdmission(nowSeconds);
    if (this.onFinish !== null) this.onFinish(conv, nowSeconds);
  }
}
