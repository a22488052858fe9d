/**
 * The client's turnaround in a closed-loop benchmark: the time from the engine finishing one of a client's requests to
 * the engine seeing that client's next one. A real benchmark client (vLLM `bench serve --max-concurrency`,
 * aiperf/genai-perf `--concurrency`, Perf Analyzer's concurrency mode) adds no delay of its own between requests, but
 * the last token still goes through the API server's detokeniser and the HTTP stream, the client parses and records
 * the response, builds and sends the next request, and the server parses it, applies the chat template and tokenises
 * the prompt before the engine core sees it. That time varies from request to request (Python event-loop scheduling,
 * tokeniser time, garbage collection, output processing that blocks the loop — vLLM PR #12287 broke up detokenisation
 * for exactly that: TTFT and ITL variance). Its spread is what takes real clients out of lockstep; without it, C equal
 * requests that start together stay in waves: every prompt of a wave is prefilled in one batch, every round.
 *
 * Shape: exponential with a mean fitted on training runs (models/serving/client-gap-fit.ts). Of all distributions of
 * a positive time with a given mean the exponential assumes the least (maximum entropy); the staged runs report means
 * only, and a mean is all a fit on them can identify. Its spread equals its mean, so clients drift apart by about one
 * mean per round. The turnaround only moves arrivals: what a request's own TTFT spends outside the engine is the
 * calibration's constant `request_overhead` (fitted on the TTFT level, not on the schedule).
 *
 * Each request draws once, from its own seeded stream ('benchmark/client-gap'), in the order requests are created
 * (the kernel's total event order), so the same seed gives the same run byte for byte.
 */
import { sampleExponential, type Uniform01 } from '../../models/random.js';

export class ClientGap {
  constructor(
    /** Mean turnaround (seconds); 0: a client's next request reaches the engine the instant its last one finishes. */
    readonly meanSeconds: number,
    private readonly stream: Uniform01,
  ) {
    if (!(meanSeconds >= 0 && Number.isFinite(meanSeconds))) throw new RangeError(`clientGapSeconds must be a finite number ≥ 0, received ${meanSeconds}`);
  }

  /** One request's turnaround, seconds (no draw at mean 0: a run without it is the lockstep run, byte for byte). */
  draw(): number {
    return this.meanSeconds > 0 ? sampleExponential(this.stream, this.meanSeconds) : 0;
  }
}
