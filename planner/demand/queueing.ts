/**
 * The prefill utilisation cap from a TTFET percentile.
 *
 * Each prefill instance is treated as an M/G/1 queue (Poisson conversation arrivals, general prefill times S).
 * Its waiting time W is approximated by the standard exponential tail: P(W > 0) = ρ (exact for M/G/1), and given a
 * wait, W is exponential with the Pollaczek–Khinchine conditional mean m = E[S²] / (2 E[S] (1 − ρ)). That is exact
 * for M/M/1 and the usual heavy-traffic approximation otherwise:
 *
 *     P(W > w) ≈ ρ · exp(−w / m) = ρ · exp(−2 w E[S] (1 − ρ) / E[S²])
 *
 * The cap is the largest ρ with P(W > w) ≤ 1 − q, where w is the share of the TTFET target left for queueing and q
 * the SLO percentile. A pool of n instances behind least-queued routing waits less than n independent M/G/1 queues,
 * so the per-instance bound is conservative; the kernel check measures the real thing and the loop tightens it.
 */

import { analyseBatchQueue, extraDelayTailProbability, type BatchQueueFigures } from './batch-queue.js';
import type { BatchService } from './batch-service.js';

/** Utilisation never planned above this even with a generous budget: arrival bursts are not Poisson-smooth. */
export const MAX_UTILISATION = 0.95;

export interface ServiceMoments {
  /** E[S] in seconds. */
  readonly meanSeconds: number;
  /** E[S²] in seconds². */
  readonly secondMomentSeconds2: number;
}

/** P(W > w) under the approximation above. */
export function waitTailProbability(rho: number, waitBudgetSeconds: number, service: ServiceMoments): number {
  if (rho <= 0) return 0;
  if (rho >= 1) return 1;
  const rate = (2 * service.meanSeconds * (1 - rho)) / service.secondMomentSeconds2;
  return rho * Math.exp(-waitBudgetSeconds * rate);
}

/**
 * The largest utilisation ρ ∈ (0, MAX_UTILISATION] whose wait exceeds `waitBudgetSeconds` with probability at most
 * `1 − percentile`. Returns 0 when the budget is not positive (the pool cannot meet the target at any load).
 */
export function utilisationCap(waitBudgetSeconds: number, percentile: number, service: ServiceMoments): number {
  if (!(waitBudgetSeconds > 0) || service.meanSeconds <= 0) return waitBudgetSeconds > 0 ? MAX_UTILISATION : 0;
  const epsilon = 1 - percentile;
  if (waitTailProbability(MAX_UTILISATION, waitBudgetSeconds, service) <= epsilon) return MAX_UTILISATION;
  // The tail grows monotonically with ρ (both factors do), so bisection finds the boundary.
  let lo = 0;
  let hi = MAX_UTILISATION;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (waitTailProbability(mid, waitBudgetSeconds, service) <= epsilon) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The largest arrival rate per instance (conversations per second) a batching prefill server takes with its delay
 * beyond the prompt's own prefill, D, exceeding `waitBudgetSeconds` with probability at most `1 − percentile`, and
 * its busy share at most MAX_UTILISATION (batch-queue.ts derives u and E[D] for the kernel's batch rule). With
 * batches of one this is exactly `utilisationCap` / E[S_1]: that closed form is the start of the search, and the
 * answer when the server cannot form a batch (prompts that fill the token budget alone).
 */
export function arrivalRateCap(waitBudgetSeconds: number, percentile: number, service: BatchService): number {
  const key = `${waitBudgetSeconds}|${percentile}`;
  const own = capsOf(service);
  let cap = own.get(key);
  if (cap === undefined) {
    // A twin (the same samples: another GPU type whose prefill is timed alike) may have searched this budget already.
    // Without a positive budget the search solves no chain, so it is not worth building every batch size to look.
    const twin = waitBudgetSeconds > 0 ? twinOf(service) : service;
    const theirs = capsOf(twin);
    cap = theirs.get(key) ?? searchArrivalRateCap(waitBudgetSeconds, percentile, twin);
    theirs.set(key, cap);
    own.set(key, cap);
  }
  return cap;
}

function capsOf(service: BatchService): Map<string, number> {
  let caps = rateCaps.get(service);
  if (!caps) rateCaps.set(service, (caps = new Map()));
  return caps;
}

/**
 * Largest batch for which twins are looked for: the first chain solve (16 states) builds S_1 … S_15 anyway, so
 * comparing them costs no extra pricing; beyond it the comparison would build sizes the search may never need.
 */
const TWIN_MAX_BATCH = 15;

/**
 * The first service seen with the same prompt grid and bit-identical S_1 … S_B (B = its largest batch), or itself.
 * The queue's figures and rate caps are functions of those samples alone (chainFigures and the search read nothing
 * else), so a twin's answers are this service's answers: on the whole-catalog table 11 of the 137 batching services
 * were twins (GPU types with the same prefill roofline: gb200, gb300 and mi355x at one TP and format). Registered per
 * grid object (a class profile's, memoised per request: piece-memo.ts), so nothing outlives the request.
 */
export function twinOf(service: BatchService): BatchService {
  const B = service.maxBatch;
  if (B < 2 || B > TWIN_MAX_BATCH) return service;
  let known = twins.get(service);
  if (known) return known;
  let byContent = servicesBySamples.get(service.promptGrid);
  if (!byContent) servicesBySamples.set(service.promptGrid, (byContent = new Map()));
  const parts: string[] = [String(B)];
  for (let k = 1; k <= B; k++) {
    const s = service.samples(k);
    // The samples' bits as UTF-16 code units: equal strings exactly when every double is the same.
    parts.push(String.fromCharCode(...new Uint16Array(s.buffer, s.byteOffset, s.length * 4)));
  }
  const key = parts.join('|');
  known = byContent.get(key);
  if (!known) byContent.set(key, (known = service));
  twins.set(service, known);
  return known;
}

const twins = new WeakMap<BatchService, BatchService>();
const servicesBySamples = new WeakMap<readonly number[], Map<string, BatchService>>();

/**
 * Both memos are of pure functions of their keys (a batch service's figures do not depend on the order they are asked
 * in: batch-service.ts), so remembering changes no answer. A demand table asks the same service for the same budget
 * more than once (pools that share a performance model and prompt grid), and the searches of one service meet at the
 * same rates (the bracket's last point is tested again): 12% of the whole-catalog table's queue solves were repeats.
 * Keyed on the service object (memoised per model, role and grid: piece-memo.ts), so nothing outlives it.
 */
const rateCaps = new WeakMap<BatchService, Map<string, number>>();
const queueFigures = new WeakMap<BatchService, Map<number, BatchQueueFigures>>();

/** analyseBatchQueue(rate, service), remembered per service. */
function memoBatchQueue(rate: number, service: BatchService): BatchQueueFigures {
  let byRate = queueFigures.get(service);
  if (!byRate) queueFigures.set(service, (byRate = new Map()));
  let figures = byRate.get(rate);
  if (!figures) byRate.set(rate, (figures = analyseBatchQueue(rate, service)));
  return figures;
}

function searchArrivalRateCap(waitBudgetSeconds: number, percentile: number, service: BatchService): number {
  const single = service.meanSeconds(1);
  const rhoSingle = utilisationCap(waitBudgetSeconds, percentile, { meanSeconds: single, secondMomentSeconds2: service.secondMomentSeconds2(1) });
  if (!(rhoSingle > 0) || !(single > 0) || service.maxBatch === 1) return single > 0 ? rhoSingle / single : rhoSingle > 0 ? Infinity : 0;
  const epsilon = 1 - percentile;
  const ok = (rate: number): boolean => {
    const f = memoBatchQueue(rate, service);
    return f.stable && f.busyFraction <= MAX_UTILISATION && extraDelayTailProbability(waitBudgetSeconds, f, service) <= epsilon;
  };
  // Bracket from the batch-1 answer (batching shifts it, in either direction: shared floors against longer iterations),
  // then bisect to 0.3% — far inside the model's own error.
  let lo = rhoSingle / single;
  let hi = lo;
  if (ok(lo)) {
    do {
      lo = hi;
      hi *= 1.5;
    } while (ok(hi) && hi < 1e3 * lo);
  } else {
    do {
      hi = lo;
      lo /= 1.5;
    } while (!ok(lo) && lo > 1e-9);
    if (!ok(lo)) return 0;
  }
  while (hi / lo - 1 > 3e-3) {
    const mid = Math.sqrt(lo * hi);
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}
