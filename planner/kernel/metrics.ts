/**
 * What a run measures. Only conversations that arrived after the warm-up are counted in latency statistics;
 * energy is integrated over the measured window [warm-up, end of run]. Utilisation and the KV occupancy
 * distribution cover the loaded window [warm-up, end of arrivals] when the run has an arrival duration: after the
 * last arrival the load drains to zero, and on a 20-minute check whose longest conversations run for an hour that
 * drain diluted a prefill tier busy ~90% of the loaded time to a reported 22% (so the loop could not see which tier
 * was short).
 */
import type { ConvState } from './conversation.js';
import { addArithmetic, addValue, createHistogram, type Histogram } from './histogram.js';
import { addSample, createSeries, type TimeSeries } from './series.js';

export interface InstanceAccount {
  readonly poolIndex: number;
  readonly idleWatts: number;
  busySeconds: number;
  busyJoules: number;
  /** Busy seconds inside the loaded window [warm-up, end of arrivals]. */
  loadedBusySeconds: number;
}

/** Per-conversation metrics keep their sample for exact quantiles (histogram.ts); TBT gaps are bucketed (≤ 1%). */
const EXACT = { exact: true } as const;

export class MetricsCollector {
  readonly ttfet = createHistogram(EXACT);
  readonly ttft = createHistogram(EXACT);
  readonly tbt = createHistogram();
  readonly lastTurnTbt = createHistogram();
  readonly slowdownTtfet = createHistogram(EXACT);
  readonly slowdownTtft = createHistogram(EXACT);
  readonly slowdownTbt = createHistogram(EXACT);
  readonly slowdownLastTurnTbt = createHistogram(EXACT);
  readonly e2e = createHistogram(EXACT);
  readonly slowdownE2e = createHistogram(EXACT);
  /** Sums of ln(slowdown) and their counts, for the geometric means the paper reports beside p95. */
  readonly logSlowdown = { ttfet: 0, ttfetCount: 0, lastTurnTbt: 0, lastTurnTbtCount: 0, e2e: 0, e2eCount: 0 };
  /** KV occupancy samples (fraction of capacity), per pool. */
  readonly occupancy: Histogram[];
  /** Pool-mean KV occupancy over the measured window, for reports' time charts (bounded size). */
  occupancySeries: TimeSeries[];
  private readonly sampleSums: Float64Array;
  private readonly sampleCounts: Uint32Array;
  /** Arrivals at or after this are served but not measured (a reactive workload's cool-down; Infinity by default). */
  measureEndSeconds = Infinity;
  arrived = 0;
  measuredArrived = 0;
  rejected = 0;
  finished = 0;
  measuredFinished = 0;
  measuredTurns = 0;
  measuredOutputTokens = 0;
  measuredPaperTokens = 0;
  emittedOutputTokens = 0;
  requestedOutputTokens = 0;
  /** KV transfers of the conversations counted in `conversations` (measured and finished), credited at their finish. */
  kvTransfers = 0;
  kvTransferBytes = 0;
  sloMet = 0;
  events = 0;
  maxInFlight = 0;
  preemptionsTotal = 0;

  constructor(
    /** Start of the measured window; moved once by `endWarmupAt` when the workload decides it (Infinity until then). */
    public warmupSeconds: number,
    readonly instances: InstanceAccount[],
    numPools: number,
    readonly sampleIntervalSeconds = 5,
    /** End of the loaded window: the arrival duration, Infinity when the run has none (the whole run). */
    readonly loadEndSeconds = Infinity,
  ) {
    this.occupancy = Array.from({ length: numPools }, () => createHistogram());
    this.occupancySeries = this.newSeries(numPools);
    this.sampleSums = new Float64Array(numPools);
    this.sampleCounts = new Uint32Array(numPools);
  }

  private newSeries(numPools: number): TimeSeries[] {
    return Array.from({ length: numPools }, () => createSeries(Number.isFinite(this.warmupSeconds) ? this.warmupSeconds : 0, this.sampleIntervalSeconds));
  }

  /**
   * Starts the measured window at `nowSeconds` (a reactive workload's call). Nothing was counted before: the warm-up
   * was Infinity, so every busy interval and sample so far was clipped away and no arrival was measured.
   */
  endWarmupAt(nowSeconds: number): void {
    if (Number.isFinite(this.warmupSeconds)) throw new RangeError(`The warm-up already ended at ${this.warmupSeconds} s: only a run started with warmupSeconds Infinity lets its workload end it, once`);
    this.warmupSeconds = nowSeconds;
    this.occupancySeries = this.newSeries(this.occupancy.length);
  }

  /** One occupancy sample of every engine at `timeSeconds`: `occupancyOf(i)` is engine i's share, `poolOf(i)` its pool. */
  recordOccupancy(timeSeconds: number, engines: number, poolOf: (i: number) => number, occupancyOf: (i: number) => number): void {
    this.sampleSums.fill(0);
    this.sampleCounts.fill(0);
    for (let i = 0; i < engines; i++) {
      const pool = poolOf(i);
      const share = occupancyOf(i);
      if (timeSeconds <= this.loadEndSeconds) addValue(this.occupancy[pool], share);
      this.sampleSums[pool] += share;
      this.sampleCounts[pool]++;
    }
    for (let p = 0; p < this.sampleSums.length; p++) {
      if (this.sampleCounts[p] > 0) addSample(this.occupancySeries[p], timeSeconds, this.sampleSums[p] / this.sampleCounts[p]);
    }
  }

  /** One output token; first tokens carry TTFT/TTFET, others a TBT gap. */
  recordToken(conv: ConvState, timeSeconds: number, firstOfTurn: boolean, gapSeconds: number): void {
    this.emittedOutputTokens++;
    const last = conv.turn === conv.spec.turns.length - 1;
    if (firstOfTurn) {
      if (conv.turn > 0) {
        const ttft = timeSeconds - conv.turnReadySeconds;
        const slowdown = ttft / conv.standalone.ttftSeconds[conv.turn];
        if (ttft > conv.maxTtftSeconds) conv.maxTtftSeconds = ttft;
        if (slowdown > conv.maxTtftSlowdown) conv.maxTtftSlowdown = slowdown;
        if (conv.measured) {
          addValue(this.ttft, ttft);
          addValue(this.slowdownTtft, slowdown);
        }
      }
      if (last) {
        conv.ttfetSeconds = timeSeconds - conv.spec.arrivalSeconds;
        if (conv.measured) {
          addValue(this.ttfet, conv.ttfetSeconds);
          const slowdown = conv.ttfetSeconds / conv.standalone.ttfetSeconds;
          addValue(this.slowdownTtfet, slowdown);
          if (slowdown > 0) {
            this.logSlowdown.ttfet += Math.log(slowdown);
            this.logSlowdown.ttfetCount++;
          }
        }
      }
    } else {
      conv.tbtSumSeconds += gapSeconds;
      conv.tbtCount++;
      if (last) {
        conv.lastTurnTbtSumSeconds += gapSeconds;
        conv.lastTurnTbtCount++;
      }
      if (conv.measured) {
        addValue(this.tbt, gapSeconds);
        if (last) addValue(this.lastTurnTbt, gapSeconds);
      }
    }
    conv.lastTokenSeconds = timeSeconds;
  }

  /** Bulk decode gaps from a macro-step. */
  recordTbtSeries(first: number, delta: number, n: number, measured: number, measuredLast: number): void {
    addArithmetic(this.tbt, first, delta, n, measured);
    addArithmetic(this.lastTurnTbt, first, delta, n, measuredLast);
  }

  /** One decode gap seen by several measured sequences at once. */
  recordGap(gapSeconds: number, measured: number, measuredLast: number): void {
    addValue(this.tbt, gapSeconds, measured);
    addValue(this.lastTurnTbt, gapSeconds, measuredLast);
  }

  /** A conversation's mean TBT over its standalone mean (all turns, or the last turn). */
  recordSlowdownTbt(slowdown: number, lastTurn: boolean): void {
    addValue(lastTurn ? this.slowdownLastTurnTbt : this.slowdownTbt, slowdown);
    if (lastTurn && slowdown > 0) {
      this.logSlowdown.lastTurnTbt += Math.log(slowdown);
      this.logSlowdown.lastTurnTbtCount++;
    }
  }

  /** A measured conversation's end-to-end latency (arrival → last token) and its slowdown over standalone. */
  recordE2e(e2eSeconds: number, standaloneSeconds: number): void {
    addValue(this.e2e, e2eSeconds);
    if (!(standaloneSeconds > 0)) return;
    const slowdown = e2eSeconds / standaloneSeconds;
    addValue(this.slowdownE2e, slowdown);
    if (slowdown > 0) {
      this.logSlowdown.e2e += Math.log(slowdown);
      this.logSlowdown.e2eCount++;
    }
  }

  /** A busy interval of an instance, clipped to the measured window. */
  recordBusy(instance: number, startSeconds: number, endSeconds: number, powerWatts: number): void {
    const from = Math.max(startSeconds, this.warmupSeconds);
    if (endSeconds <= from) return;
    const account = this.instances[instance];
    account.busySeconds += endSeconds - from;
    account.busyJoules += (endSeconds - from) * powerWatts;
    const loadedEnd = Math.min(endSeconds, this.loadEndSeconds);
    if (loadedEnd > from) account.loadedBusySeconds += loadedEnd - from;
  }
}
