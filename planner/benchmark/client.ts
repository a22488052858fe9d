/**
 * The benchmark's clients as a reactive workload (planner/kernel ReactiveWorkload): a closed loop of `concurrency`
 * clients that each send their next request the instant the previous one's last token arrives (vLLM `bench serve
 * --max-concurrency N` with every prompt ready, aiperf/genai-perf `--concurrency N`), or open-loop Poisson arrivals.
 * In the closed loop a request reaches the engine one client turnaround (client-gap.ts: random, exponential with a
 * fitted mean) after the client's previous request finished, as real clients do through HTTP, tokenisation and
 * streaming; that spread is what keeps equal clients from running in lockstep waves. It also keeps the per-request
 * statistics and applies the run-length rule (run-length.ts), ending the kernel's warm-up and the run itself. Every
 * random draw comes from its own seeded stream.
 */
import type { Distribution } from '../../catalogs/types.js';
import { sampleDistribution } from '../../models/distribution.js';
import { createStream, sampleExponential, type Uniform01 } from '../../models/random.js';
import { addValue, createHistogram, type ConversationSpec, type FinishedConversation, type Histogram, type ReactiveWorkload, type RunControl } from '../kernel/index.js';
import { ClientGap } from './client-gap.js';
import { BatchMeans, RUN_LENGTH_DEFAULTS, type ResolvedRunLength } from './run-length.js';
import type { BenchmarkLoad } from './types.js';

/** Consecutive draws that fit no instance before the benchmark gives up (the lengths cannot be served at all). */
const MAX_CONSECUTIVE_REFUSALS = 10_000;

type Phase = 'warmup' | 'measure' | 'closing' | 'stopped';

export class BenchmarkClient implements ReactiveWorkload {
  private readonly islStream: Uniform01;
  private readonly oslStream: Uniform01;
  private readonly arrivalStream: Uniform01;
  private readonly gap: ClientGap;
  private made = 0;
  private phase: Phase = 'warmup';
  /** Requests generated and not yet finished (in arrival order). */
  private readonly pending = new Set<ConversationSpec>();
  private completions = 0;
  private maxInFlightSeen = 0;
  private warmupEndSeconds = NaN;
  private closeSeconds = Infinity;
  private outstandingMeasured = 0;
  private batchSize = 0;
  private inBatch = 0;
  refused = 0;
  clipped = 0;
  warmupRequests = 0;
  measuredRequests = 0;
  converged = false;
  overloaded = false;
  stopSeconds = NaN;
  /** Completions (any request) after the warm-up ended, and their output tokens: the window's throughput. */
  windowCompletions = 0;
  windowOutputTokens = 0;
  readonly ttft: Histogram = createHistogram();
  readonly tpot: Histogram = createHistogram();
  readonly e2e: Histogram = createHistogram();
  readonly batchTtft = new BatchMeans();
  readonly batchTpot = new BatchMeans();
  readonly batchE2e = new BatchMeans();
  /** Step accounting: sums over measured requests of their TTFT terms and their TPOT terms (gap terms / gaps). */
  termsTtftSum: Float64Array | null = null;
  termsTpotSum: Float64Array | null = null;
  termsRequests = 0;
  termsTpotRequests = 0;
  /** Sum over those requests of the TTFT seconds no step charges (a disaggregated request's KV transfer). */
  termsTtftFixedSecondsSum = 0;
  /** Requests of a `requestCount` run still to send. */
  private readonly countMode: boolean;

  constructor(
    private readonly load: BenchmarkLoad,
    private readonly isl: Distribution,
    private readonly osl: Distribution,
    seed: number,
    /** Largest KV (tokens) any instance that decodes can hold: a longer request is refused. */
    private readonly capacityTokens: number,
    private readonly rule: ResolvedRunLength,
    /** Client-side time of one request (HTTP, tokenisation, streaming), added to its TTFT and E2E. */
    private readonly requestOverheadSeconds = 0,
    /** Mean client turnaround of the closed loop (client-gap.ts); 0: lockstep, next request at the instant of the finish. */
    clientGapSeconds = 0,
  ) {
    this.countMode = rule.requestCount !== undefined;
    if (this.countMode) {
      // A fixed-count run measures every request from the first (as genai-perf/aiperf `--request-count` report).
      this.phase = 'measure';
      this.warmupEndSeconds = 0;
      this.batchSize = rule.batchRequests ?? Math.max(RUN_LENGTH_DEFAULTS.minBatchRequests, Math.min(load.kind === 'concurrency' ? load.concurrency : 0, RUN_LENGTH_DEFAULTS.maxBatchRequests));
    }
    this.islStream = createStream(seed, 'benchmark/isl');
    this.oslStream = createStream(seed, 'benchmark/osl');
    this.arrivalStream = createStream(seed, 'benchmark/arrivals');
    this.gap = new ClientGap(clientGapSeconds, createStream(seed, 'benchmark/client-gap'));
  }

  get maxInFlight(): number {
    return this.maxInFlightSeen;
  }

  get warmupEnd(): number {
    return this.warmupEndSeconds;
  }

  get batches(): number {
    return this.batchE2e.means.length;
  }

  get batchRequests(): number {
    return this.batchSize;
  }

  /** The largest relative standard error of the three means (what the stopping rule compares). */
  relativeStandardError(): number {
    return Math.max(this.batchTtft.relativeStandardError(), this.batchTpot.relativeStandardError(), this.batchE2e.relativeStandardError());
  }

  private drawTokens(d: Distribution, u: Uniform01): number {
    const s = sampleDistribution(d, u);
    const rounded = Math.round(s.value);
    if (s.cut !== null || rounded < 1) this.clipped++;
    return Math.max(1, rounded);
  }

  /** A request sent at `arrivalSeconds`; draws that no instance could hold are refused and redrawn (and counted). */
  private request(arrivalSeconds: number): ConversationSpec {
    for (let refusals = 0; refusals < MAX_CONSECUTIVE_REFUSALS; refusals++) {
      const inputTokens = this.drawTokens(this.isl, this.islStream);
      const outputTokens = this.drawTokens(this.osl, this.oslStream);
      if (inputTokens + outputTokens > this.capacityTokens) {
        this.refused++;
        continue;
      }
      const spec: ConversationSpec = { id: `request-${this.made++}`, classId: 'benchmark', arrivalSeconds, turns: [{ inputTokens, outputTokens, toolLatencySeconds: 0 }], userVisibleTurns: 'last' };
      this.pending.add(spec);
      return spec;
    }
    throw new RangeError(`${MAX_CONSECUTIVE_REFUSALS} consecutive requests needed more KV than the ${this.capacityTokens} tokens an instance holds: no request of these lengths can be served`);
  }

  /** Whether another request may be sent (a `requestCount` run sends exactly that many). */
  private maySend(): boolean {
    return this.rule.requestCount === undefined || this.made < this.rule.requestCount;
  }

  *[Symbol.iterator](): Iterator<ConversationSpec> {
    if (this.load.kind === 'concurrency') {
      // All clients start at 0; each first request reaches the engine one turnaround later (in that order; ties: client order).
      const first: ConversationSpec[] = [];
      for (let i = 0; i < this.load.concurrency && this.maySend(); i++) first.push(this.request(this.gap.draw()));
      yield* first.sort((a, b) => a.arrivalSeconds - b.arrivalSeconds);
      return;
    }
    const meanGap = 1 / this.load.ratePerSecond;
    let t = 0;
    while (this.phase !== 'stopped' && this.maySend()) {
      t += sampleExponential(this.arrivalStream, meanGap);
      yield this.request(t);
    }
  }

  onFinished(f: FinishedConversation, control: RunControl): Iterable<ConversationSpec> | undefined {
    const now = f.finishSeconds;
    // The finished request no longer counts in control.inFlight: the most in flight was one more.
    this.maxInFlightSeen = Math.max(this.maxInFlightSeen, control.inFlight + 1);
    this.pending.delete(f.spec);
    this.completions++;
    const turn = f.spec.turns[0];
    if (this.phase !== 'warmup') {
      this.windowCompletions++;
      this.windowOutputTokens += turn.outputTokens;
    }
    if (this.countMode) return this.onFinishedCounted(f, now, control);
    switch (this.phase) {
      case 'warmup':
        if (this.completions >= Math.max(this.rule.minWarmupRequests, 2 * this.maxInFlightSeen) || this.completions >= this.rule.maxWarmupRequests) {
          control.endWarmup();
          this.warmupEndSeconds = now;
          this.warmupRequests = this.completions;
          this.batchSize = this.rule.batchRequests ?? Math.max(RUN_LENGTH_DEFAULTS.minBatchRequests, Math.min(this.maxInFlightSeen, RUN_LENGTH_DEFAULTS.maxBatchRequests));
          this.phase = 'measure';
        }
        break;
      case 'measure':
        if (f.measured) this.record(f, now, control);
        break;
      case 'closing':
        // Requests issued before the close are measured to the last one; later ones only hold the load.
        if (f.measured && f.spec.arrivalSeconds < this.closeSeconds) {
          this.record(f, now, control);
          this.outstandingMeasured--;
        }
        break;
      case 'stopped':
        break;
    }
    if (this.load.kind === 'rate' && this.phase !== 'stopped' && control.inFlight > this.rule.maxInFlight) {
      // Arrivals outrun completions: latencies grow without bound, so there is no steady state to measure.
      this.overloaded = true;
      this.converged = false;
      if (Number.isNaN(this.warmupEndSeconds)) {
        control.endWarmup();
        this.warmupEndSeconds = now;
        this.warmupRequests = this.completions;
      }
      this.phase = 'stopped';
      this.stopSeconds = now;
      control.stop();
      return undefined;
    }
    if (this.phase === 'closing' && this.outstandingMeasured === 0) {
      this.phase = 'stopped';
      this.stopSeconds = now;
      control.stop();
      return undefined;
    }
    if (this.phase === 'stopped' || this.load.kind !== 'concurrency') return undefined;
    return [this.request(now + this.gap.draw())];
  }

  /** A `requestCount` run: every request is measured; the run ends when the last one finishes. */
  private onFinishedCounted(f: FinishedConversation, now: number, control: RunControl): Iterable<ConversationSpec> | undefined {
    this.record(f, now, control);
    if (this.completions >= (this.rule.requestCount as number)) {
      for (const b of [this.batchTtft, this.batchTpot, this.batchE2e]) b.closeBatch();
      this.converged = true;
      this.phase = 'stopped';
      this.stopSeconds = now;
      control.stop();
      return undefined;
    }
    return this.load.kind === 'concurrency' && this.maySend() ? [this.request(now + this.gap.draw())] : undefined;
  }

  private record(f: FinishedConversation, now: number, control: RunControl): void {
    const ttft = f.ttfetSeconds + this.requestOverheadSeconds;
    const e2e = now - f.spec.arrivalSeconds + this.requestOverheadSeconds;
    if (f.stepTerms !== undefined) this.addTerms(f.stepTerms, f.tbtCount);
    addValue(this.ttft, ttft);
    addValue(this.e2e, e2e);
    this.batchTtft.add(ttft);
    this.batchE2e.add(e2e);
    // TPOT as the benchmarks define it: (e2e − ttft) / (osl − 1) per request; undefined for a one-token request.
    if (f.tbtCount > 0) {
      const tpot = f.tbtSumSeconds / f.tbtCount;
      addValue(this.tpot, tpot);
      this.batchTpot.add(tpot);
    }
    this.measuredRequests++;
    if (this.phase !== 'measure' || ++this.inBatch < this.batchSize) return;
    this.inBatch = 0;
    this.batchTtft.closeBatch();
    this.batchTpot.closeBatch();
    this.batchE2e.closeBatch();
    if (this.countMode) return;
    const b = this.batches;
    const met = b >= this.rule.minBatches && this.relativeStandardError() <= this.rule.targetRelativeError;
    if (!met && b < this.rule.maxBatches) return;
    this.converged = met;
    this.closeSeconds = now;
    // Requests issued from now on only hold the load: the kernel leaves their token gaps out of ITL too.
    control.endMeasurement();
    this.phase = 'closing';
    this.outstandingMeasured = 0;
    for (const spec of this.pending) if (spec.arrivalSeconds >= this.warmupEndSeconds && spec.arrivalSeconds < now) this.outstandingMeasured++;
  }

  private addTerms(t: { readonly ttft: Float64Array; readonly tbtSum: Float64Array; readonly ttftFixedSeconds?: number }, gaps: number): void {
    this.termsTtftFixedSecondsSum += t.ttftFixedSeconds ?? 0;
    this.termsTtftSum ??= new Float64Array(t.ttft.length);
    this.termsTpotSum ??= new Float64Array(t.ttft.length);
    for (let j = 0; j < t.ttft.length; j++) this.termsTtftSum[j] += t.ttft[j];
    this.termsRequests++;
    if (gaps > 0) {
      for (let j = 0; j < t.tbtSum.length; j++) this.termsTpotSum[j] += t.tbtSum[j] / gaps;
      this.termsTpotRequests++;
    }
  }
}
