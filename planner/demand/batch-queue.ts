/**
 * The prefill queue of a batching server, derived exactly for the kernel's batch rule.
 *
 * Model. Prompts arrive as a Poisson stream of rate λ at one server (a prefiller, or a colocated engine's prefill
 * side) and wait FIFO. Whenever the server is free and prompts wait, it starts one iteration with the first
 * k = min(q, B) of the q waiting prompts; the iteration lasts S_k (batch-service.ts: the model's batched time, not k
 * single-prompt times) and all k prompts get their first token at its end. A prompt arriving at an idle server starts
 * an iteration of its own at once. This is the bulk-service queue M/G^(1,B)/1 with batch-size-dependent service.
 *
 * Derivation. Let X_n be the number waiting just after the n-th iteration ends. The next iteration takes
 * k(X_n) = min(X_n, B) (or 1 after an idle period when X_n = 0), leaves r(X_n) = X_n − k waiting, and A_k prompts
 * arrive during it, so X_{n+1} = r(X_n) + A_k with P(A_k = j) = E[e^{−λS_k} (λS_k)^j / j!] (mixed Poisson). X is a
 * Markov chain that moves down by at most B per step (an M/G/1-type chain); its stationary law π is computed by GTH
 * state reduction (Grassmann–Taksar–Heyman: subtraction-free, so accurate even near saturation) on the chain truncated
 * deep enough that it jumps past the kept states with probability below 1e-7 per iteration. An iteration
 * started from state q is a renewal cycle of expected length (1{q = 0}/λ + E[S_k]) during which the waiting room
 * holds r prompts throughout plus the arrivals of the iteration, whose expected area is λ E[S_k²] / 2. By renewal-reward
 * and Little's law,
 *
 *     L_q = Σ_q π_q (r_q E[S_k] + λ E[S_k²]/2) / Σ_q π_q (1{q=0}/λ + E[S_k]),     E[W] = L_q / λ,
 *
 * the busy share u = Σ π_q E[S_k] / Σ π_q (1{q=0}/λ + E[S_k]) is the probability an arrival finds the server busy
 * and must wait (PASTA), and a prompt's own iteration lasts Σ π_q k E[S_k] / Σ π_q k on average.
 *
 * Special case B = 1: the chain is M/G/1's embedded chain and the formula is Pollaczek–Khinchine,
 * E[W] = λ E[S_1²] / (2 (1 − ρ)) with u = ρ = λ E[S_1]; that case is evaluated in closed form.
 *
 * Tail. The SLO budget is for the delay D a prompt suffers beyond its own single-prompt prefill (the TTFET floor counts
 * that): its wait plus what sharing its iteration adds, E[D] = E[W] + E[own iteration] − E[S_1]. As in queueing.ts, D
 * is taken as exponential given that there is one, with the exact conditional mean: P(D > w) ≈ u · exp(−w u / E[D])
 * — at B = 1 exactly the M/G/1 form used before (E[D] = E[W], u = ρ).
 */
import type { BatchService } from './batch-service.js';

export interface BatchQueueFigures {
  readonly arrivalRatePerSecond: number;
  /** False when full batches cannot keep up (λ E[S_B] ≥ B); the other figures are then Infinity or 1. */
  readonly stable: boolean;
  /** Share of time the server is busy = probability an arrival waits. */
  readonly busyFraction: number;
  /** Mean wait from arrival to the start of the prompt's iteration, seconds. */
  readonly meanWaitSeconds: number;
  /** Mean length of the iteration a prompt is served in, seconds (so E[W] + this = mean time to its first token). */
  readonly meanOwnIterationSeconds: number;
  /** Mean prompts per iteration. */
  readonly meanBatch: number;
}

/** Largest truncated chain solved; beyond it a chain still leaking more than 1e-6 per step is called unstable. */
const MAX_STATES = 4096;
/** The truncation is deep enough when the stationary chain jumps past the kept states less often than this per step. */
const TAIL_MASS = 1e-7;

/** The queue's figures at arrival rate `ratePerSecond`. */
export function analyseBatchQueue(ratePerSecond: number, service: BatchService): BatchQueueFigures {
  const lambda = ratePerSecond;
  if (!(lambda > 0)) return { arrivalRatePerSecond: 0, stable: true, busyFraction: 0, meanWaitSeconds: 0, meanOwnIterationSeconds: service.meanSeconds(1), meanBatch: 1 };
  if (service.maxBatch === 1) {
    const rho = lambda * service.meanSeconds(1);
    if (!(rho < 1)) return unstable(lambda, service);
    return { arrivalRatePerSecond: lambda, stable: true, busyFraction: rho, meanWaitSeconds: (lambda * service.secondMomentSeconds2(1)) / (2 * (1 - rho)), meanOwnIterationSeconds: service.meanSeconds(1), meanBatch: 1 };
  }
  return chainFigures(lambda, service);
}

function unstable(lambda: number, service: BatchService): BatchQueueFigures {
  return { arrivalRatePerSecond: lambda, stable: false, busyFraction: 1, meanWaitSeconds: Infinity, meanOwnIterationSeconds: Infinity, meanBatch: service.maxBatch };
}

/**
 * The same figures from the embedded chain, for any B (exported so tests can check it against P-K at B = 1). The
 * chain is truncated at N states, doubled until it leaves them less than TAIL_MASS per step; S_k is only needed (and
 * built) for the batches the kept states can form.
 */
export function chainFigures(lambda: number, service: BatchService): BatchQueueFigures {
  const B = service.maxBatch;
  // Full batches that cannot keep up: the queue grows without bound (however rarely it gets there).
  if (!(lambda * service.meanSeconds(B) < B)) return unstable(lambda, service);
  const arrivals: Float64Array[] = [];
  let states = 16;
  let pi: Float64Array;
  for (;;) {
    const kMax = Math.min(B, states - 1);
    for (let k = arrivals.length + 1; k <= kMax; k++) arrivals.push(mixedPoissonPmf(lambda, service.samples(k)));
    const solved = stationary(states, B, arrivals);
    pi = solved.pi;
    if (solved.leavingPerStep < TAIL_MASS) break;
    if (states >= MAX_STATES) {
      if (solved.leavingPerStep > 1e-6) return unstable(lambda, service);
      break;
    }
    // Far from converged: skip a doubling (the tail shrinks roughly geometrically in N).
    states = Math.min(MAX_STATES, (solved.leavingPerStep > 1e-4 ? 4 : 2) * states);
  }
  // E[S_k] and E[S_k²] for the batches the kept states form, read once (not per state).
  const kMax = Math.min(B, states - 1);
  const meanS = new Float64Array(kMax + 1);
  const secondS = new Float64Array(kMax + 1);
  for (let k = 1; k <= kMax; k++) {
    meanS[k] = service.meanSeconds(k);
    secondS[k] = service.secondMomentSeconds2(k);
  }
  let cycle = 0;
  let busy = 0;
  let area = 0;
  let jobs = 0;
  let jobService = 0;
  for (let q = 0; q < states; q++) {
    const p = pi[q];
    if (p === 0) continue;
    const k = q === 0 ? 1 : Math.min(q, B);
    const r = q === 0 ? 0 : q - k;
    const s1 = meanS[k];
    cycle += p * ((q === 0 ? 1 / lambda : 0) + s1);
    busy += p * s1;
    area += p * (r * s1 + (lambda * secondS[k]) / 2);
    jobs += p * k;
    jobService += p * k * s1;
  }
  return { arrivalRatePerSecond: lambda, stable: true, busyFraction: busy / cycle, meanWaitSeconds: area / cycle / lambda, meanOwnIterationSeconds: jobService / jobs, meanBatch: jobs };
}

/**
 * P(j arrivals during one service) for j = 0 … J, mixing Poisson(λ s) over the equally likely samples s, with the far
 * tail (below 1e-15 in all) dropped: it only widens the band the chain solve sweeps. J = μmax + 12√μmax + 12 bounds
 * the computation; the terms a sample adds are exp(−μ) μ^j / j! by the recurrence p_{j+1} = p_j μ / (j + 1).
 *
 * The kept entries end well below J (on the whole-catalog table at 63% of it on average), so the sum runs in blocks
 * of j and stops as soon as the entries computed so far decide where the 1e-15 tail starts (tailCut): each entry is
 * the same sum of the same terms in the same order (sample by sample), and the cut is the one a sum up to J would
 * find, so the result is bit-identical to summing to J — only the terms beyond the cut are not computed.
 */
export function mixedPoissonPmf(lambda: number, samples: Float64Array): Float64Array {
  const { mu, muMax, J } = means(lambda, samples);
  if (!(muMax < LOG_TERMS_MU)) return summedToJ(mu, J);
  const m = samples.length;
  const pmf = new Float64Array(J + 1);
  const w = 1 / m;
  // p[i]: sample i's next term (at index `done`), carried from block to block.
  const p = new Float64Array(m);
  for (let i = 0; i < m; i++) p[i] = Math.exp(-mu[i]);
  const step = Math.ceil(Math.sqrt(muMax) / 2) + 2;
  let done = 0;
  let next = Math.min(J + 1, Math.ceil(muMax + 8 * Math.sqrt(muMax)) + 8);
  for (;;) {
    for (let i = 0; i < m; i++) {
      const mi = mu[i];
      let pi = p[i];
      for (let j = done; j < next; j++) {
        pmf[j] += w * pi;
        pi *= mi / (j + 1);
      }
      p[i] = pi;
    }
    done = next;
    if (done === J + 1) return trimmed(pmf, tailCut(pmf, done, 0) ?? 1);
    const beyond = massBeyond(mu, p, w, done);
    if (beyond < 1e-16) {
      const end = tailCut(pmf, done, beyond);
      if (end !== undefined) return trimmed(pmf, end);
    }
    next = Math.min(J + 1, done + step);
  }
}

/** Above this mean exp(−μ) underflows: the terms are computed in logs, all of them up to J. */
const LOG_TERMS_MU = 600;
/** The cut the trim makes, from 1e-15 of tail mass. */
const TAIL_DROP = 1e-15;

/**
 * An upper bound on Σ_{j ≥ from} of the mixture (the terms not yet summed): beyond j ≥ μ a sample's terms fall at least
 * geometrically, by μ / (from + 1) per step, from its next term p[i]. Infinity while some sample has not passed its
 * mode. Doubled against the rounding of the carried terms.
 */
function massBeyond(mu: Float64Array, p: Float64Array, w: number, from: number): number {
  let bound = 0;
  for (let i = 0; i < mu.length; i++) {
    const ratio = mu[i] / (from + 1);
    if (!(ratio < 0.9)) return Infinity;
    bound += (w * p[i]) / (1 - ratio);
  }
  return 2 * bound + 1e-300;
}

/**
 * Where the trim cuts pmf[0 … J]: scanning down from the top, entries are dropped while the dropped mass plus the next
 * entry stays below TAIL_DROP. Only pmf[0 … top − 1] is known here and the rest of the mass is at most `beyond`; each
 * comparison is then decided as the full scan (starting from J) would decide it unless it lies within that much (plus
 * the scan's own rounding) of TAIL_DROP — then undefined, and the caller sums further. With beyond = 0 and top = J + 1
 * this is the full scan itself.
 */
function tailCut(pmf: Float64Array, top: number, beyond: number): number | undefined {
  const margin = beyond > 0 ? 2 * beyond + 1e-26 : 0;
  let tail = 0;
  let end = top;
  while (end > 1) {
    const withNext = tail + pmf[end - 1];
    if (margin > 0 && Math.abs(withNext - TAIL_DROP) <= margin) return undefined;
    if (!(withNext < TAIL_DROP)) break;
    tail = withNext;
    end--;
  }
  return end;
}

function trimmed(pmf: Float64Array, end: number): Float64Array {
  return end === pmf.length ? pmf : pmf.slice(0, end);
}

/** Each sample's Poisson mean λ s, the largest, and the last index J the sum may need. */
function means(lambda: number, samples: Float64Array): { mu: Float64Array; muMax: number; J: number } {
  const mu = new Float64Array(samples.length);
  let muMax = 0;
  for (let i = 0; i < samples.length; i++) {
    mu[i] = lambda * samples[i];
    muMax = Math.max(muMax, mu[i]);
  }
  return { mu, muMax, J: Math.ceil(muMax + 12 * Math.sqrt(muMax) + 12) };
}

/** The same pmf summed to J outright, then trimmed: what mixedPoissonPmf must equal bit for bit (tests compare them). */
export function mixedPoissonPmfSummedToJ(lambda: number, samples: Float64Array): Float64Array {
  const { mu, J } = means(lambda, samples);
  return summedToJ(mu, J);
}

/** The mixture summed to J outright (every term, in logs for a mean at or above LOG_TERMS_MU), then trimmed. */
function summedToJ(mu: Float64Array, J: number): Float64Array {
  const pmf = new Float64Array(J + 1);
  const w = 1 / mu.length;
  for (const m of mu) {
    if (m < LOG_TERMS_MU) {
      let p = Math.exp(-m);
      for (let j = 0; j <= J; j++) {
        pmf[j] += w * p;
        p *= m / (j + 1);
      }
    } else {
      // exp(−μ) underflows: the same terms in logs.
      let logFactorial = 0;
      for (let j = 0; j <= J; j++) {
        if (j > 0) logFactorial += Math.log(j);
        pmf[j] += w * Math.exp(-m + j * Math.log(m) - logFactorial);
      }
    }
  }
  return trimmed(pmf, tailCut(pmf, J + 1, 0)!);
}

/**
 * Stationary law of the truncated chain by GTH state reduction. Row q only reaches columns [q − B, q + reach) (a batch
 * leaves at most B, at most reach − 1 arrive) and the reduction's fill-in stays inside that band, so the matrix is
 * kept banded: O(N · (B + reach)) memory and O(N · reach · B) work.
 */
function stationary(N: number, B: number, arrivals: readonly Float64Array[]): { pi: Float64Array; leavingPerStep: number } {
  let reach = 1;
  for (const a of arrivals) reach = Math.max(reach, Math.min(a.length, N));
  const W = B + reach;
  // P(i, j) lives at i·W + (j − i + B).
  const P = new Float64Array(N * W);
  const kept = new Float64Array(N);
  // firstRow[n]: the lowest state whose row reaches column n. Rows below it hold exact zeros in column n (a row never
  // reaches past its own last arrival, and the reduction only fills in columns below the state it removes), so the
  // reduction skips them as the full sweep would (f = 0) without the division.
  const firstRow = new Int32Array(N);
  let unreached = 0;
  for (let q = 0; q < N; q++) {
    const k = q === 0 ? 1 : Math.min(q, B);
    const r = q === 0 ? 0 : q - k;
    const a = arrivals[k - 1];
    const cut = Math.min(a.length, N - r);
    // Jumps past the last kept state are left out (the rows become substochastic): GTH only uses each state's flow
    // to the states below it, and the doubling in chainFigures keeps the left-out mass below TAIL_MASS.
    for (let j = 0; j < cut; j++) {
      P[q * W + (r + j - q + B)] += a[j];
      kept[q] += a[j];
    }
    for (; unreached <= r + cut - 1; unreached++) firstRow[unreached] = q;
  }
  for (; unreached < N; unreached++) firstRow[unreached] = unreached;
  const exitRate = new Float64Array(N);
  for (let n = N - 1; n >= 1; n--) {
    const lowJ = Math.max(0, n - B);
    const rowN = n * W - n + B;
    let s = 0;
    for (let j = lowJ; j < n; j++) s += P[rowN + j];
    exitRate[n] = s;
    if (!(s > 0)) continue;
    for (let i = Math.max(firstRow[n], n - reach + 1); i < n; i++) {
      const rowI = i * W - i + B;
      const toN = P[rowI + n];
      if (toN === 0) continue;
      const f = toN / s;
      if (f === 0) continue;
      for (let j = lowJ; j < n; j++) P[rowI + j] += f * P[rowN + j];
    }
  }
  const pi = new Float64Array(N);
  pi[0] = 1;
  let total = 1;
  for (let n = 1; n < N; n++) {
    if (!(exitRate[n] > 0)) continue;
    let inflow = 0;
    for (let i = Math.max(0, n - reach + 1); i < n; i++) inflow += pi[i] * P[i * W - i + B + n];
    pi[n] = inflow / exitRate[n];
    total += pi[n];
  }
  let leaving = 0;
  for (let n = 0; n < N; n++) {
    pi[n] /= total;
    leaving += pi[n] * Math.max(0, 1 - kept[n]);
  }
  return { pi, leavingPerStep: leaving };
}

/**
 * Mean delay to a prompt's first token beyond its own single-prompt prefill time: the wait for its iteration plus
 * what sharing that iteration adds, E[W] + E[own iteration] − E[S_1]. This is what the SLO budget must absorb (the
 * TTFET floor already counts the prompt's prefill alone); at B = 1 it is the Pollaczek–Khinchine wait.
 */
export function meanExtraDelaySeconds(figures: BatchQueueFigures, service: BatchService): number {
  if (!figures.stable) return Infinity;
  return Math.max(0, figures.meanWaitSeconds + figures.meanOwnIterationSeconds - service.meanSeconds(1));
}

/** P(D > w) ≈ u · exp(−w u / E[D]) for that delay D (see the file comment; at B = 1 the M/G/1 form of queueing.ts). */
export function extraDelayTailProbability(waitSeconds: number, figures: BatchQueueFigures, service: BatchService): number {
  if (!figures.stable) return 1;
  const meanDelay = meanExtraDelaySeconds(figures, service);
  if (figures.busyFraction <= 0 || meanDelay <= 0) return 0;
  return figures.busyFraction * Math.exp((-waitSeconds * figures.busyFraction) / meanDelay);
}
