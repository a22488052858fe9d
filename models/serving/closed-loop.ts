/**
 * A closed-loop serving benchmark (C clients, each sending its next request when the last one finished; fixed ISL and
 * OSL, as vLLM `bench serve --max-concurrency`, aiperf and genai-perf run it) replayed step by step on one aggregated
 * engine, in *step units*: with no think time, which request runs in which step does not depend on how long a step
 * lasts, so every request's TTFT and TPOT are sums of the term vectors (step-terms.ts) of the steps it waited through —
 * exactly linear in the fitted coefficients. The mean TTFT and TPOT of the run are then `coefficients · terms`.
 *
 * Scheduling follows the backend policy: admission in arrival order while `maxSequences` and the KV cache allow (a
 * request reserves its whole ISL + OSL at admission under TRT-LLM's guaranteed-no-evict; under vLLM and SGLang, which
 * allocate as they go, a request is admitted when its prompt fits beside what the running ones hold now, and the
 * preemptions that can follow when decoding fills the cache are not modelled); then either decoders plus prompt chunks up to the token budget in one
 * step, or a prompt-only step whenever prompts wait. A finished request's client sends the next one, which joins from
 * the step after the one already in flight. Every client sends `requestsPerClient` requests; all are counted (a
 * benchmark's first burst included, as the tools report it).
 *
 * This is the step-unit twin of `runServingBenchmark` (planner/benchmark/, branch `bench`), which runs the same
 * benchmark in seconds on the kernel's engines; the fit only needs the linear terms.
 */
import type { BackendPolicy } from './backend-policy.js';
import { STEP_TERMS, stepTerms, type InstanceUnits, type StepComposition } from './step-terms.js';

export interface ClosedLoopPoint {
  readonly concurrency: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface ClosedLoopOptions {
  /** Requests each client sends (default 5). */
  readonly requestsPerClient?: number;
  /** KV tokens the instance holds (default: unlimited). */
  readonly kvCapacityTokens?: number;
}

export interface ClosedLoopTerms {
  /** Mean TTFT as a term vector (the last term counts the per-request overhead, 1 per request). */
  readonly ttft: number[];
  /** Mean TPOT as a term vector. */
  readonly tpot: number[];
  readonly requests: number;
  readonly steps: number;
  /** Largest number of requests the KV cache let run at once (< concurrency when it is the bottleneck). */
  readonly peakRunning: number;
}

export const DEFAULT_REQUESTS_PER_CLIENT = 5;

interface Request {
  readonly eligibleStep: number;
  /** Terms accumulated when the request reached the server (set when it becomes eligible for the staggered start). */
  arrivalTerms?: Float64Array;
  prefilled: number;
  decoded: number;
  firstTokenTerms?: Float64Array;
}

/** Replays the benchmark; throws when one request cannot fit the KV cache at all. */
export function closedLoopTerms(u: InstanceUnits, point: ClosedLoopPoint, policy: BackendPolicy, options: ClosedLoopOptions = {}): ClosedLoopTerms {
  const isl = Math.max(1, Math.round(point.inputTokens));
  const osl = Math.max(1, Math.round(point.outputTokens));
  const perClient = options.requestsPerClient ?? DEFAULT_REQUESTS_PER_CLIENT;
  const kvCap = options.kvCapacityTokens ?? Number.POSITIVE_INFINITY;
  if (isl + osl > kvCap) throw new RangeError(`one request of ${isl} + ${osl} tokens exceeds the instance's KV cache of ${kvCap} tokens`);
  const n = STEP_TERMS.length;
  const total = new Float64Array(n);
  const ttftSum = new Float64Array(n);
  const tpotSum = new Float64Array(n);
  const waiting: Request[] = [];
  const running: Request[] = [];
  let sent = 0;
  let done = 0;
  let kvUsed = 0;
  let step = 0;
  let peakRunning = 0;
  const target = point.concurrency * perClient;
  const send = (eligibleStep: number, arrived: boolean) => {
    if (sent >= target) return;
    sent++;
    waiting.push({ eligibleStep, ...(arrived ? { arrivalTerms: total.slice() } : {}), prefilled: 0, decoded: 0 });
  };
  // Every client starts at once, as the benchmark tools launch them; the engine's admission staggers them (or not).
  for (let c = 0; c < point.concurrency; c++) send(0, true);
  // KV held: the whole reservation, or the tokens a request holds now (prompt admitted + tokens decoded).
  const whole = policy.reservesWholeRequest;
  const finish = (r: Request) => {
    if (osl > 1) for (let j = 0; j < n; j++) tpotSum[j] += (total[j] - (r.firstTokenTerms as Float64Array)[j]) / (osl - 1);
    kvUsed -= whole ? isl + osl : isl + r.decoded;
    done++;
    send(step + 2, true);
  };
  while (done < target) {
    for (const r of waiting) if (r.arrivalTerms === undefined && r.eligibleStep <= step) r.arrivalTerms = total.slice();
    const admit = whole ? isl + osl : isl;
    while (waiting.length > 0 && waiting[0].eligibleStep <= step && running.length < policy.maxSequences && kvUsed + admit <= kvCap) {
      running.push(waiting.shift() as Request);
      kvUsed += admit;
    }
    peakRunning = Math.max(peakRunning, running.length);
    const prefilling = running.filter((r) => r.prefilled < isl);
    const decoding = running.filter((r) => r.prefilled >= isl);
    const decodeNow = policy.mixesPrefillIntoDecode || prefilling.length === 0 ? decoding : [];
    let budget = policy.stepTokenBudget - decodeNow.length;
    const chunks: Array<[Request, number]> = [];
    for (const r of prefilling) {
      if (budget <= 0) break;
      const chunk = Math.min(isl - r.prefilled, budget);
      chunks.push([r, chunk]);
      budget -= chunk;
    }
    if (decodeNow.length === 0 && chunks.length === 0) {
      // Idle: nothing admitted can run; time does not pass until the next request is eligible.
      step = waiting.length > 0 ? Math.max(step + 1, waiting[0].eligibleStep) : step + 1;
      continue;
    }
    let context = 0;
    for (const r of decodeNow) context += isl + r.decoded;
    let promptTokens = 0;
    let pairs = 0;
    for (const [r, chunk] of chunks) {
      promptTokens += chunk;
      pairs += chunk * (chunk + 2 * r.prefilled);
    }
    const composition: StepComposition = { decodeSequences: decodeNow.length, contextTokens: context, prefillTokens: promptTokens, prefillPairs: pairs, scheduledSequences: decodeNow.length + chunks.length };
    const t = stepTerms(u, composition);
    for (let j = 0; j < n; j++) total[j] += t[j];
    const finished: Request[] = [];
    for (const r of decodeNow) {
      r.decoded++;
      if (!whole) kvUsed++;
      if (r.decoded >= osl - 1) finished.push(r);
    }
    for (const [r, chunk] of chunks) {
      r.prefilled += chunk;
      if (r.prefilled >= isl) {
        r.firstTokenTerms = total.slice();
        for (let j = 0; j < n; j++) ttftSum[j] += total[j] - (r.arrivalTerms as Float64Array)[j];
        if (osl <= 1) finished.push(r);
      }
    }
    for (const r of finished) running.splice(running.indexOf(r), 1);
    for (const r of finished) finish(r);
    step++;
  }
  const ttft = Array.from(ttftSum, (v) => v / target);
  ttft[n - 1] += 1;
  return { ttft, tpot: Array.from(tpotSum, (v) => v / target), requests: target, steps: step, peakRunning };
}
